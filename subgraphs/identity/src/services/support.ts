import { createHash } from 'node:crypto';
import { errors, type RequestContext } from '@platform/kit';
import type { AuthenticatedPrincipal, Principal } from '@platform/schema';
import type { IdentitySettings } from '../config.ts';

export interface IdentityDeps {
  settings: IdentitySettings;
}

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The caller as a person; API keys cannot do what only people do (sessions, accepting invitations). */
export function requireUser(context: RequestContext): UserPrincipal {
  if (context.principal.kind !== 'user') {
    if (context.principal.kind === 'anonymous') throw errors.unauthenticated();
    throw errors.forbidden('Only a signed-in person can do this; API keys cannot.');
  }
  return context.principal;
}

export function requireAuthenticated(context: RequestContext): AuthenticatedPrincipal {
  if (context.principal.kind === 'anonymous') throw errors.unauthenticated();
  return context.principal;
}

/** The person who did something, as events name them (`actorId`): null for API keys and the platform. */
export function actorIdOf(context: RequestContext): string | null {
  return context.principal.kind === 'user' ? context.principal.userId : null;
}

/** The user on whose behalf the caller acts: the user, or the creator of the API key. */
export function actingUserId(principal: AuthenticatedPrincipal): string {
  if (principal.kind === 'user') return principal.userId;
  if (principal.kind === 'apiKey') return principal.createdByUserId;
  throw errors.forbidden('Only a person or an API key can do this.');
}

export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
