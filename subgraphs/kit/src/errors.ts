import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The codes a client may see on a GraphQL error. Anything else is masked as INTERNAL_SERVER_ERROR. */
export const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'RATE_LIMITED',
  'QUERY_COST_EXCEEDED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'INTERNAL_SERVER_ERROR',
]);

/** Extension keys a client may see besides `code`; anything else (stack traces, URLs, service names) is dropped. */
const PUBLIC_EXTENSION_KEYS = ['retryAfter', 'requestId'] as const;

/** An expected failure, returned as data in a payload's `userErrors`. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

/**
 * Thrown by a service when input is refused: the mutation's transaction is rolled back and the
 * errors are returned in the payload's `userErrors`.
 */
export class UserInputError extends Error {
  readonly userErrors: UserError[];
  constructor(userErrors: UserError[]) {
    super(userErrors.map((error) => error.message).join(' '));
    this.name = 'UserInputError';
    this.userErrors = userErrors;
  }

  static of(code: string, message: string, field?: string[]): UserInputError {
    return new UserInputError([{ code, message, field: field ?? null }]);
  }
}

export function userError(code: string, message: string, field?: string[]): UserError {
  return { code, message, field: field ?? null };
}

/** Field-level errors carry no HTTP status: a subgraph's answer stays 200 so the gateway can merge it. */
function codedError(code: string, message: string, extra?: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const errors = {
  unauthenticated: (message = 'Authentication required: send a valid access token or API key.') =>
    codedError('UNAUTHENTICATED', message),
  forbidden: (message = 'You are not allowed to do this.') => codedError('FORBIDDEN', message),
  notFound: (what: string, id: string) => codedError('NOT_FOUND', `No ${what} with id '${id}'.`),
  badUserInput: (message: string, extra?: Record<string, unknown>) => codedError('BAD_USER_INPUT', message, extra),
  badRequest: (message: string) => codedError('BAD_REQUEST', message),
  rateLimited: (message: string, retryAfterSeconds: number) =>
    codedError('RATE_LIMITED', message, { retryAfter: retryAfterSeconds }),
};

/**
 * Error masking for every server of the platform: coded errors pass with their message, anything
 * else becomes a generic INTERNAL_SERVER_ERROR (the original is logged by the caller, never sent).
 */
export function maskError(formatted: GraphQLFormattedError, requestId?: string): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // An error that carries a subgraph's HTTP response is the platform's failure, whatever its code says.
  const fromSubgraphTransport = formatted.extensions?.response !== undefined;
  if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR' && !fromSubgraphTransport) {
    const extensions: Record<string, unknown> = { code };
    for (const key of PUBLIC_EXTENSION_KEYS) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
  };
}
