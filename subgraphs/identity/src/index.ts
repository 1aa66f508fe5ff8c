import { createSubgraph, HttpError } from '@platform/kit';
import { isRole, type Role } from '@platform/schema';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { migrations as postgresql } from '../migrations/postgresql/index.ts';
import { migrations as sqlite } from '../migrations/sqlite/index.ts';
import { entities } from './entities/index.ts';
import { resolvers } from './resolvers/index.ts';
import type { IdentityContext } from './resolvers/context.ts';
import { identityServices, type IdentityDeps, type IdentityServices } from './services/index.ts';
import { CLIENT_NAME } from './services/persisted-operations.ts';

export { identitySettings, identityEnvironment, type IdentitySettings } from './config.ts';
export { seedDemo, type DemoSeed } from './seed.ts';
export type { IdentityDeps, IdentityServices } from './services/index.ts';

export const identity = createSubgraph<IdentityServices, IdentityDeps>({
  name: 'identity',
  resolvers: resolvers as unknown as GraphQLResolverMap<IdentityContext>,
  entities,
  migrations: { sqlite, postgresql },
  services: identityServices,
  routes: {
    /** The gateway resolves an API key secret to its principal here. */
    '/internal/api-keys/verify': async (body, context) => ({
      principal: await context.services.apiKeys.verify((body as { secret?: unknown } | null)?.secret),
    }),
    /**
     * The gateway asks here for the body of an app's published operation (trusted documents):
     * `{ organizationId, clientName, operationId }` -> `{ body }` (null when the app never published it).
     */
    '/internal/persisted-operations/lookup': async (body, context) => {
      const { organizationId, clientName, operationId } = (body ?? {}) as Record<string, unknown>;
      if (typeof organizationId !== 'string' || !/^org_[0-9a-z]{1,64}$/.test(organizationId) || typeof clientName !== 'string' || !CLIENT_NAME.test(clientName) || typeof operationId !== 'string' || !/^[0-9a-f]{64}$/.test(operationId)) {
        throw new HttpError(400, 'BAD_REQUEST', "Send { organizationId: 'org_...', clientName, operationId: '<sha256 hex>' }.");
      }
      return { body: await context.services.persistedOperations.lookup(organizationId, clientName, operationId) };
    },
    /** Billing asks here for an organization's name, seats in use and owners: `{ organizationId }` -> `{ name, activeMembers, ownerEmails }`. */
    '/internal/organizations/billing-facts': async (body, context) => {
      const organizationId = (body as { organizationId?: unknown } | null)?.organizationId;
      if (typeof organizationId !== 'string' || !/^org_[0-9a-z]{1,64}$/.test(organizationId)) {
        throw new HttpError(400, 'BAD_REQUEST', "Send { organizationId: 'org_...' }.");
      }
      return context.services.members.billingFacts(organizationId);
    },
    /**
     * Notifications asks here who its recipients are: `{ organizationId, userIds?, roles? }` ->
     * `{ organizationName, members: [{ userId, email, name, role }] }`; with ids and roles, members matching either.
     */
    '/internal/organizations/members': async (body, context) => {
      const { organizationId, userIds, roles } = (body ?? {}) as { organizationId?: unknown; userIds?: unknown; roles?: unknown };
      if (typeof organizationId !== 'string' || !/^org_[0-9a-z]{1,64}$/.test(organizationId)) {
        throw new HttpError(400, 'BAD_REQUEST', "Send { organizationId: 'org_...' }.");
      }
      const ids = (value: unknown, check: (item: string) => boolean): string[] | undefined | null =>
        value === undefined ? undefined : Array.isArray(value) && value.length <= 1000 && value.every((item) => typeof item === 'string' && check(item)) ? (value as string[]) : null;
      const userIdList = ids(userIds, (id) => id.length <= 64);
      const roleList = ids(roles, isRole);
      if (userIdList === null || roleList === null) throw new HttpError(400, 'BAD_REQUEST', "'userIds' and 'roles' must be lists (at most 1000) of user ids and role names.");
      return context.services.members.directoryOf(organizationId, { userIds: userIdList, roles: roleList as Role[] | undefined });
    },
  },
});
