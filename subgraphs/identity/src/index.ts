import { createSubgraph, HttpError } from '@platform/kit';
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
  },
});
