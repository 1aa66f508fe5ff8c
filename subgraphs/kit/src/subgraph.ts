import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { EntitySchema } from '@mikro-orm/core';
import { subgraphSdl, type Principal } from '@platform/schema';
import { parse } from 'graphql';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestContext, type RequestContext } from './context.ts';
import { KIT_ENTITIES } from './db/entities.ts';
import { openDatabase, type Database, type MigrationsByDialect } from './db/orm.ts';
import { maskError } from './errors.ts';
import { EVENT_FEED_PATH, parseFeedRequest, readEventFeed, startEventConsumers, type EventConsumer, type RunningEventConsumers } from './events.ts';
import { createInternalClient } from './internal-client.ts';
import { executeWithApollo, HttpError, readBodyBytes, sendJson, sendRequestError } from './http.ts';
import type { Infrastructure } from './infra.ts';
import type { Logger } from './logger.ts';
import { createOutboxTransport, type MailTransport } from './mail.ts';
import { startOutboxRelay } from './relay.ts';
import { applyAccessRules } from './shield.ts';
import { ENVELOPE_HEADER, SIGNATURE_HEADER, verifyRequest, type RequestEnvelope } from './signing.ts';

export type SubgraphContext<Services> = RequestContext & { services: Services };

/**
 * What a route answers when JSON will not do: a status, headers and the exact bytes (a PDF, a reply to
 * a webhook). Any internal route may return one; anything else it returns is sent as JSON with 200.
 */
export class RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
  constructor(status: number, headers: Record<string, string>, body: Buffer | string) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** A JSON answer with a status other than 200 (a refused webhook, a link that expired). */
  static json(status: number, value: unknown): RawResponse {
    return new RawResponse(status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(value));
  }
}

/** What a raw route receives instead of parsed JSON. */
export interface RawRouteRequest {
  /** The body as UTF-8 text. */
  body: string;
  /** The body's exact bytes, as signed. */
  bytes: Buffer;
  /** The headers the route named, by lower-case name; undefined when absent. */
  headers: Record<string, string | undefined>;
}

/** A route that takes the body exactly as sent, with the headers it names (a webhook and its signature). */
export interface RawInternalRoute<Services> {
  readonly raw: true;
  /** Lower-case names of the request headers handed to the route; every other header is withheld. */
  readonly headers: readonly string[];
  handle(request: RawRouteRequest, context: SubgraphContext<Services>): Promise<unknown>;
}

/**
 * An HTTP route only the gateway (or another signed platform service) may call: JSON in, JSON (or a
 * RawResponse) out; or a raw route made with rawRoute(). The signature is checked either way.
 */
export type InternalRoute<Services> = ((body: unknown, context: SubgraphContext<Services>) => Promise<unknown>) | RawInternalRoute<Services>;

/** Declares a raw internal route: it gets the body's exact bytes and text, and the headers named in `headers`. */
export function rawRoute<Services>(
  options: { headers?: readonly string[] },
  handle: (request: RawRouteRequest, context: SubgraphContext<Services>) => Promise<unknown>,
): RawInternalRoute<Services> {
  return { raw: true, headers: (options.headers ?? []).map((name) => name.toLowerCase()), handle };
}

function sendRaw(response: ServerResponse, answer: RawResponse, requestId: string): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  response.writeHead(answer.status, {
    'content-type': 'application/octet-stream',
    ...answer.headers,
    'content-length': body.length,
    'x-request-id': requestId,
  });
  response.end(body);
}

export interface SubgraphDefinition<Services, Deps> {
  /** The domain's name: its folder under subgraphs/, its SQLite file, its PostgreSQL schema. */
  name: string;
  resolvers: GraphQLResolverMap<SubgraphContext<Services>>;
  entities: EntitySchema[];
  migrations: MigrationsByDialect;
  /** The domain's services for one request; resolvers call into these. */
  services: (context: RequestContext, deps: Deps) => Services;
  /** Signed-only internal routes, by path (`/internal/...`). */
  routes?: Record<string, InternalRoute<Services>>;
  /** What this subgraph does with other subgraphs' domain events; their sources' URLs come in eventSources. */
  consumers?: EventConsumer<Services, Deps>[];
}

