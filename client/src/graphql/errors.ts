import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client';
import type { TFunction } from 'i18next';
import { RefreshUnavailableError } from '../auth/session.ts';

/** The codes the platform's errors carry (platform.md, API conventions). */
const KNOWN_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'QUERY_COST_EXCEEDED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'INTERNAL_SERVER_ERROR',
]);

function codeOf(error: unknown): { code: string; retryAfter?: number } | null {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = first?.extensions?.['code'];
    const retryAfter = first?.extensions?.['retryAfter'];
    return typeof code === 'string' ? { code, retryAfter: typeof retryAfter === 'number' ? retryAfter : undefined } : null;
  }
  if (ServerError.is(error)) {
    if (error.statusCode === 429) return { code: 'RATE_LIMITED' };
    if (error.statusCode === 401) return { code: 'UNAUTHENTICATED' };
    if (error.statusCode === 403) return { code: 'FORBIDDEN' };
    return { code: 'SERVER' };
  }
  if (ServerParseError.is(error)) return { code: 'SERVER' };
  return null;
}

/**
 * A sentence for the person in front of the screen, in their language. Raw messages and stack
 * traces never reach the page; unknown failures read as "something went wrong".
 */
export function describeError(error: unknown, t: TFunction): string {
  const coded = codeOf(error);
  if (coded && KNOWN_CODES.has(coded.code)) return t(`errors:codes.${coded.code}`, { count: coded.retryAfter ?? 0 });
  if (coded?.code === 'SERVER') return t('errors:server');
  if (error instanceof RefreshUnavailableError || error instanceof TypeError || (error instanceof Error && /fetch|network/i.test(error.message))) return t('errors:network');
  return t('errors:unexpected');
}

export interface UserErrorLike {
  field: readonly string[] | null;
  message: string;
  code: string;
}

/** The input field a user error points at: `['input', 'email']` → `email`. */
export function fieldOf(error: UserErrorLike): string | null {
  if (!error.field || error.field.length === 0) return null;
  const path = error.field[0] === 'input' ? error.field.slice(1) : error.field;
  return path.length > 0 ? path.join('.') : null;
}
