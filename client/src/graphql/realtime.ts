/**
 * The app's real-time connection: graphql-ws over the page's own origin, one client per signed-in
 * session. The connection authenticates with a fresh access token each time it (re)connects; when
 * the gateway closes it with 4403 (the token was refused or has expired) the session is refreshed
 * before the next attempt. Subscriptions outlive a connection: after a drop they resume on the
 * next one, and after sign-in or an organization switch they start again on the new session's.
 */
import { createClient, type Client, type ClientOptions, type FormattedExecutionResult, type Sink, type SubscribePayload } from 'graphql-ws';
import type { AuthSession } from '../auth/session.ts';

/** The close code the gateway uses for a token it refuses (bad, revoked or expired). */
export const TOKEN_REFUSED = 4403;

export interface RealtimeOptions {
  /** The graphql-ws endpoint, e.g. wss://app.example.com/graphql. */
  url: string;
  auth: Pick<AuthSession, 'state' | 'getAccessToken' | 'refresh'>;
  /** Makes the graphql-ws client; default graphql-ws's `createClient`. */
  createClient?: (options: ClientOptions) => Client;
  /** The longest wait between two connection attempts; default 30 s. */
  maxRetryWaitMs?: number;
  /** How long the socket stays open after its last subscription ended; default 3 s (moving between pages unsubscribes and subscribes again). */
  lazyCloseTimeoutMs?: number;
  /** WebSocket constructor; default the browser's. */
  webSocketImpl?: unknown;
}

type Result = FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>;

interface ActiveSubscription {
  payload: SubscribePayload;
  sink: Sink<Result>;
  /** Ends it on the current client without telling the sink; null while it waits or is signed out. */
  stop: (() => void) | null;
  /** Consecutive times the server ended it by closing the connection for good. */
  failures: number;
  timer: ReturnType<typeof setTimeout> | null;
}

function isLikeCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

/** A WebSocket `error` event (the connection failed), as opposed to GraphQL errors from the server. */
function isConnectionFailure(value: unknown): boolean {
  return isLikeCloseEvent(value) || (typeof Event !== 'undefined' && value instanceof Event);
}

/** Closes a client; one whose connection attempt already failed has nothing left to close. */
function disposeQuietly(client: Client | null): void {
  if (client) Promise.resolve(client.dispose()).catch(() => {});
}

/** Exponential backoff with jitter, from about half a second up to `max`. */
function backoff(attempt: number, max: number): number {
  const base = Math.min(max, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export class Realtime {
  private client: Client | null = null;
  private readonly active = new Set<ActiveSubscription>();
  private readonly reconnectListeners = new Set<() => void>();
  private refreshBeforeConnect = false;
  private readonly maxRetryWaitMs: number;
  private readonly options: RealtimeOptions;

  constructor(options: RealtimeOptions) {
    this.options = options;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
  }

  /** Starts a subscription (now when signed in, else at the next sign-in); returns its unsubscribe. */
  subscribe(payload: SubscribePayload, sink: Sink<Result>): () => void {
    const entry: ActiveSubscription = { payload, sink, stop: null, failures: 0, timer: null };
    this.active.add(entry);
    this.start(entry);
    return () => {
      this.active.delete(entry);
      if (entry.timer) clearTimeout(entry.timer);
      entry.stop?.();
      entry.stop = null;
    };
  }

  /**
   * Ends the current session's connection. Subscriptions still open carry on over a new one with
   * the current credentials, or wait for the next sign-in when there are none.
   */
  restart(): void {
    const previous = this.client;
    this.client = null;
    this.refreshBeforeConnect = false;
    for (const entry of this.active) {
      entry.stop?.();
      entry.stop = null;
    }
    disposeQuietly(previous);
    for (const entry of this.active) this.start(entry);
  }

  /** Ends every subscription (without telling their sinks) and the connection, for good. */
  close(): void {
    for (const entry of this.active) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.stop?.();
    }
    this.active.clear();
    this.reconnectListeners.clear();
    disposeQuietly(this.client);
    this.client = null;
  }

  /** Calls back each time the connection comes back after a drop: events in between were missed. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** How many subscriptions are open (running or waiting). */
  get size(): number {
    return this.active.size;
  }

  private connect(): Client {
    const make = this.options.createClient ?? createClient;
    const client = make({
      url: this.options.url,
      lazy: true,
      lazyCloseTimeout: this.options.lazyCloseTimeoutMs ?? 3_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Every failure that graphql-ws does not consider fatal is worth another try, errors included.
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoff(retries, this.maxRetryWaitMs))),
      connectionParams: async () => {
        if (this.refreshBeforeConnect) {
          this.refreshBeforeConnect = false;
          await this.options.auth.refresh().catch(() => false);
        }
        const token = await this.options.auth.getAccessToken().catch(() => null);
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        closed: (event) => {
          if (isLikeCloseEvent(event) && event.code === TOKEN_REFUSED) this.refreshBeforeConnect = true;
        },
        connected: (_socket, _payload, wasRetry) => {
          if (!wasRetry) return;
          for (const listener of [...this.reconnectListeners]) listener();
        },
      },
      ...(this.options.webSocketImpl ? { webSocketImpl: this.options.webSocketImpl } : {}),
    });
    return client;
  }

  private start(entry: ActiveSubscription): void {
    if (this.options.auth.state.status !== 'signed-in' || entry.stop || entry.timer) return;
    const client = (this.client ??= this.connect());
    let stopped = false;
    const release = client.subscribe<Record<string, unknown>, Record<string, unknown>>(entry.payload, {
      next: (value) => {
        if (stopped) return;
        entry.failures = 0;
        entry.sink.next(value);
      },
      error: (error) => {
        if (stopped) return;
        entry.stop = null;
        // The connection was closed for good (e.g. credentials the server refused): try again later
        // while the session lasts, rather than leaving the page without live updates.
        if (isConnectionFailure(error) && this.active.has(entry) && this.options.auth.state.status === 'signed-in') {
          entry.failures += 1;
          entry.timer = setTimeout(() => {
            entry.timer = null;
            if (this.active.has(entry)) this.start(entry);
          }, backoff(entry.failures, this.maxRetryWaitMs));
          return;
        }
        this.active.delete(entry);
        entry.sink.error(error);
      },
      complete: () => {
        if (stopped) return;
        entry.stop = null;
        this.active.delete(entry);
        entry.sink.complete();
      },
    });
    entry.stop = () => {
      stopped = true;
      release();
    };
  }
}

/** ws: or wss: on the page's own host, at /graphql. */
export function realtimeUrl(location: Pick<Location, 'protocol' | 'host'>, path = '/graphql'): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