/** Declares a subgraph; every domain's index.ts exports one. */
export function createSubgraph<Services, Deps>(definition: SubgraphDefinition<Services, Deps>): SubgraphDefinition<Services, Deps> {
  for (const path of Object.keys(definition.routes ?? {})) {
    if (!path.startsWith('/internal/')) throw new Error(`Internal route '${path}' must start with /internal/`);
    if (path === EVENT_FEED_PATH) throw new Error(`${EVENT_FEED_PATH} is served by the kit for every subgraph`);
  }
  return definition;
}

export interface SubgraphRuntimeOptions<Deps> {
  deps: Deps;
  logger: Logger;
  infra: Infrastructure;
  /** The secret the gateway signs requests with. */
  signingSecret: string;
  database: { databaseUrl?: string; dataDir?: string; inMemory?: boolean; onQuery?: (sql: string) => void };
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Largest request body accepted, in bytes; default 1 MiB. */
  bodyLimitBytes?: number;
  /** Outbox relay interval in ms; default 250. */
  relayIntervalMs?: number;
  /** Where the relay delivers mail; default the outbox transport (kept in mail_message, logged). The caller closes it. */
  mail?: MailTransport;
  /** The URL of each subgraph whose events this one consumes, by name; required for every consumer's source. */
  eventSources?: Readonly<Record<string, string>>;
  /** How often consumers read their sources when no event woke them, in ms; default 2000. */
  eventPollIntervalMs?: number;
}

export interface RunningSubgraph<Services> {
  name: string;
  url: string;
  db: Database;
  /** A context outside any HTTP request (seeding, scripts, tests), on its own entity manager fork. */
  context(principal: Principal, requestId?: string): SubgraphContext<Services>;
  /** Relays committed events and mail now, instead of at the next tick. */
  flushOutbox(): Promise<void>;
  /** Reads the sources of this subgraph's event consumers now and handles what is there. */
  drainEvents(): Promise<void>;
  close(): Promise<void>;
}

const requestIdPattern = /^[\w.-]{1,128}$/;

