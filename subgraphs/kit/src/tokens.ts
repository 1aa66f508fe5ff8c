import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { isRole, type Role } from '@platform/schema';
import type { KeyValueStore } from './infra.ts';

/** What an access token says. Permissions are derived from the role, never carried in the token. */
export interface AccessClaims {
  userId: string;
  organizationId: string;
  sessionId: string;
  role: Role;
  /** A platform operator (the SaaS vendor's staff): holds the operator permissions on top of the role. */
  operator: boolean;
  /** Issue time in milliseconds, finer than `iat`, so a revocation in the same second is exact. */
  issuedAtMs: number;
  expiresAt: Date;
}

const ISSUER = 'saas-platform';
const AUDIENCE = 'saas-platform-api';

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(
  secret: string,
  claims: Omit<AccessClaims, 'issuedAtMs' | 'expiresAt'>,
  ttlSeconds: number,
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now + ttlSeconds * 1000);
  const token = await new SignJWT({ org: claims.organizationId, sid: claims.sessionId, role: claims.role, ...(claims.operator ? { op: true } : {}), iatms: now, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(secret));
  return { token, expiresAt };
}

/** The token's claims, or null when it is forged, expired, malformed or not an access token. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const { sub, org, sid, role, op, iatms, typ, exp } = payload as Record<string, unknown>;
    if (typ !== 'access' || typeof sub !== 'string' || typeof org !== 'string' || typeof sid !== 'string') return null;
    if (typeof role !== 'string' || !isRole(role) || typeof iatms !== 'number' || typeof exp !== 'number') return null;
    return { userId: sub, organizationId: org, sessionId: sid, role, operator: op === true, issuedAtMs: iatms, expiresAt: new Date(exp * 1000) };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return null;
    throw error;
  }
}

/**
 * Revocations the gateway checks on every request, shared through the key-value store (Redis in
 * production): a signed-out session, a membership whose role changed or that was removed, a
 * revoked API key. Entries live as long as the tokens they cancel could.
 */
export const revocations = {
  sessionKey: (sessionId: string) => `revoked:session:${sessionId}`,
  membershipKey: (userId: string, organizationId: string) => `revoked:membership:${userId}:${organizationId}`,
  apiKeyKey: (apiKeyId: string) => `revoked:apikey:${apiKeyId}`,

  async revokeSession(kv: KeyValueStore, sessionId: string, ttlMs: number): Promise<void> {
    await kv.set(this.sessionKey(sessionId), '1', ttlMs);
  },
  /** Every token of this user in this organization issued before now stops working. */
  async revokeMembershipTokens(kv: KeyValueStore, userId: string, organizationId: string, ttlMs: number): Promise<void> {
    await kv.set(this.membershipKey(userId, organizationId), String(Date.now()), ttlMs);
  },
  async revokeApiKey(kv: KeyValueStore, apiKeyId: string, ttlMs: number): Promise<void> {
    await kv.set(this.apiKeyKey(apiKeyId), '1', ttlMs);
  },

  async isAccessTokenRevoked(kv: KeyValueStore, claims: AccessClaims): Promise<boolean> {
    const [session, membership] = await kv.getMany([
      this.sessionKey(claims.sessionId),
      this.membershipKey(claims.userId, claims.organizationId),
    ]);
    if (session) return true;
    return membership !== null && claims.issuedAtMs <= Number(membership);
  },
};
