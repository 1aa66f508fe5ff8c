import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  closeServer,
  createInternalClient,
  encodeEnvelope,
  ENVELOPE_HEADER,
  EVENTS_CHANNEL,
  executeWithApollo,
  HttpError,
  maskError,
  MAX_PAGE_SIZE,
  newId,
  readBodyBytes,
  readGraphQLBody,
  sendJson,
  sendRequestError,
  clientIpOf,
  type DomainEvent,
  type Infrastructure,
  type Logger,
} from '@platform/kit';
import { readCheckedInSupergraph, SUPERGRAPH_PATH } from '@platform/schema/compose.ts';
import { ANONYMOUS, REPOSITORY_ROOT, type Principal } from '@platform/schema';
import { GraphQLError } from 'graphql';
import { watch, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Authenticator, CredentialError } from './auth.ts';
import { OperationAuthorizer } from './authorization.ts';
import type { GatewaySettings } from './config.ts';
import { bucketResolver, rateLimitRefusal, withStatus } from './charging.ts';
import { CostCalculator, queryCostExceeded, type CostExtension } from './cost.ts';
import type { GatewayContext } from './context.ts';
import { createInternalFetch, createSigningFetcher, createSubgraphAgent, PlatformDataSource } from './datasource.ts';
import { EntitlementsCache } from './entitlements.ts';
import { createRateLimiter, rateLimitHeaders, type RateLimiter } from './rate-limit.ts';
import { serveExplorer } from './explorer.ts';
import { apqCache, PERSISTED_QUERY_NOT_ALLOWED, PersistedOperations, readManifest } from './persisted-operations.ts';
import { createUsageRecorder } from './usage.ts';
import { serveWebApp } from './web-app.ts';
import { aliasLimit, depthLimit, directiveLimit } from './limits.ts';
import { createSubscriptionServer, type LiveSchema, type SubscriptionStats } from './subscriptions/server.ts';

export interface GatewayOptions {
  settings: GatewaySettings;
  infra: Infrastructure;
  logger: Logger;
  /**
   * The token buckets operations are charged to: on Redis when the platform shares one (several
   * gateways then share the buckets), otherwise in process. Default: in process. Closed with the gateway.
   */
  rateLimiter?: RateLimiter;
  /**
   * Benchmarks only: false skips query cost, rate limits and usage recording, to measure what they
   * cost against the same gateway otherwise. Not reachable from configuration. Default true.
   */
  apiProtection?: boolean;
}

export interface RunningGateway {
  url: string;
  server: Server;
  /** graphql-ws subscriptions on /graphql: connections, subscriptions, live channels. */
  subscriptions: { stats(): SubscriptionStats };
  /** Sends the usage recorded so far to the usage subgraph now (close() does too); true once all of it is counted. */
  flushUsage(): Promise<boolean>;
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.-]{8,128}$/;

/** Stripe's events are a few KiB; anything near this is not one. */
const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
/** The largest JSON answer to a webhook relayed as is; Stripe only reads the status. */
const WEBHOOK_REPLY_LIMIT_BYTES = 4096;
/**
 * Files behind signed, expiring links: the subgraph that checks the link and renders the file, its
 * route, and the body field that names the file (the last part of the path).
 */
const DOWNLOADS = [
  { path: /^\/downloads\/invoices\/([A-Za-z0-9_-]{1,64})\.pdf$/, subgraph: 'billing', route: '/internal/invoices/pdf', field: 'invoiceId', what: 'Invoices', reopen: 'open the invoice again' },
  { path: /^\/downloads\/usage\/([A-Za-z0-9_.-]{1,128})\.csv$/, subgraph: 'usage', route: '/internal/usage/report', field: 'report', what: 'Usage reports', reopen: 'ask for the report again' },
] as const;

function readSupergraph(settings: GatewaySettings): string {
  return settings.supergraphPath ? readFileSync(settings.supergraphPath, 'utf8') : readCheckedInSupergraph();
}

