/** graphql-ws clients for tests: the real client over the `ws` WebSocket, and live messages published as the relay does. */
import { liveChannel, newId, type Infrastructure, type LiveMessage } from '@platform/kit';
import type { SubscriptionStats } from '@platform/gateway';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface LiveResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface LiveSubscription {
  /** Every `next` payload, in order. */
  results: LiveResult[];
  /** The `error` message's errors, when the server refused or ended the subscription. */
  errors: LiveResult['errors'] | null;
  completed: boolean;
  /** Resolves once `count` results arrived (or the subscription ended with an error, which rejects). */
  received(count: number, timeoutMs?: number): Promise<LiveResult[]>;
  /** Resolves with the errors of an `error` message. */
  refused(timeoutMs?: number): Promise<NonNullable<LiveResult['errors']>>;
  unsubscribe(): void;
}

export interface LiveClient {
  client: Client;
  /** The underlying WebSocket once connected (tests pause it to play a slow consumer). */
  socket(): WebSocket | null;
  /** Resolves when the server acknowledged connection_init. */
  acknowledged(timeoutMs?: number): Promise<void>;
  /** Resolves with the close code and reason once the connection closed. */
  closed(timeoutMs?: number): Promise<Closed>;
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  dispose(): Promise<void>;
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A graphql-ws client that connects at once (not lazily) and never retries, so a refused connection
 * shows its close code. `authorization` goes in connection_init as `{ authorization }` when given.
 */
export function connectLive(graphqlUrl: string, authorization?: string, options: { connectionParams?: Record<string, unknown>; protocols?: string } = {}): LiveClient {
  let socket: WebSocket | null = null;
  let acknowledged = false;
  let closed: Closed | null = null;
  const WebSocketImpl =
    options.protocols === undefined
      ? WebSocket
      : class extends WebSocket {
          constructor(address: string) {
            super(address, options.protocols);
          }
        };
  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocketImpl,
    lazy: false,
    retryAttempts: 0,
    connectionParams: options.connectionParams ?? (authorization === undefined ? undefined : { authorization }),
    onNonLazyError: () => {},
    on: {
      connected: (connected) => {
        socket = connected as WebSocket;
        acknowledged = true;
      },
      opened: (opened) => {
        socket = opened as WebSocket;
      },
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string | Buffer };
        closed = { code, reason: String(reason) };
      },
    },
  });
  return {
    client,
    socket: () => socket,
    async acknowledged(timeoutMs = 10_000) {
      await until(() => acknowledged || closed !== null, 'connection_ack', timeoutMs);
      if (!acknowledged) throw new Error(`The connection closed before it was acknowledged: ${JSON.stringify(closed)}`);
    },
    async closed(timeoutMs = 10_000) {
      await until(() => closed !== null, 'the connection to close', timeoutMs);
      return closed!;
    },
    subscribe(query, variables) {
      const subscription: LiveSubscription = {
        results: [],
        errors: null,
        completed: false,
        async received(count, timeoutMs = 10_000) {
          await until(() => subscription.results.length >= count || subscription.errors !== null, `${count} live result(s)`, timeoutMs);
          if (subscription.results.length < count) throw new Error(`The subscription ended with ${JSON.stringify(subscription.errors)}`);
          return subscription.results;
        },
        async refused(timeoutMs = 10_000) {
          await until(() => subscription.errors !== null, 'an error message', timeoutMs);
          return subscription.errors!;
        },
        unsubscribe: () => {},
      };
      subscription.unsubscribe = client.subscribe<Record<string, unknown>>(
        { query, variables },
        {
          next: (result) => void subscription.results.push(result as LiveResult),
          error: (error) => {
            subscription.errors = Array.isArray(error) ? (error as LiveResult['errors']) : [{ message: String((error as { reason?: string }).reason ?? error) }];
          },
          complete: () => {
            subscription.completed = true;
          },
        },
      );
      return subscription;
    },
    async dispose() {
      await client.dispose();
    },
  };
}

/** Publishes a LiveMessage on its organization's channel, as a subgraph's relay does; returns it. */
export async function publishLive(
  infra: Infrastructure,
  message: Partial<LiveMessage> & Pick<LiveMessage, 'field' | 'organizationId' | 'data'>,
): Promise<LiveMessage> {
  const full: LiveMessage = { id: newId('evt'), userIds: null, occurredAt: new Date().toISOString(), ...message };
  await infra.pubsub.publish(liveChannel(full.organizationId), JSON.stringify(full));
  return full;
}

/** Waits until the gateway listens for at least `count` subscriptions (so nothing published from now on is missed). */
export async function subscriptionsActive(gateway: { subscriptions: { stats(): SubscriptionStats } }, count: number): Promise<void> {
  await until(() => gateway.subscriptions.stats().subscriptions >= count, `${count} active subscription(s)`);
}

/** The user id (`sub`) an access token was issued to. */
export function userIdOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: string }).sub;
}
