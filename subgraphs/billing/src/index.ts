import { createSubgraph, HttpError, rawRoute, RawResponse, startSubgraph, type Database, type Infrastructure, type Logger, type RunningSubgraph, type SubgraphRuntimeOptions } from '@platform/kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { migrations as postgresql } from '../migrations/postgresql/index.ts';
import { migrations as sqlite } from '../migrations/sqlite/index.ts';
import { seedCatalog } from './catalog-seed.ts';
import type { BillingSettings } from './config.ts';
import { entities } from './entities/index.ts';
import { createIdentityClient } from './identity-client.ts';
import { migrations as sandboxPostgresql } from '../migrations/sandbox/postgresql/index.ts';
import { migrations as sandboxSqlite } from '../migrations/sandbox/sqlite/index.ts';
import { createPaymentProvider, openSandboxDatabase } from './providers/index.ts';
import type { BillingContext } from './resolvers/context.ts';
import { resolvers } from './resolvers/index.ts';
import { BillingScheduler } from './scheduler.ts';
import { billingServices, systemClock, type BillingDeps, type BillingServices, type Clock, type IdentityClient } from './services/index.ts';

export { billingSettings, billingEnvironment, type BillingSettings } from './config.ts';
export { BillingScheduler, type SchedulerReport } from './scheduler.ts';
export type { BillingDeps, BillingServices, Clock, IdentityClient } from './services/index.ts';

export const billing = createSubgraph<BillingServices, BillingDeps>({
  name: 'billing',
  resolvers: resolvers as unknown as GraphQLResolverMap<BillingContext>,
  entities,
  migrations: { sqlite, postgresql },
  services: billingServices,
  consumers: [
    {
      // Seats that follow the members move as soon as identity says someone joined or left.
      name: 'billing.member-seats',
      source: 'identity',
      types: ['member.joined', 'member.removed'],
      async handle(_event, context) {
        await context.services.lifecycle.syncSeats();
      },
    },
    {
      // The API-points meter counts what the usage subgraph counted: the same cost, hour by hour.
      name: 'billing.api-points',
      source: 'usage',
      types: ['usage.recorded'],
      async handle(event, context) {
        await context.services.usage.recordCounted(event);
      },
    },
  ],
  routes: {
    /** Stripe's webhooks, forwarded by the gateway with the raw body and its signature header. */
    '/internal/webhooks/stripe': rawRoute<BillingServices>({ headers: ['stripe-signature'] }, async (request, context) => {
      const outcome = await context.services.webhooks.receive(request.body, request.headers['stripe-signature']);
      if (outcome.status === 'refused') return RawResponse.json(400, { error: 'The webhook signature does not verify.' });
      if (outcome.status === 'stored') await context.services.webhooks.applySoon(outcome.eventId);
      return RawResponse.json(200, { received: true, duplicate: outcome.status === 'duplicate' });
    }),
    /** The PDF behind a signed invoice link; the link itself is the credential. */
    '/internal/invoices/pdf': async (body, context) => {
      const found = await context.services.invoices.pdfFromLink((body ?? {}) as { invoiceId: unknown; expires: unknown; signature: unknown });
      if (!found) return RawResponse.json(404, { error: 'This link is invalid or has expired. Open the invoice again from the billing page.' });
      return new RawResponse(200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${found.filename}"` }, found.pdf);
    },
    /**
     * The gateway's rate limiter asks here for an organization's API limits:
     * `{ organizationId }` -> `{ apiPointsPerSecond, apiPointsPerMonth, plan }`.
     */
    '/internal/entitlements': async (body, context) => {
      const organizationId = (body as { organizationId?: unknown } | null)?.organizationId;
      if (typeof organizationId !== 'string' || !/^org_[0-9a-z]{1,64}$/.test(organizationId)) {
        throw new HttpError(400, 'BAD_REQUEST', "Send { organizationId: 'org_...' }.");
      }
      return context.services.entitlements.apiLimitsOf(organizationId);
    },
    /** Usage reported by the platform (API cost points), counted once per idempotency key. */
    '/internal/usage/record': async (body, context) => {
      const { meter, quantity, idempotencyKey, recordedAt } = (body ?? {}) as Record<string, unknown>;
      await context.em.begin();
      try {
        const result = await context.services.usage.record({
          meter: String(meter),
          quantity: Number(quantity),
          idempotencyKey: String(idempotencyKey ?? ''),
          recordedAt: typeof recordedAt === 'string' ? new Date(recordedAt) : undefined,
        });
        await context.em.commit();
        return result;
      } catch (error) {
        await context.em.rollback();
        throw error;
      }
    },
  },
});

export interface StartBillingOptions extends Omit<SubgraphRuntimeOptions<BillingDeps>, 'deps'> {
  settings: BillingSettings;
  /** Default: the system clock. Tests move time forward with their own. */
  clock?: Clock;
  /** Default: identity's internal route at settings.identityUrl. */
  identity?: IdentityClient;
  /** Default true: the scheduler runs every BILLING_SCHEDULER_INTERVAL_SECONDS. Tests drive it by hand. */
  schedule?: boolean;
  logger: Logger;
  infra: Infrastructure;
}

export interface RunningBilling {
  subgraph: RunningSubgraph<BillingServices>;
  scheduler: BillingScheduler;
  deps: BillingDeps;
  /** The sandbox processor's own database, when payments go through the sandbox. */
  sandboxDb: Database | undefined;
  close(): Promise<void>;
}

/** Starts the billing subgraph with its provider, seeds the catalog when empty and starts the scheduler. */
export async function startBilling(options: StartBillingOptions): Promise<RunningBilling> {
  const { settings, clock = systemClock, schedule = true, ...runtime } = options;
  const deps: BillingDeps = {
    settings,
    clock,
    identity: options.identity ?? createIdentityClient({ identityUrl: settings.identityUrl, signingSecret: settings.internalSigningSecret }),
    provider: null as never,
  };
  // The sandbox processor has a database of its own, as a remote processor would: its writes never
  // wait for, or roll back with, a billing transaction.
  const sandboxDb =
    settings.provider.kind === 'sandbox'
      ? await openSandboxDatabase({ ...runtime.database, migrations: { sqlite: sandboxSqlite, postgresql: sandboxPostgresql }, logger: options.logger })
      : undefined;
  const subgraph = await startSubgraph(billing, { ...runtime, deps, eventSources: { identity: settings.identityUrl, usage: settings.usageUrl, ...runtime.eventSources } });
  deps.provider = createPaymentProvider(settings.provider, sandboxDb, { clock });
  await seedCatalog(subgraph.db.em);
  const scheduler = new BillingScheduler(subgraph, deps, options.logger);
  deps.applyProviderEvent = async (eventId) => {
    await scheduler.applyProviderEvent(eventId);
  };
  if (schedule) scheduler.start();
  return {
    subgraph,
    scheduler,
    deps,
    sandboxDb,
    async close() {
      await scheduler.stop();
      await subgraph.close();
      await sandboxDb?.close();
    },
  };
}
