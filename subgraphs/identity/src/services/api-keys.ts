import { DomainService, newId, newSecret, paginate, revocations, UserInputError, validateInput, type Connection, type PageArguments } from '@platform/kit';
import { isPermission, isRole, ROLE_PERMISSIONS, type Permission, type Principal } from '@platform/schema';
import { z } from 'zod';
import { ApiKey, Membership, Organization, User } from '../entities/index.ts';
import { CLIENT_NAME } from './persisted-operations.ts';
import { actingUserId, actorIdOf, requireAuthenticated, sha256, type IdentityDeps } from './support.ts';

export const API_KEY_PREFIX = 'sk_';
const DEFAULT_PERMISSIONS: Permission[] = ['organization.read'];
/** How long a revocation must be remembered: longer than the gateway caches a verified key. */
const REVOCATION_TTL_MS = 24 * 60 * 60 * 1000;
/** lastUsedAt is written at most this often per key, to keep verification read-mostly. */
const LAST_USED_PRECISION_MS = 60_000;

const createInput = z.object({
  name: z.string().trim().min(1, 'Name the key.').max(100, 'Use at most 100 characters.'),
  permissions: z.array(z.string()).max(50).nullish(),
  expiresAt: z.coerce.date().nullish(),
  clientName: z.string().trim().regex(CLIENT_NAME, 'Use 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.').nullish(),
  safelist: z.boolean().nullish(),
});

export class ApiKeyService extends DomainService<IdentityDeps> {

  list(page: PageArguments): Promise<Connection<ApiKey>> {
    return paginate(this.context.em, ApiKey, {}, page);
  }

  byId(id: string): Promise<ApiKey | null> {
    return this.context.em.findOne(ApiKey, { id });
  }

  async create(input: unknown): Promise<{ apiKey: ApiKey; secret: string }> {
    const principal = requireAuthenticated(this.context);
    const { name, permissions: requested, expiresAt, clientName, safelist } = validateInput(createInput, input);
    if (safelist && !clientName) {
      throw UserInputError.of('INVALID', 'A safelisted key runs only its app\'s published operations: name the app (clientName).', ['input', 'clientName']);
    }
    const permissions = [...new Set(requested ?? DEFAULT_PERMISSIONS)];
    const unknown = permissions.filter((permission) => !isPermission(permission));
    if (unknown.length > 0) {
      throw UserInputError.of('UNKNOWN_PERMISSION', `Unknown permission: ${unknown.map((p) => `'${p}'`).join(', ')}.`, ['input', 'permissions']);
    }
    const held = new Set<string>(principal.permissions);
    const notHeld = permissions.filter((permission) => !held.has(permission));
    if (notHeld.length > 0) {
      throw UserInputError.of('PERMISSION_NOT_HELD', `A key cannot do more than you: you do not hold ${notHeld.map((p) => `'${p}'`).join(', ')}.`, ['input', 'permissions']);
    }
    if (expiresAt && expiresAt <= new Date()) {
      throw UserInputError.of('INVALID', 'The expiry must be in the future.', ['input', 'expiresAt']);
    }
    const { em } = this.context;
    const secret = `${API_KEY_PREFIX}${newSecret(32)}`;
    const apiKey = em.create(ApiKey, {
      id: newId('key'),
      organization: em.getReference(Organization, this.context.organizationId!),
      name,
      prefix: secret.slice(0, 10),
      secretHash: sha256(secret),
      permissions,
      clientName: clientName ?? null,
      safelist: safelist ?? false,
      createdBy: em.getReference(User, actingUserId(principal)),
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: expiresAt ?? null,
      revokedAt: null,
    });
    this.context.emit('api_key.created', { apiKeyId: apiKey.id, name, permissions, actorId: actorIdOf(this.context), clientName: apiKey.clientName, safelist: apiKey.safelist });
    return { apiKey, secret };
  }

  async revoke(input: { id: string }): Promise<{ apiKey: ApiKey }> {
    const apiKey = await this.byId(input.id);
    if (!apiKey) throw UserInputError.of('NOT_FOUND', `No API key with id '${input.id}' in this organization.`, ['input', 'id']);
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      this.context.emit('api_key.revoked', { apiKeyId: apiKey.id });
      await revocations.revokeApiKey(this.context.infra.kv, apiKey.id, REVOCATION_TTL_MS);
    }
    return { apiKey };
  }

  /**
   * The principal an API key secret stands for, or null. Called by the gateway only (a signed internal
   * route), so it looks across tenants: the key itself says which organization it belongs to.
   */
  async verify(secret: unknown): Promise<Principal | null> {
    if (typeof secret !== 'string' || !secret.startsWith(API_KEY_PREFIX) || secret.length > 100) return null;
    const { em } = this.context;
    const apiKey = await em.findOne(ApiKey, { secretHash: sha256(secret) }, { filters: { tenant: false } });
    const now = new Date();
    if (!apiKey || apiKey.revokedAt || (apiKey.expiresAt && apiKey.expiresAt <= now)) return null;
    // A key never does more than its creator may do today: it narrows with their role and ends with their membership.
    const creator = apiKey.createdBy
      ? await em.findOne(Membership, { user: apiKey.createdBy.id, organization: apiKey.organization.id }, { filters: { tenant: false } })
      : null;
    if (!creator || !isRole(creator.role)) return null;
    const held = new Set<string>(ROLE_PERMISSIONS[creator.role]);
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      apiKey.lastUsedAt = now;
      await em.flush();
    }
    return {
      kind: 'apiKey',
      apiKeyId: apiKey.id,
      organizationId: apiKey.organization.id,
      permissions: apiKey.permissions.filter((permission): permission is Permission => isPermission(permission) && held.has(permission)),
      createdByUserId: apiKey.createdBy?.id ?? '',
      client: apiKey.clientName ? { name: apiKey.clientName, safelist: apiKey.safelist } : null,
    };
  }
}
