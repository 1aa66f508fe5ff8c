import { clientIpOf, encodeEnvelope, maskError, newId, type LiveMessage, type Logger, type PubSub } from '@platform/kit';
import type { AuthenticatedPrincipal } from '@platform/schema';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context } from 'graphql-ws';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CredentialError, type Authenticator } from '../auth.ts';
import { rateLimitRefusal, type BucketsOf } from '../charging.ts';
import type { GatewaySettings, SubscriptionSettings } from '../config.ts';
import type { GatewayContext } from '../context.ts';
import { queryCostExceeded } from '../cost.ts';
import type { RateLimiter } from '../rate-limit.ts';
import { LiveFanout } from './fanout.ts';
import { LivePlanner, type LivePlan, type LiveSchema } from './plan.ts';
import { LiveStream, type LiveAnswer } from './stream.ts';

export type { LiveSchema } from './plan.ts';

/** What a subscription event resolved through a query field comes back as (Apollo's formatted result). */
export interface QueryAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** A graphql-ws subscribe message's payload. */
export interface SubscribeRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

export interface SubscriptionServerOptions {
  settings: SubscriptionSettings;
  /** Document limits shared with HTTP (MAX_TOKENS, MAX_DEPTH, ...), and the largest message (BODY_LIMIT_BYTES). */
  limits: GatewaySettings['limits'];
  maxQueryCost: number;
  /** Leave "did you mean" hints out of validation errors (production). */
  hideSchemaDetails: boolean;
  trustProxy: boolean;
  /** The schema currently served; undefined until the supergraph is loaded. */
  schema: () => LiveSchema | undefined;
  authenticator: Authenticator;
  pubsub: PubSub;
  limiter: RateLimiter;
  bucketsOf: BucketsOf;
  /**
   * The document a subscribe message stands for: its text, or the persisted operation its
   * `extensions.persistedQuery` names (a safelisted API key may send nothing else); an error refuses it.
   */
  resolveDocument(payload: SubscribeRequest, principal: AuthenticatedPrincipal, requestId: string): Promise<string | GraphQLError>;
  /** Counts a started subscription in the caller's usage, once, with the cost it was charged. */
  recordUsage?(sample: { principal: AuthenticatedPrincipal; operationName: string | null; documentHash: string; cost: number }): void;
  /** Runs a query through the gateway's normal path: Apollo with its plugins, query planning, the subgraphs. */
  executeQuery(request: { query: string; variables: Record<string, unknown> }, context: GatewayContext): Promise<QueryAnswer>;
  logger: Logger;
}

export interface SubscriptionStats {
  /** Connections that passed connection_init. */
  connections: number;
  subscriptions: number;
  /** Organizations whose live channel this process listens to. */
  organizations: number;
  /** Connections dropped because they could not keep up, since the start. */
  slowConsumersDropped: number;
}

export interface SubscriptionServer {
  /** Takes over an HTTP upgrade request (WebSocket on /graphql). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): SubscriptionStats;
  /** Closes every connection (1001) and leaves every live channel. */
  close(): Promise<void>;
}

/** One WebSocket and who is on it. */
interface LiveConnection {
  id: string;
  ws: WebSocket;
  clientIp: string | null;
  userAgent: string | null;
  authorization: string;
  principal: AuthenticatedPrincipal | null;
  /** Its entry in the per-principal connection count, once counted. */
  principalKey: string | null;
  streams: Set<LiveStream>;
  /** Answered the last ping (or sent something) since the keep-alive sweep before. */
  alive: boolean;
  closing: boolean;
  timers: NodeJS.Timeout[];
}

type ConnectionContext = Context<Record<string, unknown> | undefined, LiveConnection>;

/** How long a closed connection may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 5_000;
/** The longest a timer may wait in Node; an access token lives far less. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Close reasons are at most 123 bytes (RFC 6455). */
const closeReason = (reason: string) => (Buffer.byteLength(reason) <= 123 ? reason : `${Buffer.from(reason).subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}...`);

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });
const internalError = () => coded('Internal server error', 'INTERNAL_SERVER_ERROR');

