import { fileURLToPath } from 'node:url';
import { withPlatformRules, booleanFlag, parseConfig, platformEnvironment, port, resolveSecrets, type Environment, type Secrets } from '@platform/kit';
import { SUBGRAPHS, defaultSubgraphUrl } from '@platform/schema';
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const gatewayEnvironment = platformEnvironment.extend({
  PORT: port(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Origins allowed to call the API from a browser, comma separated. The gateway's own pages always are. */
  CORS_ORIGINS: z.string().default(''),
  /** Who may introspect: everyone (`on`), signed-in callers such as the explorer (`authenticated`), or no one. */
  INTROSPECTION: z.enum(['on', 'authenticated', 'off']).optional(),
  MAX_DEPTH: positive(8),
  MAX_ALIASES: positive(15),
  MAX_DIRECTIVES: positive(50),
  MAX_TOKENS: positive(1000),
  /**
   * Most cost points one operation may request (gateway/src/cost.ts), Shopify's single-query maximum.
   * The web app's heaviest operations (a page of 100 members, invitations or API keys) request 204.
   */
  MAX_QUERY_COST: positive(1000),
  /** Items assumed for a list with neither a slicing argument (first) nor @listSize(assumedSize:). */
  DEFAULT_LIST_SIZE: positive(10),
  /** A bucket holds this many seconds of its plan's rate (Shopify: 1,000 points at 50 points/s). */
  RATE_LIMIT_BURST_SECONDS: positive(20),
  /** Share of the organization's rate one user or API key restores, so a runaway key leaves the rest to others. */
  RATE_LIMIT_PRINCIPAL_SHARE: z.coerce.number().positive().max(1).default(0.5),
  /** Cost points per second an anonymous address restores (sign-up, log-in, the public catalog). */
  RATE_LIMIT_ANONYMOUS_POINTS_PER_SECOND: positive(10),
  /** The rate used while billing cannot say an organization's plan: the free plan's. */
  RATE_LIMIT_FALLBACK_POINTS_PER_SECOND: positive(50),
  /** Record every operation's usage (calls, cost, errors per organization, principal, operation and hour) for the usage subgraph. */
  USAGE_RECORDING: booleanFlag(true),
  /** How often recorded usage is sent to the usage subgraph, in ms. */
  USAGE_FLUSH_INTERVAL_MS: positive(5_000),
  /** The most entries (organization, principal, operation, hour) in one batch; a full batch is sent at once. */
  USAGE_BATCH_SIZE: z.coerce.number().int().positive().max(1000).default(500),
  /** The most entries kept while the usage subgraph cannot be reached; usage beyond it is dropped and logged. */
  USAGE_MAX_PENDING: positive(100_000),
  /** Largest GraphQL document accepted, in bytes. */
  MAX_DOCUMENT_BYTES: positive(16 * 1024),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT_BYTES: positive(1024 * 1024),
  /** Operations allowed in one batched request; 0 turns batching off. */
  MAX_BATCH: z.coerce.number().int().min(0).max(20).default(0),
  /** Honour X-Forwarded-For for the client address (behind a trusted proxy only). */
  TRUST_PROXY: booleanFlag(false),
  /** How long a verified API key is remembered before asking identity again. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().positive().max(300).default(30),
  SUBGRAPH_TIMEOUT_MS: positive(10_000),
  /** graphql-ws: subscriptions one connection may hold at once; one more gets an error for its id. */
  SUBSCRIPTION_MAX_PER_CONNECTION: positive(50),
  /** graphql-ws: open connections one user (per organization) or API key may hold on one gateway process. */
  SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: positive(20),
  /** graphql-ws: how long a new connection may take to send connection_init before it is closed (4408). */
  SUBSCRIPTION_INIT_TIMEOUT_MS: positive(5_000),
  /** graphql-ws: a WebSocket ping this often; a socket that has not answered by the next one is closed. */
  SUBSCRIPTION_KEEPALIVE_MS: positive(15_000),
  /** graphql-ws: how often credentials are checked again for revocation (expiry closes at the exact time). */
  SUBSCRIPTION_RECHECK_MS: positive(60_000),
  /** graphql-ws: bytes waiting in a socket's send buffer beyond which the consumer is dropped as slow (1013). */
  SUBSCRIPTION_MAX_BUFFERED_BYTES: positive(1024 * 1024),
  /** graphql-ws: events of one subscription waiting to be resolved or sent beyond which the consumer is dropped. */
  SUBSCRIPTION_MAX_QUEUED_EVENTS: positive(100),
  /** Live message ids remembered to drop repeats (relay replicas, at-least-once delivery). */
  SUBSCRIPTION_DEDUPE_SIZE: positive(10_000),
  /** Events resolved through a query field (selections that need more than the event carries) at once. */
  SUBSCRIPTION_RESOLVE_CONCURRENCY: positive(32),
  /** The supergraph to serve; default the checked-in schema/supergraph.graphql. Reloaded on change in development. */
  SUPERGRAPH_PATH: z.string().optional(),
  /** The built web app served at /; default client/dist. Empty: serve no app (API only). */
  WEB_APP_DIR: z.string().optional(),
  /** Set when billing takes payments through Stripe: the web app's pages then allow Stripe.js (its CSP). */
  STRIPE_PUBLISHABLE_KEY: z.string().startsWith('pk_').optional(),
  ...Object.fromEntries(
    SUBGRAPHS.map(({ name }) => [`${name.toUpperCase()}_URL`, z.string().url().default(defaultSubgraphUrl(name))]),
  ),
});

export type GatewayEnvironment = z.infer<typeof gatewayEnvironment>;

export interface GatewaySettings {
  nodeEnv: 'development' | 'production' | 'test';
  secrets: Secrets;
  subgraphUrls: Record<string, string>;
  corsOrigins: string[];
  introspection: 'on' | 'authenticated' | 'off';
  limits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxDocumentBytes: number; bodyLimitBytes: number; maxBatch: number };
  /** Query cost analysis: the per-operation maximum and the size assumed for lists that declare none. */
  cost: { maxQueryCost: number; defaultListSize: number };
  trustProxy: boolean;
  apiKeyCacheSeconds: number;
  subgraphTimeoutMs: number;
  supergraphPath?: string;
  watchSupergraph: boolean;
  /** The built web app's folder, or null to serve none. */
  webAppDir: string | null;
  /** Whether the web app loads Stripe.js (Stripe is the payment provider). */
  webAppUsesStripe: boolean;
  /** Token buckets in cost points: burst window, principal share, anonymous and fallback rates. */
  rateLimits: { burstSeconds: number; principalShare: number; anonymousPointsPerSecond: number; fallbackPointsPerSecond: number };
  /** Usage recording (gateway/src/usage.ts): on or off, flush interval, batch size, the most entries kept unsent. */
  usage: { enabled: boolean; flushIntervalMs: number; batchSize: number; maxPendingEntries: number };
  /** graphql-ws subscriptions (gateway/src/subscriptions): limits, keep-alive, backpressure. */
  subscriptions: SubscriptionSettings;
}

