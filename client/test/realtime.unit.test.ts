/**
 * The web app's Realtime connection against a real graphql-ws server (the `ws` server the gateway
 * uses, with graphql-ws's own protocol handling): authentication from the session, the 4403
 * refresh, moving to a new session, sign-out, and coming back after the server drops it.
 */
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthState } from '../src/auth/session.ts';
import { Realtime } from '../src/graphql/realtime.ts';

const schema = buildSchema('type Query { ok: Boolean } type Subscription { tick: String! }');

interface TestServer {
  url: string;
  /** Every token a connection_init carried, in order. */
  tokens: string[];
  /** Sends one event to every open subscription. */
  publish(value: string): void;
  subscribers(): number;
  /** Closes every open socket the way a restarting server does. */
  dropAll(): void;
  close(): Promise<void>;
}

async function startServer(accepted: Set<string>): Promise<TestServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const tokens: string[] = [];
  const listeners = new Set<(value: string) => void>();
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const server = useServer(
    {
      schema,
      onConnect(context) {
        const authorization = String((context.connectionParams as { authorization?: string } | undefined)?.authorization ?? '');
        tokens.push(authorization);
        // graphql-ws closes a refused connection with 4403 Forbidden, as the gateway does.
        return accepted.has(authorization.replace(/^Bearer /, ''));
      },
      roots: {
        subscription: {
          // An iterator by hand: an async generator waiting on a promise ignores return() until it wakes.
          tick: () => {
            const queue: string[] = [];
            let waiting: ((result: IteratorResult<{ tick: string }>) => void) | null = null;
            const listener = (value: string) => {
              if (waiting) {
                waiting({ value: { tick: value }, done: false });
                waiting = null;
              } else queue.push(value);
            };
            listeners.add(listener);
            const iterator: AsyncIterableIterator<{ tick: string }> = {
              next: () =>
                queue.length > 0
                  ? Promise.resolve({ value: { tick: queue.shift()! }, done: false })
                  : new Promise((resolve) => {
                      waiting = resolve;
                    }),
              return: () => {
                listeners.delete(listener);
                waiting?.({ value: undefined, done: true });
                return Promise.resolve({ value: undefined, done: true });
              },
              [Symbol.asyncIterator]: () => iterator,
            };
            return iterator;
          },
        },
      },
    },
    wss,
  );
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`,
    tokens,
    publish: (value) => listeners.forEach((listener) => listener(value)),
    subscribers: () => listeners.size,
    dropAll: () => sockets.forEach((socket) => socket.close(1012, 'Service Restart')),
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A stand-in for the app's AuthSession: a token per session, and refresh hands out the next. */
function fakeAuth(first: string) {
  const auth = {
    state: { status: 'signed-in', organizationId: 'org_1' } as AuthState,
    token: first,
    refreshes: 0,
    next: first,
    getAccessToken: async () => (auth.state.status === 'signed-in' ? auth.token : null),
    refresh: async () => {
      auth.refreshes += 1;
      auth.token = auth.next;
      return true;
    },
  };
  return auth;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function collect(realtime: Realtime) {
  const received: string[] = [];
  const errors: unknown[] = [];
  const unsubscribe = realtime.subscribe(
    { query: 'subscription { tick }' },
    {
      next: (result) => received.push(String((result.data as { tick?: string } | undefined)?.tick)),
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return { received, errors, unsubscribe };
}

describe('the realtime connection', () => {
  const accepted = new Set<string>();
  let server: TestServer;
  const connections: Realtime[] = [];

  beforeEach(async () => {
    accepted.clear();
    server = await startServer(accepted);
  });

  afterEach(async () => {
    for (const realtime of connections.splice(0)) realtime.close();
    await server.close();
  });

  function connect(auth: ReturnType<typeof fakeAuth>): Realtime {
    const realtime = new Realtime({ url: server.url, auth, maxRetryWaitMs: 50, lazyCloseTimeoutMs: 0 });
    connections.push(realtime);
    return realtime;
  }

  it('authenticates with the session’s access token and delivers events', async () => {
    accepted.add('token-1');
    const auth = fakeAuth('token-1');
    const { received, errors, unsubscribe } = collect(connect(auth));
    await until(() => server.subscribers() === 1, 'the subscription');
    server.publish('a');
    server.publish('b');
    await until(() => received.length === 2, 'two events');
    expect(received).toEqual(['a', 'b']);
    expect(server.tokens).toEqual(['Bearer token-1']);
    expect(errors).toEqual([]);
    unsubscribe();
    await until(() => server.subscribers() === 0, 'the unsubscribe');
  });

  it('refreshes the session when the server refuses the token with 4403, and carries on', async () => {
    accepted.add('token-2');
    const auth = fakeAuth('expired-token');
    auth.next = 'token-2';
    const { received, errors } = collect(connect(auth));
    await until(() => server.subscribers() === 1, 'the subscription on the refreshed token');
    expect(server.tokens).toEqual(['Bearer expired-token', 'Bearer token-2']);
    expect(auth.refreshes).toBe(1);
    server.publish('after refresh');
    await until(() => received.length === 1, 'the event');
    expect(received).toEqual(['after refresh']);
    expect(errors).toEqual([]);
  });

  it('moves open subscriptions to a new connection when the session changes, and waits while signed out', async () => {
    accepted.add('token-a');
    accepted.add('token-b');
    const auth = fakeAuth('token-a');
    const realtime = connect(auth);
    const { received } = collect(realtime);
    await until(() => server.subscribers() === 1, 'the first subscription');

    auth.state = { status: 'signed-out', reason: 'user' };
    realtime.restart();
    await until(() => server.subscribers() === 0, 'the connection to close on sign-out');
    expect(realtime.size).toBe(1);

    auth.state = { status: 'signed-in', organizationId: 'org_2' };
    auth.token = 'token-b';
    realtime.restart();
    await until(() => server.subscribers() === 1, 'the subscription on the new session');
    expect(server.tokens).toEqual(['Bearer token-a', 'Bearer token-b']);
    server.publish('new session');
    await until(() => received.length === 1, 'the event');
    expect(received).toEqual(['new session']);
  });

  it('comes back after the server drops the connection, and says so', async () => {
    accepted.add('token-1');
    const auth = fakeAuth('token-1');
    const realtime = connect(auth);
    let reconnects = 0;
    realtime.onReconnect(() => (reconnects += 1));
    const { received, errors } = collect(realtime);
    await until(() => server.subscribers() === 1, 'the subscription');
    server.dropAll();
    await until(() => reconnects === 1 && server.subscribers() === 1, 'the reconnection');
    server.publish('after the drop');
    await until(() => received.length === 1, 'the event');
    expect(errors).toEqual([]);
    expect(server.tokens).toEqual(['Bearer token-1', 'Bearer token-1']);
  });
});