export async function startSubgraph<Services, Deps>(
  definition: SubgraphDefinition<Services, Deps>,
  options: SubgraphRuntimeOptions<Deps>,
): Promise<RunningSubgraph<Services>> {
  const { logger, infra, deps } = options;
  const log = logger.child({ subgraph: definition.name });
  for (const consumer of definition.consumers ?? []) {
    if (!options.eventSources?.[consumer.source]) throw new Error(`${definition.name}'s event consumer '${consumer.name}' reads '${consumer.source}': pass its URL in eventSources`);
  }
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
  const db = await openDatabase({
    name: definition.name,
    entities: [...definition.entities, ...KIT_ENTITIES],
    migrations: definition.migrations,
    logger: log,
    ...options.database,
  });
  const applied = await db.migrate();
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  const sdl = subgraphSdl(definition.name);
  const schema = applyAccessRules(
    buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: definition.resolvers as GraphQLResolverMap<unknown> }),
    sdl,
  );

  const logErrors: ApolloServerPlugin<SubgraphContext<Services>> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (!code || code === 'INTERNAL_SERVER_ERROR') {
              contextValue.log.error({ err: error.originalError ?? error, path: error.path }, 'resolver failed');
            }
          }
        },
      };
    },
  };

  const apollo = new ApolloServer<SubgraphContext<Services>>({
    schema,
    introspection: false,
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    // The process's own handlers drain and close everything, then exit 0; Apollo's would re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted) => maskError(formatted),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), logErrors],
  });
  await apollo.start();

  function makeContext(envelope: Pick<RequestEnvelope, 'principal' | 'requestId' | 'clientIp' | 'userAgent'>): SubgraphContext<Services> {
    const base = createRequestContext({
      requestId: envelope.requestId,
      principal: envelope.principal,
      clientIp: envelope.clientIp,
      userAgent: envelope.userAgent,
      em: db.em.fork(),
      log: log.child({ requestId: envelope.requestId }),
      infra,
    });
    const context = base as SubgraphContext<Services>;
    context.services = definition.services(base, deps);
    return context;
  }

  /** Other subgraphs' consumers read this subgraph's domain events here; the signature is the credential. */
  const eventFeedRoute: InternalRoute<Services> = async (body) => {
    const request = parseFeedRequest(body);
    if (typeof request === 'string') throw new HttpError(400, 'BAD_REQUEST', request);
    return { events: await readEventFeed(db, definition.name, request) };
  };

  function answerRoute(response: ServerResponse, answer: unknown, requestId: string): void {
    if (answer instanceof RawResponse) sendRaw(response, answer, requestId);
    else sendJson(response, 200, answer, { 'x-request-id': requestId });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/healthz') {
      sendJson(response, 200, { status: 'ok', subgraph: definition.name });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/readyz') {
      try {
        await Promise.all([db.ping(), infra.ping()]);
        sendJson(response, 200, { status: 'ready', subgraph: definition.name });
      } catch {
        sendJson(response, 503, { status: 'unavailable', subgraph: definition.name });
      }
      return;
    }
    const route = url.pathname === EVENT_FEED_PATH ? eventFeedRoute : definition.routes?.[url.pathname];
    if (url.pathname !== '/graphql' && !route) {
      sendJson(response, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    if (request.method !== 'POST') {
      sendRequestError(response, new HttpError(405, 'BAD_REQUEST', 'Only POST is accepted here.'), { allow: 'POST' });
      return;
    }
    const bytes = await readBodyBytes(request, bodyLimit);
    const verified = verifyRequest(
      options.signingSecret,
      request.headers[ENVELOPE_HEADER] as string | undefined,
      request.headers[SIGNATURE_HEADER] as string | undefined,
      bytes,
    );
    if (!verified.ok) {
      log.warn({ reason: verified.reason, remote: request.socket.remoteAddress }, 'refused an unsigned request');
      sendRequestError(response, new HttpError(401, 'UNAUTHENTICATED', 'This service only accepts requests from the gateway.'));
      return;
    }
    const envelope = verified.envelope;
    if (envelope.principal.kind === 'system') {
      // The system principal is for a subgraph's own background work; no caller may claim it.
      log.warn({ remote: request.socket.remoteAddress }, 'refused a request claiming the system principal');
      sendRequestError(response, new HttpError(401, 'UNAUTHENTICATED', 'This service only accepts requests from the gateway.'));
      return;
    }
    if (!requestIdPattern.test(envelope.requestId)) envelope.requestId = 'invalid';
    const text = bytes.toString('utf8');
    if (route && typeof route !== 'function') {
      const headers: Record<string, string | undefined> = {};
      for (const name of route.headers) {
        const value = request.headers[name];
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      answerRoute(response, await route.handle({ body: text, bytes, headers }, makeContext(envelope)), envelope.requestId);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendRequestError(response, new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON.'));
      return;
    }
    const context = makeContext(envelope);
    if (route) {
      answerRoute(response, await route(body, context), envelope.requestId);
      return;
    }
    await executeWithApollo(apollo, request, response, body, async () => context, { 'x-request-id': envelope.requestId });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendRequestError(response, error);
        return;
      }
      log.error({ err: error }, 'request failed');
      if (!response.headersSent) sendRequestError(response, new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
      else response.destroy();
    });
  });
  // Longer than any client's idle timeout, so the gateway never writes to a socket we are closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}/graphql`;
  const relay = startOutboxRelay({
    source: definition.name,
    db,
    infra,
    logger: log,
    intervalMs: options.relayIntervalMs,
    mail: options.mail ?? createOutboxTransport(),
  });
  let consumers: RunningEventConsumers | null = null;
  if (definition.consumers && definition.consumers.length > 0) {
    consumers = startEventConsumers({
      consumers: definition.consumers,
      sources: options.eventSources ?? {},
      db,
      infra,
      internal: createInternalClient({ secret: options.signingSecret, userAgent: definition.name }),
      deps,
      makeContext: (principal, requestId) => makeContext({ principal, requestId, clientIp: null, userAgent: null }),
      logger: log,
      intervalMs: options.eventPollIntervalMs,
    });
  }
  log.info({ url }, 'subgraph listening');

  return {
    name: definition.name,
    url,
    db,
    context: (principal, requestId = `internal-${Date.now()}`) =>
      makeContext({ principal, requestId, clientIp: null, userAgent: null }),
    flushOutbox: () => relay.flush(),
    drainEvents: async () => {
      await consumers?.drain();
    },
    async close() {
      await consumers?.stop();
      await closeServer(server);
      await relay.stop();
      await apollo.stop();
      await db.close();
    },
  };
}

/** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the rest. */
export async function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
