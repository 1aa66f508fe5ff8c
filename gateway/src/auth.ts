import { createHash } from 'node:crypto';
import { InternalCallError, revocations, verifyAccessToken, type InternalClient, type KeyValueStore, type Logger } from '@platform/kit';
import { ANONYMOUS, OPERATOR_PERMISSIONS, ROLE_PERMISSIONS, type Principal } from '@platform/schema';

/** A credential that was presented and refused: the request ends with UNAUTHENTICATED. */
export class CredentialError extends Error {}

export interface AuthenticatorOptions {
  accessTokenSecret: string;
  kv: KeyValueStore;
  /** The identity subgraph's URL (its /graphql), for API key verification. */
  identityUrl: string;
  apiKeyCacheSeconds: number;
  /** Signs the verification call the way the gateway signs every subgraph request. */
  internal: InternalClient;
  logger: Logger;
}

interface CachedKey {
  principal: Principal | null;
  verifiedAt: number;
  expiresAt: number;
}

const MAX_CACHED_KEYS = 10_000;

/**
 * Turns `Authorization: Bearer <access token | API key>` into a principal. The organization always
 * comes from the verified credential; nothing the caller sends elsewhere can change it.
 */
export class Authenticator {
  private readonly options: AuthenticatorOptions;
  private readonly apiKeys = new Map<string, CachedKey>();
  constructor(options: AuthenticatorOptions) {
    this.options = options;
  }

  async authenticate(authorization: string | undefined, requestId: string): Promise<Principal> {
    return (await this.authenticateUntil(authorization, requestId)).principal;
  }

  /** The principal, and when the credential stops working by itself: an access token's expiry, null for API keys. */
  async authenticateUntil(authorization: string | undefined, requestId: string): Promise<{ principal: Principal; expiresAt: Date | null }> {
    if (!authorization) return { principal: ANONYMOUS, expiresAt: null };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new CredentialError("Send credentials as 'Authorization: Bearer <token>'.");
    const credential = match[1]!;
    if (credential.startsWith('sk_')) return { principal: await this.apiKey(credential, requestId), expiresAt: null };
    return this.accessToken(credential);
  }

  private async accessToken(token: string): Promise<{ principal: Principal; expiresAt: Date }> {
    const claims = await verifyAccessToken(this.options.accessTokenSecret, token);
    if (!claims) throw new CredentialError('The access token is invalid or has expired; refresh it or sign in again.');
    if (await revocations.isAccessTokenRevoked(this.options.kv, claims)) {
      throw new CredentialError('The access token has been revoked; refresh it or sign in again.');
    }
    const principal: Principal = {
      kind: 'user',
      userId: claims.userId,
      organizationId: claims.organizationId,
      role: claims.role,
      permissions: claims.operator ? [...ROLE_PERMISSIONS[claims.role], ...OPERATOR_PERMISSIONS] : ROLE_PERMISSIONS[claims.role],
      sessionId: claims.sessionId,
    };
    return { principal, expiresAt: claims.expiresAt };
  }

  private async apiKey(secret: string, requestId: string): Promise<Principal> {
    const cacheKey = createHash('sha256').update(secret).digest('base64url');
    const now = Date.now();
    let cached = this.apiKeys.get(cacheKey);
    if (cached && cached.expiresAt > now && cached.principal?.kind === 'apiKey') {
      const { apiKeyId, createdByUserId, organizationId } = cached.principal;
      const [revoked, creatorChanged] = await this.options.kv.getMany([
        revocations.apiKeyKey(apiKeyId),
        revocations.membershipKey(createdByUserId, organizationId),
      ]);
      if (revoked) {
        this.apiKeys.delete(cacheKey);
        throw new CredentialError('The API key is invalid, expired or revoked.');
      }
      // The creator's role changed (or they left) since we verified: the key's reach may have narrowed.
      if (creatorChanged && Number(creatorChanged) >= cached.verifiedAt) cached = undefined;
    }
    if (!cached || cached.expiresAt <= now) {
      cached = { principal: await this.verifyApiKey(secret, requestId), verifiedAt: now, expiresAt: now + this.options.apiKeyCacheSeconds * 1000 };
      if (this.apiKeys.size >= MAX_CACHED_KEYS) this.apiKeys.delete(this.apiKeys.keys().next().value!);
      this.apiKeys.set(cacheKey, cached);
    }
    const principal = cached.principal;
    if (!principal || principal.kind !== 'apiKey') throw new CredentialError('The API key is invalid, expired or revoked.');
    return principal;
  }

  private async verifyApiKey(secret: string, requestId: string): Promise<Principal | null> {
    try {
      const result = await this.options.internal.post<{ principal: Principal | null }>(
        this.options.identityUrl,
        '/internal/api-keys/verify',
        { secret },
        { principal: ANONYMOUS, requestId },
      );
      return result.principal;
    } catch (error) {
      const { status, reason } = error instanceof InternalCallError ? error : { status: undefined, reason: 'UNEXPECTED' };
      this.options.logger.error({ status, reason, requestId }, 'API key verification failed');
      throw new Error('API key verification is unavailable');
    }
  }
}
