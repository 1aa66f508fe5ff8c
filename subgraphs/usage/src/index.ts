import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  createInternalClient,
  createSubgraph,
  EVENTS_CHANNEL,
  HttpError,
  RawResponse,
  startSubgraph,
  type DomainEvent,
  type Infrastructure,
  type Logger,
  type RunningSubgraph,
  type SubgraphRuntimeOptions,
} from '@platform/kit';
import { migrations as postgresql } from '../migrations/postgresql/index.ts';
import { migrations as sqlite } from '../migrations/sqlite/index.ts';
import type { UsageSettings } from './config.ts';
import { entities, UsageBatch } from './entities/index.ts';
import type { UsageContext } from './resolvers/context.ts';
import { resolvers } from './resolvers/index.ts';
import { parseUsageBatch } from './services/ingest.ts';
import { DAY_MS } from './services/periods.ts';
import { billingQuotaSource } from './services/quota-source.ts';
import { systemClock, usageServices, type Clock, type QuotaSource, type UsageDeps, type UsageServices } from './services/index.ts';

export { usageSettings, usageEnvironment, type UsageSettings } from './config.ts';
export { toCsv, csvCell } from './csv.ts';
export { reachedThresholds, type UsageBatchInput, type UsageEntry } from './services/ingest.ts';
export { reportLinkSignature } from './services/reports.ts';
export type { Clock, MonthlyQuota, QuotaSource, UsageDeps, UsageServices } from './services/index.ts';

/** How long counted batch keys are kept: longer than the oldest hour a batch may carry (35 days), so a replay is always caught. */
const BATCH_KEY_RETENTION_MS = 40 * DAY_MS;

export const usage = createSubgraph<UsageServices, UsageDeps>({
  name: 'usage',
  resolvers: resolvers as unknown as GraphQLResolverMap<UsageContext>,
  entities,
  migrations: { sqlite, postgresql },
  services: usageServices,
  consumers: [
    {
      // Reports name API keys without asking identity: their names come with identity's events.
      name: 'usage.api-key-names',
      source: 'identity',
      types: ['api_key.created'],
      async handle(event, context) {
        await context.services.apiKeys.remember(event);
      },
    },
  ],
  routes: {
    /**
     * The gateway's usage batches: `{ batchId, entries: [{ organizationId, principalKind, principalId,
     * operationName, hour, calls, cost, errors }] }` -> `{ counted, entries, alerts }`. A batch is counted
     * once per batchId; sending it again answers `counted: false`.
     */
    '/internal/usage/ingest': async (body, context) => {
      const batch = parseUsageBatch(body, context.services.ingest.now());
      if (typeof batch === 'string') throw new HttpError(400, 'BAD_REQUEST', batch);
      return context.services.ingest.ingest(batch, await context.services.ingest.quotasOf(batch));
    },
    /** The CSV behind a signed report link; the link itself is the credential. */
    '/internal/usage/report': async (body, context) => {
      const found = await context.services.reports.csvFromLink((body ?? {}) as { report: unknown; expires: unknown; signature: unknown });
      if (found === null) return RawResponse.json(404, { error: 'This link is invalid or has expired. Ask for the report again from the usage page.' });
      if (found === 'too-large') return RawResponse.json(422, { error: 'This report has too many rows: ask for a shorter range, or for daily rows.' });
      return new RawResponse(200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': `attachment; filename="${found.filename}"` }, found.csv);
    },
  },
});

export interface StartUsageOptions extends Omit<SubgraphRuntimeOptions<UsageDeps>, 'deps'> {
  settings: UsageSettings;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: billing's /internal/entitlements at settings.billingUrl, each answer kept USAGE_QUOTA_CACHE_SECONDS. */
  quotas?: QuotaSource;
  logger: Logger;
  infra: Infrastructure;
}

export interface RunningUsage {
  subgraph: RunningSubgraph<UsageServices>;
  deps: UsageDeps;
  /**
   * Where billing answers from now on. Billing reads usage's events and usage asks billing for quotas;
   * when both start on ports found at start (tests), the one started first learns the other's URL here.
   */
  setBillingUrl(url: string): void;
  close(): Promise<void>;
}

/** Starts the usage subgraph: its API-key-name consumer reads identity; quotas come from billing. */
export async function startUsage(options: StartUsageOptions): Promise<RunningUsage> {
  const { settings, clock = systemClock, ...runtime } = options;
  let billingUrl = settings.billingUrl;
  const quotas =
    options.quotas ??
    billingQuotaSource({
      internal: createInternalClient({ secret: settings.internalSigningSecret, userAgent: 'usage' }),
      billingUrl: () => billingUrl,
      ttlMs: settings.quotaCacheSeconds * 1000,
    });
  const deps: UsageDeps = { settings, clock, quotas };
  const subgraph = await startSubgraph(usage, { ...runtime, deps, eventSources: { identity: settings.identityUrl, ...runtime.eventSources } });
  const log = options.logger.child({ subgraph: 'usage' });
  // A plan change moves the quota as soon as billing's event arrives, not when the cached answer expires.
  const stopListening = await options.infra.pubsub.subscribe(EVENTS_CHANNEL, (message) => {
    try {
      const event = JSON.parse(message) as DomainEvent;
      if (event.source === 'billing' && event.organizationId && event.type.startsWith('subscription.')) quotas.invalidate(event.organizationId);
    } catch {
      // not an event: nothing to forget
    }
  });
  const prune = setInterval(() => {
    subgraph.db.em
      .fork()
      .nativeDelete(UsageBatch, { receivedAt: { $lt: new Date(clock.now().getTime() - BATCH_KEY_RETENTION_MS) } })
      .catch((error: unknown) => log.warn({ err: error }, 'could not prune counted batch keys'));
  }, 60 * 60_000);
  prune.unref();
  return {
    subgraph,
    deps,
    setBillingUrl(url) {
      billingUrl = url;
      deps.settings = { ...deps.settings, billingUrl: url };
    },
    async close() {
      clearInterval(prune);
      await stopListening();
      await subgraph.close();
    },
  };
}
