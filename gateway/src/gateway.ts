import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  closeServer,
  createInternalClient,
  encodeEnvelope,
  ENVELOPE_HEADER,
  executeWithApollo,
  HttpError,
  maskError,
  newId,
  readBodyBytes,
  readGraphQLBody,
  sendJson,
  sendRequestError,
  clientIpOf,
  type Infrastructure,
  type Logger,
} from '@platform/kit';
import { readCheckedInSupergraph, SUPERGRAPH_PATH } from '@platform/schema/compose.ts';
import { ANONYMOUS } from '@platform/schema';
import { GraphQLError } from 'graphql';
import { watch, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Authenticator, CredentialError } from './auth.ts';
import { OperationAuthorizer } from './authorization.ts';
import type { GatewaySettings } from './config.ts';
import type { GatewayContext } from './context.ts';
import { createInternalFetch, createSigningFetcher, createSubgraphAgent, PlatformDataSource } from './datasource.ts';
import { serveExplorer } from './explorer.ts';
import { serveWebApp } from './web-app.ts';
import { aliasLimit, depthLimit, directiveLimit } from './limits.ts';

export interface GatewayOptions {
  settings: GatewaySettings;
  infra: Infrastructure;
  logger: Logger;
}

export interface RunningGateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.-]{8,128}$/;

/** Stripe's events are a few KiB; anything near this is not one. */
const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
/** The largest JSON answer to a webhook relayed as is; Stripe only reads the status. */
const WEBHOOK_REPLY_LIMIT_BYTES = 4096;
const INVOICE_PDF_PATH = /^\/downloads\/invoices\/([A-Za-z0-9_-]{1,64})\.pdf$/;

function readSupergraph(settings: GatewaySettings): string {
  return settings.supergraphPath ? readFileSync(settings.supergraphPath, 'utf8') : readCheckedInSupergraph();
}

export async function createGateway({ settings, infra, logger }: GatewayOptions) {
  const log = logger.child({ component: 'gateway' });
  const agent = createSubgraphAgent(settings.subgraphTimeoutMs);
  const fetcher = createSigningFetcher(settings.secrets.internalSigningSecret, agent);
  const internal = createInternalClient({
    secret: settings.secrets.internalSigningSecret,
    fetch: createInternalFetch(agent),
    timeoutMs: settings.subgraphTimeoutMs,
    userAgent: 'gateway',
  });
  const webApp = settings.webAppDir ? serveWebApp(settings.webAppDir, { stripe: settings.webAppUsesStripe }) : null;
  let authorizer: OperationAuthorizer | undefined;
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
    authorizer = new OperationAuthorizer(coreSupergraphSdl, apiSchema, settings.introspection);
  });

  const authorize: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation || !authorizer) throw new Error('The gateway has no schema loaded yet');
          const refusal = await authorizer.authorize(document, operation, contextValue);
          if (refusal) {
            const status = refusal.extensions.code === 'UNAUTHENTICATED' ? 401 : 403;
            throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { status } } });
          }
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

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
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

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    const requestId = headers['x-request-id']!;
    const { body } = await readGraphQLBody(request, settings.limits.bodyLimitBytes);
    checkDocumentSize(body, url);
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
    const clientIp = clientIpOf(request, settings.trustProxy);
    const userAgent = request.headers['user-agent']?.slice(0, 512) ?? null;
    const context: GatewayContext = {
      requestId,
      principal,
      clientIp,
      userAgent,
      envelope: encodeEnvelope({ principal, requestId, clientIp, userAgent, issuedAt: Date.now() }),
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
   * An invoice PDF behind a signed, expiring link. Billing checks the link and renders the file; the
   * gateway passes the answer through and keeps it out of every cache.
   */
  async function handleInvoiceDownload(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string, headers: Record<string, string>): Promise<void> {
    const match = INVOICE_PDF_PATH.exec(url.pathname);
    const billingUrl = settings.subgraphUrls.billing;
    if (!match || !billingUrl) {
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
      sendRequestError(response, new HttpError(400, 'BAD_REQUEST', 'This download link is incomplete; open the invoice again to get a new one.'), headers);
      return;
    }
    let answer: Response;
    try {
      answer = await internal.send(billingUrl, '/internal/invoices/pdf', JSON.stringify({ invoiceId: match[1], expires, signature }), {
        principal: ANONYMOUS,
        requestId,
        clientIp: clientIpOf(request, settings.trustProxy),
        userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
      });
    } catch (error) {
      log.error({ err: error, requestId }, 'could not fetch an invoice PDF from billing');
      sendRequestError(response, new HttpError(503, 'INTERNAL_SERVER_ERROR', 'Invoices are unavailable right now; try again in a moment.'), { ...headers, 'retry-after': '5' });
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
        await handleInvoiceDownload(request, response, url, requestId, headers);
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
    return { ready, status: ready ? 'ready' : 'unavailable', infrastructure: `${infra.driver}: ${infrastructure}`, subgraphs };
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
        close: async () => {
          await closeServer(server);
          await apollo.stop();
          await agent.close();
        },
      };
    },
  };
}