export async function createGateway({ settings, infra, logger, rateLimiter, apiProtection = true }: GatewayOptions) {
  const log = logger.child({ component: 'gateway' });
  const agent = createSubgraphAgent(settings.subgraphTimeoutMs);
  const fetcher = createSigningFetcher(settings.secrets.internalSigningSecret, agent);
  const internal = createInternalClient({
    secret: settings.secrets.internalSigningSecret,
    fetch: createInternalFetch(agent),
    timeoutMs: settings.subgraphTimeoutMs,
    userAgent: 'gateway',
  });
  const limiter = rateLimiter ?? createRateLimiter();
  const usage = apiProtection ? createUsageRecorder({ settings, internal, logger: log }) : null;
  const limits = settings.rateLimits;
  const entitlements = new EntitlementsCache({
    internal,
    billingUrl: settings.subgraphUrls.billing ?? '',
    fallback: { plan: 'free', apiPointsPerSecond: limits.fallbackPointsPerSecond, apiPointsPerMonth: null },
    logger: log,
  });

  // A plan change reaches the limits as soon as billing's event does, not when the cached plan expires.
  const stopListening = await infra.pubsub.subscribe(EVENTS_CHANNEL, (message) => {
    try {
      const event = JSON.parse(message) as DomainEvent;
      if (event.source === 'billing' && event.organizationId && event.type.startsWith('subscription.')) entitlements.invalidate(event.organizationId);
    } catch (error) {
      log.warn({ err: error }, 'ignored an event that is not JSON');
    }
  });

  const bucketsOf = bucketResolver(limits, entitlements);

  const webApp = settings.webAppDir ? serveWebApp(settings.webAppDir, { stripe: settings.webAppUsesStripe }) : null;
  /** The supergraph being served, with what is built from it; replaced whole when it reloads. */
  let schema: LiveSchema | undefined;
  let supergraphSdl = readSupergraph(settings);

  const gateway = new ApolloGateway({
    supergraphSdl: async ({ update }) => {
      let watcher: ReturnType<typeof watch> | undefined;
      if (settings.watchSupergraph) {
        const path = settings.supergraphPath ?? SUPERGRAPH_PATH;
        watcher = watch(path, () => {
          try {
            const next = readFileSync(path, 'utf8');
            if (next === supergraphSdl || next.trim() === '') return;
            update(next);
            supergraphSdl = next;
            log.info('supergraph reloaded');
          } catch (error) {
            log.error({ err: error }, 'could not reload the supergraph; keeping the current one');
          }
        });
      }
      return { supergraphSdl, cleanup: async () => watcher?.close() };
    },
    buildService: ({ name, url }) =>
      new PlatformDataSource({ url: settings.subgraphUrls[name] ?? url, fetcher: fetcher as never }),
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    schema = {
      apiSchema,
      supergraphSdl: coreSupergraphSdl,
      authorizer: new OperationAuthorizer(coreSupergraphSdl, apiSchema, settings.introspection),
      costs: new CostCalculator(coreSupergraphSdl, apiSchema, { defaultListSize: settings.cost.defaultListSize, maxPageSize: MAX_PAGE_SIZE }),
    };
  });

  const authorize: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      // The calculator that priced the operation prices its response too, even if the supergraph reloads meanwhile.
      let pricedBy: CostCalculator | undefined;
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation || !schema) throw new Error('The gateway has no schema loaded yet');
          if (operation.operation === 'subscription') {
            throw withStatus(new GraphQLError('Subscriptions are served over WebSocket: connect to /graphql with graphql-ws (subprotocol graphql-transport-ws).', { extensions: { code: 'BAD_REQUEST' } }), 400);
          }
          const { authorizer, costs } = schema;
          const refusal = await authorizer.authorize(document, operation, contextValue);
          if (refusal) {
            const status = refusal.extensions.code === 'UNAUTHENTICATED' ? 401 : 403;
            throw withStatus(refusal, status);
          }
          if (!apiProtection) return;
          pricedBy = costs;
          let requestedQueryCost: number;
          try {
            requestedQueryCost = pricedBy.requestedCost(document, request.operationName, request.variables);
          } catch (error) {
            throw error instanceof GraphQLError ? withStatus(error, 400) : error;
          }
          contextValue.cost = { requestedQueryCost, actualQueryCost: null, throttleStatus: null };
          // A document too expensive to run is the caller's to change, not a rate problem: 400, not 429.
          if (requestedQueryCost > settings.cost.maxQueryCost) throw withStatus(queryCostExceeded(requestedQueryCost, settings.cost.maxQueryCost), 400);
          if (contextValue.prepaid) return;
          // The requested cost is reserved now and settled with the actual cost once the response is known.
          const { buckets, policy } = await bucketsOf(contextValue);
          const reserved = await limiter.reserve(buckets, requestedQueryCost);
          contextValue.cost.throttleStatus = reserved.status;
          if (!reserved.allowed) throw rateLimitRefusal(requestedQueryCost, reserved, policy);
          contextValue.throttle = { reservation: reserved.reservation, policy };
        },
        async willSendResponse({ response, document, request, contextValue, operationName, queryHash }) {
          const cost = contextValue.cost;
          if (!cost || !pricedBy || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          cost.actualQueryCost = 0;
          try {
            if (document) cost.actualQueryCost = pricedBy.actualCost(document, request.operationName, request.variables, result.data);
          } catch (error) {
            log.error({ err: error, requestId: contextValue.requestId }, 'could not price a response; reporting its actual cost as 0');
          }
          const throttle = contextValue.throttle;
          if (throttle) {
            contextValue.throttle = null;
            cost.throttleStatus = await limiter.settle(throttle.reservation, cost.actualQueryCost);
            for (const [name, value] of Object.entries(rateLimitHeaders(throttle.policy, cost.throttleStatus))) response.http.headers.set(name, value);
          }
          const extension: CostExtension = { requestedQueryCost: cost.requestedQueryCost, actualQueryCost: cost.actualQueryCost };
          if (cost.throttleStatus) extension.throttleStatus = cost.throttleStatus;
          result.extensions = { ...result.extensions, cost: extension };
          // Counted off the request path. A subscription's events were paid for when it started.
          if (!contextValue.prepaid) usage?.record({ principal: contextValue.principal, operationName, documentHash: queryHash, cost: cost.actualQueryCost, failed: Boolean(result.errors?.length) });
        },
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (!code || code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.originalError ?? error, requestId: contextValue.requestId }, 'operation failed');
          }
        },
      };
    },
  };

  const persisted = new PersistedOperations({
    internal,
    identityUrl: settings.subgraphUrls.identity ?? '',
    kv: infra.kv,
    trusted: readManifest(join(REPOSITORY_ROOT, 'client', 'persisted-operations.json')),
    logger: log,
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // Automatic persisted queries, registered where every gateway sees them (Redis in production).
    persistedQueries: { cache: apqCache(infra.kv) },
    introspection: settings.introspection !== 'off',
    hideSchemaDetailsFromClientErrors: settings.nodeEnv === 'production',
    csrfPrevention: true,
    allowBatchedHttpRequests: settings.limits.maxBatch > 0,
    includeStacktraceInErrorResponses: false,
    // The process's own handlers drain and close everything, then exit 0; Apollo's would re-raise the signal.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: settings.limits.maxTokens },
    validationRules: [
      depthLimit(settings.limits.maxDepth),
      aliasLimit(settings.limits.maxAliases),
      directiveLimit(settings.limits.maxDirectives),
    ],
    formatError: (formatted) => maskError(formatted),
    plugins: [ApolloServerPluginLandingPageDisabled(), authorize],
  });
  await apollo.start();

  const authenticator = new Authenticator({
    accessTokenSecret: settings.secrets.accessTokenSecret,
    kv: infra.kv,
    identityUrl: settings.subgraphUrls.identity ?? '',
    apiKeyCacheSeconds: settings.apiKeyCacheSeconds,
    internal,
    logger: log,
  });

  const subscriptions = createSubscriptionServer({
    settings: settings.subscriptions,
    limits: settings.limits,
    maxQueryCost: settings.cost.maxQueryCost,
    hideSchemaDetails: settings.nodeEnv === 'production',
    trustProxy: settings.trustProxy,
    schema: () => schema,
    authenticator,
    pubsub: infra.pubsub,
    limiter,
    bucketsOf,
    recordUsage: (sample) => usage?.record({ ...sample, failed: false }),
    resolveDocument: async (payload, principal, requestId) => {
      try {
        const resolved = await persisted.resolve({ ...payload }, principal, requestId);
        return typeof resolved.query === 'string' ? resolved.query : '';
      } catch (error) {
        if (error instanceof HttpError) return new GraphQLError(error.message, { extensions: { code: error.code } });
        throw error;
      }
    },
    executeQuery: async (request, contextValue) => {
      const response = await apollo.executeOperation(request, { contextValue });
      if (response.body.kind !== 'single') throw new Error('A live event query answered incrementally');
      return response.body.singleResult;
    },
    logger: log,
  });

  function corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    if (!origin || !settings.corsOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'authorization, content-type, x-request-id, apollo-require-preflight, idempotency-key',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-expose-headers': 'x-request-id, retry-after',
      'access-control-max-age': '600',
      vary: 'Origin',
    };
  }

  function checkDocumentSize(body: unknown, url: URL): void {
    const queries = Array.isArray(body) ? body.map((entry) => (entry as { query?: unknown })?.query) : [(body as { query?: unknown } | undefined)?.query ?? url.searchParams.get('query')];
    for (const query of queries) {
      if (typeof query === 'string' && Buffer.byteLength(query) > settings.limits.maxDocumentBytes) {
        throw new HttpError(413, 'BAD_REQUEST', `The GraphQL document is larger than ${settings.limits.maxDocumentBytes} bytes.`);
      }
    }
    if (Array.isArray(body)) {
      if (settings.limits.maxBatch === 0) throw new HttpError(400, 'BAD_REQUEST', 'Batched requests are not supported: send one operation per request.');
      if (body.length > settings.limits.maxBatch) throw new HttpError(400, 'BAD_REQUEST', `A batch may hold at most ${settings.limits.maxBatch} operations.`);
    }
  }

  /** Fills in the documents that operation ids stand for; refuses what a safelisted API key may not run. */
  async function withPersistedDocuments(request: IncomingMessage, url: URL, body: unknown, principal: Principal, requestId: string): Promise<unknown> {
    if (request.method !== 'POST') {
      if (principal.kind === 'apiKey' && principal.client?.safelist) {
        throw new HttpError(400, PERSISTED_QUERY_NOT_ALLOWED, 'This API key runs its app\'s published operations by id, with POST.');
      }
      return body;
    }
    if (body === null || typeof body !== 'object') return body;
    const resolve = (entry: unknown) => persisted.resolve((entry ?? {}) as Record<string, unknown>, principal, requestId);
    const resolved = Array.isArray(body) ? await Promise.all(body.map(resolve)) : await resolve(body);
    checkDocumentSize(resolved, url);
    return resolved;
  }

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    const requestId = headers['x-request-id']!;
    const { body: sent } = await readGraphQLBody(request, settings.limits.bodyLimitBytes);
    checkDocumentSize(sent, url);
    let principal;
    try {
      principal = await authenticator.authenticate(request.headers.authorization, requestId);
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error;
      sendJson(response, 401, { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] }, {
        ...headers,
        'www-authenticate': 'Bearer',
      });
      return;
    }
    const body = await withPersistedDocuments(request, url, sent, principal, requestId);
    const clientIp = clientIpOf(request, settings.trustProxy);
    const userAgent = request.headers['user-agent']?.slice(0, 512) ?? null;
    const context: GatewayContext = {
      requestId,
      principal,
      clientIp,
      userAgent,
      envelope: encodeEnvelope({ principal, requestId, clientIp, userAgent, issuedAt: Date.now() }),
      cost: null,
      throttle: null,
    };
    await executeWithApollo(apollo, request, response, body, async () => context, headers);
  }

  /**
   * Stripe's events, passed to billing byte for byte (Stripe signs the raw body; billing checks that
   * signature). No CORS and no CSRF check: the caller is Stripe's servers, not a browser.
   */
  async function handleStripeWebhook(request: IncomingMessage, response: ServerResponse, requestId: string, headers: Record<string, string>): Promise<void> {
    if (request.method !== 'POST') {
      sendRequestError(response, new HttpError(405, 'BAD_REQUEST', 'Only POST is accepted here.'), { ...headers, allow: 'POST' });
      return;
    }
    const billingUrl = settings.subgraphUrls.billing;
    if (!billingUrl) {
      sendJson(response, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] }, headers);
      return;
    }
    const signature = request.headers['stripe-signature'];
    if (typeof signature !== 'string' || signature.length === 0 || signature.length > 2048) {
      sendRequestError(response, new HttpError(400, 'BAD_REQUEST', 'A Stripe webhook needs its Stripe-Signature header.'), headers);
      return;
    }
    const body = await readBodyBytes(request, WEBHOOK_BODY_LIMIT_BYTES);
    let answer: Response;
    try {
      answer = await internal.send(billingUrl, '/internal/webhooks/stripe', body, {
        principal: ANONYMOUS,
        requestId,
        clientIp: clientIpOf(request, settings.trustProxy),
        userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
        contentType: request.headers['content-type'] ?? 'application/json',
        headers: { 'stripe-signature': signature },
      });
    } catch (error) {
      log.error({ err: error, requestId }, 'could not pass a Stripe webhook to billing');
      sendJson(response, 503, { received: false, error: 'Billing is unavailable; the event will be retried.' }, headers);
      return;
    }
    const text = await answer.text();
    let reply: unknown = null;
    if (Buffer.byteLength(text) <= WEBHOOK_REPLY_LIMIT_BYTES) {
      try {
        reply = JSON.parse(text);
      } catch {
        // not JSON: answer with the status alone
      }
    }
    sendJson(response, answer.status, reply !== null && typeof reply === 'object' ? reply : { received: answer.ok }, headers);
  }

  /**
   * A file behind a signed, expiring link (an invoice PDF, a usage report's CSV). The subgraph that owns
   * it checks the link and renders the file; the gateway passes the answer through and keeps it out of
   * every cache.
   */
  async function handleDownload(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string, headers: Record<string, string>): Promise<void> {
    const download = DOWNLOADS.find((candidate) => candidate.path.test(url.pathname));
    const match = download?.path.exec(url.pathname);
    const subgraphUrl = download && settings.subgraphUrls[download.subgraph];
    if (!download || !match || !subgraphUrl) {
      sendJson(response, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] }, headers);
      return;
    }
    if (request.method !== 'GET') {
      sendRequestError(response, new HttpError(405, 'BAD_REQUEST', 'Only GET is accepted here.'), { ...headers, allow: 'GET' });
      return;
    }
    const expires = url.searchParams.get('expires');
    const signature = url.searchParams.get('signature');
    if (!expires || !signature || expires.length > 32 || signature.length > 512) {
      sendRequestError(response, new HttpError(400, 'BAD_REQUEST', `This download link is incomplete; ${download.reopen} to get a new one.`), headers);
      return;
    }
    let answer: Response;
    try {
      answer = await internal.send(subgraphUrl, download.route, JSON.stringify({ [download.field]: match[1], expires, signature }), {
        principal: ANONYMOUS,
        requestId,
        clientIp: clientIpOf(request, settings.trustProxy),
        userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
      });
    } catch (error) {
      log.error({ err: error, requestId, route: download.route }, 'could not fetch a download from its subgraph');
      sendRequestError(response, new HttpError(503, 'INTERNAL_SERVER_ERROR', `${download.what} are unavailable right now; try again in a moment.`), { ...headers, 'retry-after': '5' });
      return;
    }
    const passed: Record<string, string> = {
      ...headers,
      'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    for (const name of ['content-disposition', 'content-length']) {
      const value = answer.headers.get(name);
      if (value) passed[name] = value;
    }
    response.writeHead(answer.status, passed);
    if (!answer.body) {
      response.end();
      return;
    }
    try {
      await pipeline(Readable.fromWeb(answer.body as WebReadableStream<Uint8Array>), response);
    } catch (error) {
      // The browser went away mid-download: nothing to answer, nothing to log.
      if ((error as { code?: unknown }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const incomingId = request.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : newId('req');
    // Webhooks and downloads are not called from the app's pages: no CORS headers for them.
    const edge = url.pathname === '/webhooks/stripe' || url.pathname.startsWith('/downloads/');
    const headers: Record<string, string> = edge ? { 'x-request-id': requestId } : { 'x-request-id': requestId, ...corsHeaders(request) };
    response.setHeader('x-request-id', requestId);
    try {
      if (url.pathname === '/webhooks/stripe') {
        await handleStripeWebhook(request, response, requestId, headers);
        return;
      }
      if (url.pathname.startsWith('/downloads/')) {
        await handleDownload(request, response, url, requestId, headers);
        return;
      }
      if (url.pathname === '/graphql') {
        if (request.method === 'OPTIONS') {
          response.writeHead(204, headers).end();
          return;
        }
        await handleGraphQL(request, response, url, headers);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/healthz') {
        sendJson(response, 200, { status: 'ok' }, headers);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/readyz') {
        const checks = await readiness();
        sendJson(response, checks.ready ? 200 : 503, checks, headers);
        return;
      }
      if (request.method === 'GET' && url.pathname.startsWith('/explorer') && (await serveExplorer(url.pathname, response))) return;
      if (extraRoute && (await extraRoute(request, response, url))) return;
      if (webApp?.handle(request, response, url)) return;
      sendJson(response, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] }, headers);
    } catch (error) {
      if (error instanceof HttpError) {
        sendRequestError(response, error, headers);
        return;
      }
      log.error({ err: error, requestId }, 'request failed');
      if (!response.headersSent) sendRequestError(response, new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'), headers);
      else response.destroy();
    }
  }

  async function readiness() {
    const subgraphs: Record<string, string> = {};
    const probe = JSON.stringify({ query: '{ __typename }' });
    await Promise.all(
      Object.entries(settings.subgraphUrls).map(async ([name, subgraphUrl]) => {
        try {
          const own = await fetch(subgraphUrl.replace(/\/graphql$/, '/readyz'), { signal: AbortSignal.timeout(2000) });
          if (!own.ok) {
            subgraphs[name] = `unavailable (${own.status})`;
            return;
          }
          // A signed probe: a subgraph that refuses our signature is as good as down.
          const envelope = encodeEnvelope({ principal: ANONYMOUS, requestId: 'readiness', clientIp: null, userAgent: 'gateway', issuedAt: Date.now() });
          const signed = await fetcher(subgraphUrl, { method: 'POST', headers: { 'content-type': 'application/json', [ENVELOPE_HEADER]: envelope }, body: probe });
          subgraphs[name] = signed.ok ? 'ready' : `refuses the gateway's signature (${signed.status})`;
        } catch {
          subgraphs[name] = 'unreachable';
        }
      }),
    );
    let infrastructure = 'ready';
    try {
      await infra.ping();
    } catch {
      infrastructure = 'unreachable';
    }
    const ready = infrastructure === 'ready' && Object.values(subgraphs).every((state) => state === 'ready');
    // A rate limiter that lost Redis keeps serving on per-process buckets (fail open); readiness says so
    // without taking the gateway out of rotation.
    const health = limiter.health();
    const rateLimits = health.degraded ? `${health.driver}: degraded since ${health.since?.toISOString()} (${health.reason}); limiting per process` : `${health.driver}: ready`;
    return { ready, status: ready ? 'ready' : 'unavailable', infrastructure: `${infra.driver}: ${infrastructure}`, rateLimits, subscriptions: subscriptions.stats(), subgraphs };
  }

  let extraRoute: ((request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>) | undefined;

  return {
    handle,
    /** Lets the host add routes (the web client, later) without touching the GraphQL path. */
    setFallbackRoute(route: typeof extraRoute) {
      extraRoute = route;
    },
    async listen(port: number, host: string): Promise<RunningGateway> {
      const server = createServer((request, response) => void handle(request, response));
      server.on('upgrade', (request, socket, head) => subscriptions.handleUpgrade(request, socket, head));
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
      return {
        url: `http://${shownHost}:${address.port}`,
        server,
        subscriptions,
        flushUsage: async () => (usage ? usage.flush() : true),
        close: async () => {
          await subscriptions.close();
          await closeServer(server);
          await apollo.stop();
          // Every operation has answered by now: what they used goes to the usage subgraph before the agent closes.
          await usage?.close();
          await stopListening();
          await limiter.close();
          await agent.close();
        },
      };
    },
  };
}