function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((permission) => b.includes(permission));
}

function principalKeyOf(principal: AuthenticatedPrincipal): string {
  if (principal.kind === 'user') return `user:${principal.organizationId}:${principal.userId}`;
  if (principal.kind === 'apiKey') return `key:${principal.apiKeyId}`;
  return `system:${principal.organizationId}:${principal.actor}`;
}

/** Bounds how many events are resolved through a query at once, so a burst cannot flood the subgraphs. */
class Semaphore {
  private available: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.available = size;
  }
  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available += 1;
  }
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on the gateway's
 * own HTTP server. A connection authenticates in connection_init and is closed when its credential
 * expires or is revoked; each subscription is checked like an HTTP operation (limits, validation,
 * authorization, cost charged once) and fed from the organization's live channel (LiveFanout), its
 * events served from their data or resolved through a query field per subscriber (LivePlanner).
 */
export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { settings, limits, logger: log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.bodyLimitBytes, perMessageDeflate: false, handleProtocols: (protocols) => handleProtocols(protocols) });
  const fanout = new LiveFanout({ pubsub: options.pubsub, logger: log, dedupeSize: settings.dedupeSize });
  const resolving = new Semaphore(settings.resolveConcurrency);
  const planners = new WeakMap<LiveSchema, LivePlanner>();
  const connections = new Set<LiveConnection>();
  const perPrincipal = new Map<string, number>();
  let acknowledged = 0;
  let slowConsumersDropped = 0;
  let closing = false;

  function plannerFor(schema: LiveSchema): LivePlanner {
    let planner = planners.get(schema);
    if (!planner) {
      planner = new LivePlanner(schema, limits, { hideSchemaDetails: options.hideSchemaDetails });
      planners.set(schema, planner);
    }
    return planner;
  }

  function closeConnection(connection: LiveConnection, code: number, reason: string): void {
    if (connection.closing) return;
    connection.closing = true;
    release(connection);
    connection.ws.close(code, closeReason(reason));
    // A consumer that stopped reading never reads the close frame either.
    const cut = setTimeout(() => connection.ws.terminate(), CLOSE_GRACE_MS);
    cut.unref();
    connection.ws.once('close', () => clearTimeout(cut));
  }

  /** Lets go of everything the connection holds; runs once whichever way it ends. */
  function release(connection: LiveConnection): void {
    for (const timer of connection.timers) clearTimeout(timer);
    connection.timers = [];
    for (const stream of [...connection.streams]) stream.end();
    if (connection.principalKey) {
      const left = (perPrincipal.get(connection.principalKey) ?? 1) - 1;
      if (left > 0) perPrincipal.set(connection.principalKey, left);
      else perPrincipal.delete(connection.principalKey);
      connection.principalKey = null;
      acknowledged -= 1;
    }
  }

  function dropSlowConsumer(connection: LiveConnection): void {
    if (connection.closing) return;
    slowConsumersDropped += 1;
    log.warn({ connectionId: connection.id, bufferedBytes: connection.ws.bufferedAmount }, 'dropped a subscriber that could not keep up');
    closeConnection(connection, 1013, 'slow consumer');
  }

  /** Checks the credential again: revoked or otherwise refused closes the connection (4403). */
  async function recheck(connection: LiveConnection): Promise<void> {
    if (connection.closing) return;
    try {
      const { principal } = await options.authenticator.authenticateUntil(connection.authorization, newId('req'));
      if (principal.kind === 'anonymous') throw new CredentialError('Credentials are required.');
      const changed = !connection.principal || !samePermissions(principal.permissions, connection.principal.permissions);
      connection.principal = principal;
      // An API key follows its creator's role: what it may no longer read, it stops receiving.
      if (changed) await reauthorize(connection);
    } catch (error) {
      if (error instanceof CredentialError) closeConnection(connection, CloseCode.Forbidden, error.message);
      else log.warn({ err: error, connectionId: connection.id }, 'could not check a subscriber\'s credentials again; keeping the connection');
    }
  }

  const planOf = new WeakMap<LiveStream, LivePlan>();

  async function reauthorize(connection: LiveConnection): Promise<void> {
    const schema = options.schema();
    if (!schema || !connection.principal) return;
    for (const stream of connection.streams) {
      const plan = planOf.get(stream);
      if (!plan) continue;
      const refusal = await schema.authorizer.authorize(plan.document, plan.operation, { principal: connection.principal });
      if (refusal) stream.fail(refusal);
    }
  }

  async function onConnect(ctx: ConnectionContext): Promise<boolean> {
    const connection = ctx.extra;
    const refuse = (code: number, reason: string) => {
      closeConnection(connection, code, reason);
      return false;
    };
    const authorization = ctx.connectionParams?.authorization;
    if (typeof authorization !== 'string' || authorization.trim() === '') {
      return refuse(CloseCode.Forbidden, 'Missing credentials: send {"authorization": "Bearer <token>"} in connection_init.');
    }
    let verified: Awaited<ReturnType<Authenticator['authenticateUntil']>>;
    try {
      verified = await options.authenticator.authenticateUntil(authorization, newId('req'));
    } catch (error) {
      if (error instanceof CredentialError) return refuse(CloseCode.Forbidden, error.message);
      log.error({ err: error, connectionId: connection.id }, 'could not authenticate a subscriber');
      return refuse(1011, 'Authentication is unavailable right now; connect again in a moment.');
    }
    const { principal, expiresAt } = verified;
    if (principal.kind === 'anonymous') return refuse(CloseCode.Forbidden, 'Missing credentials: send {"authorization": "Bearer <token>"} in connection_init.');
    if (connection.closing) return false;
    const key = principalKeyOf(principal);
    const open = perPrincipal.get(key) ?? 0;
    if (open >= settings.maxConnectionsPerPrincipal) {
      return refuse(1008, `Too many connections: at most ${settings.maxConnectionsPerPrincipal} per user or API key; close one first.`);
    }
    perPrincipal.set(key, open + 1);
    acknowledged += 1;
    connection.principalKey = key;
    connection.principal = principal;
    connection.authorization = authorization;
    if (expiresAt) {
      const expiry = setTimeout(() => closeConnection(connection, CloseCode.Forbidden, 'token expired'), Math.min(Math.max(0, expiresAt.getTime() - Date.now()), MAX_TIMER_MS));
      connection.timers.push(expiry);
    }
    const revocations = setInterval(() => void recheck(connection), settings.recheckMs);
    connection.timers.push(revocations);
    for (const timer of connection.timers) timer.unref();
    return true;
  }

  /** A failed event's answer: a masked INTERNAL_SERVER_ERROR carrying the request id of the log line. */
  const failedAnswer = (requestId: string) => JSON.stringify({ data: null, errors: [maskError({ message: 'live event failed' }, requestId)] });

  async function answerThroughQuery(connection: LiveConnection, plan: LivePlan, variables: Record<string, unknown>, message: LiveMessage): Promise<LiveAnswer> {
    const requestId = newId('req');
    const id = message.data.id;
    const principal = connection.principal;
    if (!plan.fallback || typeof id !== 'string' || !principal) {
      log.error({ field: message.field, messageId: message.id, requestId }, 'a live message lacks the id its subscribers need');
      return failedAnswer(requestId);
    }
    await resolving.acquire();
    try {
      if (connection.closing) return null;
      const context: GatewayContext = {
        requestId,
        principal,
        clientIp: connection.clientIp,
        userAgent: connection.userAgent,
        envelope: encodeEnvelope({ principal, requestId, clientIp: connection.clientIp, userAgent: connection.userAgent, issuedAt: Date.now() }),
        cost: null,
        throttle: null,
        prepaid: true,
      };
      const answer = await options.executeQuery({ query: plan.fallback.query, variables: { ...variables, [plan.fallback.idVariable]: id } }, context);
      const value = answer.data?.[plan.responseKey];
      if (answer.errors?.length) return JSON.stringify({ data: value === undefined ? null : { [plan.responseKey]: value }, errors: answer.errors });
      // Not there for this subscriber (removed meanwhile, or another user's): nothing to tell them.
      if (value === null) return null;
      return JSON.stringify({ data: value === undefined ? {} : { [plan.responseKey]: value } });
    } catch (error) {
      log.error({ err: error, requestId, messageId: message.id }, 'could not resolve a live event');
      return failedAnswer(requestId);
    } finally {
      resolving.release();
    }
  }

  /** `servedKey`: the plan and variables; subscribers that share it share the answer served from an event's data. */
  function answerEvent(connection: LiveConnection, plan: LivePlan, variables: Record<string, unknown>, servedKey: string, message: LiveMessage, shared: Map<string, unknown>): LiveAnswer | Promise<LiveAnswer> {
    if (plan.servedFromData) {
      // Worked out and serialized once per event for every subscriber with the same document and variables.
      let served = shared.get(servedKey) as { complete: boolean; json: string } | undefined;
      if (!served) {
        const { complete, result } = plan.serveFromData(message.data, variables);
        if (!complete && !plan.fallback) {
          const requestId = newId('req');
          log.error({ field: message.field, messageId: message.id, errors: result.errors?.map((error) => error.message), requestId }, 'a live message lacks fields its subscribers selected');
          served = { complete, json: failedAnswer(requestId) };
        } else {
          served = { complete, json: complete ? JSON.stringify(result) : '' };
        }
        shared.set(servedKey, served);
      }
      if (served.complete || !plan.fallback) return served.json;
    }
    return answerThroughQuery(connection, plan, variables, message);
  }

  async function onSubscribe(ctx: ConnectionContext, id: string, payload: SubscribeRequest) {
    const connection = ctx.extra;
    const requestId = newId('req');
    try {
      if (Object.keys(ctx.subscriptions).length > settings.maxPerConnection) {
        return [coded(`Too many subscriptions on this connection: at most ${settings.maxPerConnection}. Complete one first, or open another connection.`, 'BAD_REQUEST')];
      }
      const schema = options.schema();
      const principal = connection.principal;
      if (!schema || !principal) return [internalError()];
      const query = await options.resolveDocument(payload, principal, requestId);
      if (query instanceof GraphQLError) return [query];
      if (Buffer.byteLength(query) > limits.maxDocumentBytes) return [coded(`The GraphQL document is larger than ${limits.maxDocumentBytes} bytes.`, 'BAD_REQUEST')];
      const planned = plannerFor(schema).plan(query, payload.operationName);
      if ('errors' in planned) return planned.errors;
      const { plan } = planned;
      const refusal = await schema.authorizer.authorize(plan.document, plan.operation, { principal });
      if (refusal) return [refusal];
      const variables = payload.variables ?? {};
      let requestedCost: number;
      try {
        requestedCost = schema.costs.requestedCost(plan.document, plan.operationName, variables);
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      if (requestedCost > options.maxQueryCost) return [queryCostExceeded(requestedCost, options.maxQueryCost)];
      // Charged once, here: events cost the subscriber nothing more, however many arrive.
      const { buckets, policy } = await options.bucketsOf({ principal, clientIp: connection.clientIp, requestId });
      const reserved = await options.limiter.reserve(buckets, requestedCost);
      if (!reserved.allowed) return [rateLimitRefusal(requestedCost, reserved, policy)];
      options.recordUsage?.({ principal, operationName: plan.operationName ?? null, documentHash: createHash('sha256').update(query).digest('hex'), cost: requestedCost });

      const servedKey = `${plan.key}\u0000${JSON.stringify(variables)}`;
      const nextPrefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
      const stream = new LiveStream({
        organizationId: principal.organizationId,
        field: plan.field,
        userId: principal.kind === 'user' ? principal.userId : null,
        maxQueued: settings.maxQueuedEvents,
        answer: (message, shared) => answerEvent(connection, plan, variables, servedKey, message, shared),
        send: (answer) => send(connection, `${nextPrefix}${answer}}`),
        onOverflow: () => dropSlowConsumer(connection),
        onEnd: (ended) => {
          connection.streams.delete(ended);
          fanout.remove(ended);
        },
      });
      planOf.set(stream, plan);
      connection.streams.add(stream);
      try {
        await fanout.add(stream);
      } catch (error) {
        log.error({ err: error, requestId }, 'could not listen to a live channel');
        stream.end();
        return [internalError()];
      }
      // The client completed it, or the connection went, while the channel was being joined.
      if (connection.closing) stream.end();
      return { schema: schema.apiSchema, document: plan.document, operationName: plan.operationName, variableValues: variables, contextValue: stream };
    } catch (error) {
      log.error({ err: error, requestId, connectionId: connection.id }, 'subscribe failed');
      return [internalError()];
    }
  }

  const protocol = makeServer<Record<string, unknown> | undefined, LiveConnection>({
    connectionInitWaitTimeout: settings.initTimeoutMs,
    onConnect,
    onSubscribe,
    subscribe: (args) => args.contextValue as LiveStream,
    // Events go out through each stream's `send`, already masked; errors of a failed subscribe or stream are masked here.
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) => {
        const original = error.originalError instanceof GraphQLError ? error.originalError : error;
        return maskError(original.toJSON());
      }),
  });

  /** Sends a protocol message; a consumer whose unsent bytes pass the bound is dropped. */
  function send(connection: LiveConnection, data: string): void {
    const { ws } = connection;
    if (connection.closing || ws.readyState !== ws.OPEN) return;
    ws.send(data);
    if (ws.bufferedAmount > settings.maxBufferedBytes) dropSlowConsumer(connection);
  }

  function onConnection(ws: WebSocket, request: IncomingMessage): void {
    const connection: LiveConnection = {
      id: newId('ws'),
      ws,
      clientIp: clientIpOf(request, options.trustProxy),
      userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
      authorization: '',
      principal: null,
      principalKey: null,
      streams: new Set(),
      alive: true,
      closing: false,
      timers: [],
    };
    connections.add(connection);
    ws.on('pong', () => (connection.alive = true));
    ws.on('error', (error) => log.debug({ err: error, connectionId: connection.id }, 'subscriber socket error'));
    const closed = protocol.opened(
      {
        protocol: ws.protocol,
        send: (data) => send(connection, data),
        close: (code, reason) => closeConnection(connection, code ?? 1000, reason ?? ""),
        onMessage: (handle) =>
          ws.on('message', (data) => {
            connection.alive = true;
            handle(String(data)).catch((error: unknown) => {
              log.error({ err: error, connectionId: connection.id }, 'subscriber message failed');
              closeConnection(connection, CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      connection,
    );
    ws.once('close', (code, reason) => {
      connections.delete(connection);
      connection.closing = true;
      release(connection);
      void closed(code, reason.toString());
    });
  }

  const sweep = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      if (connection.ws.readyState === connection.ws.OPEN) connection.ws.ping();
    }
  }, settings.keepAliveMs);
  sweep.unref();

  return {
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== '/graphql' || closing) {
        socket.end(`HTTP/1.1 ${closing ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request));
    },
    stats() {
      const { organizations, listeners } = fanout.stats();
      return { connections: acknowledged, subscriptions: listeners, organizations, slowConsumersDropped };
    },
    async close() {
      closing = true;
      clearInterval(sweep);
      const open = [...connections];
      for (const connection of open) closeConnection(connection, 1001, 'Going away');
      await Promise.all(open.map((connection) => (connection.ws.readyState === connection.ws.CLOSED ? undefined : new Promise((resolve) => connection.ws.once('close', resolve)))));
      await fanout.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