export interface SubscriptionSettings {
  /** Default 50. */
  maxPerConnection: number;
  /** Default 20, per gateway process. */
  maxConnectionsPerPrincipal: number;
  /** Default 5,000 ms. */
  initTimeoutMs: number;
  /** Default 15,000 ms. */
  keepAliveMs: number;
  /** Default 60,000 ms. */
  recheckMs: number;
  /** Default 1 MiB. */
  maxBufferedBytes: number;
  /** Default 100. */
  maxQueuedEvents: number;
  /** Default 10,000. */
  dedupeSize: number;
  /** Default 32. */
  resolveConcurrency: number;
}

export const DEFAULT_WEB_APP_DIR = fileURLToPath(new URL('../../client/dist', import.meta.url));

export function gatewaySettings(env: Environment = process.env): { env: GatewayEnvironment; settings: GatewaySettings } {
  const parsed = parseConfig(withPlatformRules(gatewayEnvironment), env) as GatewayEnvironment & Record<string, string>;
  return {
    env: parsed,
    settings: {
      nodeEnv: parsed.NODE_ENV,
      secrets: resolveSecrets(parsed),
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, parsed[`${name.toUpperCase()}_URL`]!])),
      corsOrigins: parsed.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
      introspection: parsed.INTROSPECTION ?? (parsed.NODE_ENV === 'production' ? 'authenticated' : 'on'),
      limits: {
        maxDepth: parsed.MAX_DEPTH,
        maxAliases: parsed.MAX_ALIASES,
        maxDirectives: parsed.MAX_DIRECTIVES,
        maxTokens: parsed.MAX_TOKENS,
        maxDocumentBytes: parsed.MAX_DOCUMENT_BYTES,
        bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
        maxBatch: parsed.MAX_BATCH,
      },
      cost: { maxQueryCost: parsed.MAX_QUERY_COST, defaultListSize: parsed.DEFAULT_LIST_SIZE },
      trustProxy: parsed.TRUST_PROXY,
      apiKeyCacheSeconds: parsed.API_KEY_CACHE_SECONDS,
      subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
      supergraphPath: parsed.SUPERGRAPH_PATH,
      watchSupergraph: parsed.NODE_ENV === 'development',
      webAppDir: parsed.WEB_APP_DIR === undefined ? DEFAULT_WEB_APP_DIR : parsed.WEB_APP_DIR.trim() || null,
      webAppUsesStripe: parsed.STRIPE_PUBLISHABLE_KEY !== undefined,
      rateLimits: {
        burstSeconds: parsed.RATE_LIMIT_BURST_SECONDS,
        principalShare: parsed.RATE_LIMIT_PRINCIPAL_SHARE,
        anonymousPointsPerSecond: parsed.RATE_LIMIT_ANONYMOUS_POINTS_PER_SECOND,
        fallbackPointsPerSecond: parsed.RATE_LIMIT_FALLBACK_POINTS_PER_SECOND,
      },
      usage: {
        enabled: parsed.USAGE_RECORDING,
        flushIntervalMs: parsed.USAGE_FLUSH_INTERVAL_MS,
        batchSize: parsed.USAGE_BATCH_SIZE,
        maxPendingEntries: parsed.USAGE_MAX_PENDING,
      },
      subscriptions: {
        maxPerConnection: parsed.SUBSCRIPTION_MAX_PER_CONNECTION,
        maxConnectionsPerPrincipal: parsed.SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL,
        initTimeoutMs: parsed.SUBSCRIPTION_INIT_TIMEOUT_MS,
        keepAliveMs: parsed.SUBSCRIPTION_KEEPALIVE_MS,
        recheckMs: parsed.SUBSCRIPTION_RECHECK_MS,
        maxBufferedBytes: parsed.SUBSCRIPTION_MAX_BUFFERED_BYTES,
        maxQueuedEvents: parsed.SUBSCRIPTION_MAX_QUEUED_EVENTS,
        dedupeSize: parsed.SUBSCRIPTION_DEDUPE_SIZE,
        resolveConcurrency: parsed.SUBSCRIPTION_RESOLVE_CONCURRENCY,
      },
    },
  };
}
