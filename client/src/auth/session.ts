/**
 * The web app's credentials, in one place. The access token lives only in memory; the single-use
 * refresh token is kept in storage so that a reload or a new tab stays signed in. Refreshing is
 * serialized (within the tab, and across tabs where the Web Locks API exists) because the server
 * revokes the whole session when a refresh token is used twice.
 */
import { print } from 'graphql';
import { SessionRefreshDocument, type SessionFieldsFragment, type SessionRefreshMutation } from '../graphql/__generated__/operations.ts';

export interface StoredCredentials {
  refreshToken: string;
  refreshTokenExpiresAt: string;
  organizationId: string;
}

/** Where the refresh token survives reloads; `localStorage` in the browser. */
export interface CredentialStore {
  read(): StoredCredentials | null;
  write(credentials: StoredCredentials): void;
  clear(): void;
  /** Calls back when another tab changes the stored credentials; returns the unsubscribe function. */
  watch?(onChange: () => void): () => void;
}

export type SignOutReason = 'user' | 'expired';

export type AuthState =
  | { status: 'signed-out'; reason: SignOutReason | null }
  | { status: 'signed-in'; organizationId: string };

export interface AuthSessionOptions {
  /** The GraphQL endpoint the refresh goes to; the same one the app queries. */
  endpoint: string;
  store: CredentialStore;
  fetch?: typeof fetch;
  /** Serializes refreshes across tabs; `navigator.locks` in the browser. */
  locks?: Pick<LockManager, 'request'>;
  now?: () => number;
  /** Refresh this long before the access token expires; default 30 s. */
  refreshMarginMs?: number;
}

/** The server could not be reached or failed: the session may still be good, so it is kept. */
export class RefreshUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The server could not be reached to renew the session.', { cause });
    this.name = 'RefreshUnavailableError';
  }
}

const REFRESH_DOCUMENT = print(SessionRefreshDocument);

export class AuthSession {
  private accessToken: string | null = null;
  private accessTokenExpiresAt = 0;
  private current: AuthState;
  private readonly listeners = new Set<(state: AuthState) => void>();
  private inFlight: Promise<boolean> | null = null;
  private readonly options: Required<Omit<AuthSessionOptions, 'locks'>> & Pick<AuthSessionOptions, 'locks'>;

  constructor(options: AuthSessionOptions) {
    this.options = { fetch: (input, init) => globalThis.fetch(input, init), now: Date.now, refreshMarginMs: 30_000, ...options };
    const stored = this.usableStoredCredentials();
    this.current = stored ? { status: 'signed-in', organizationId: stored.organizationId } : { status: 'signed-out', reason: null };
    // Another tab signed out (or in elsewhere): follow it.
    this.options.store.watch?.(() => {
      const now = this.usableStoredCredentials();
      if (!now && this.current.status === 'signed-in') this.end('user');
      else if (now && (this.current.status === 'signed-out' || this.current.organizationId !== now.organizationId)) {
        this.accessToken = null;
        this.update({ status: 'signed-in', organizationId: now.organizationId });
      }
    });
  }

  get state(): AuthState {
    return this.current;
  }

  subscribe(listener: (state: AuthState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes the credentials a log-in, sign-up, invitation or organization switch returned. */
  begin(session: SessionFieldsFragment): void {
    this.accessToken = session.accessToken;
    this.accessTokenExpiresAt = Date.parse(session.expiresAt);
    this.options.store.write({
      refreshToken: session.refreshToken,
      refreshTokenExpiresAt: session.refreshTokenExpiresAt,
      organizationId: session.organizationId,
    });
    this.update({ status: 'signed-in', organizationId: session.organizationId });
  }

  /**
   * A usable access token: the one in memory, or a fresh one when it is missing or about to expire.
   * Null when signed out. Throws RefreshUnavailableError when the server cannot be reached.
   */
  async getAccessToken(): Promise<string | null> {
    if (this.current.status === 'signed-out') return null;
    if (this.accessToken && this.accessTokenExpiresAt - this.options.refreshMarginMs > this.options.now()) return this.accessToken;
    return (await this.refresh()) ? this.accessToken : null;
  }

  /**
   * Trades the stored refresh token for new credentials. Resolves false (and signs out) when the
   * server refuses it; concurrent callers share one request.
   */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.refreshSerialized().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Forgets the credentials here and in storage; the caller revokes the session on the server first. */
  end(reason: SignOutReason): void {
    this.accessToken = null;
    this.accessTokenExpiresAt = 0;
    this.options.store.clear();
    if (this.current.status !== 'signed-out' || this.current.reason !== reason) this.update({ status: 'signed-out', reason });
  }

  private async refreshSerialized(): Promise<boolean> {
    const { locks } = this.options;
    if (!locks) return this.refreshNow();
    return locks.request('platform-session-refresh', () => this.refreshNow());
  }

  private async refreshNow(): Promise<boolean> {
    // Read inside the lock: another tab may have rotated the token a moment ago.
    const stored = this.usableStoredCredentials();
    if (!stored) {
      this.end('expired');
      return false;
    }
    let response: Response;
    try {
      response = await this.options.fetch(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ operationName: 'SessionRefresh', query: REFRESH_DOCUMENT, variables: { input: { refreshToken: stored.refreshToken } } }),
      });
    } catch (error) {
      throw new RefreshUnavailableError(error);
    }
    if (response.status >= 500 || response.status === 429) throw new RefreshUnavailableError(new Error(`HTTP ${response.status}`));
    let body: { data?: SessionRefreshMutation | null };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new RefreshUnavailableError(error);
    }
    const session = body.data?.sessionRefresh.session;
    if (!session) {
      this.end('expired');
      return false;
    }
    this.begin(session);
    return true;
  }

  private usableStoredCredentials(): StoredCredentials | null {
    const stored = this.options.store.read();
    if (!stored) return null;
    if (Date.parse(stored.refreshTokenExpiresAt) <= this.options.now()) {
      this.options.store.clear();
      return null;
    }
    return stored;
  }

  private update(state: AuthState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}

const STORAGE_KEY = 'platform.session';

/** The browser's store: localStorage, with other tabs' changes reported through the storage event. */
export function browserCredentialStore(storage: Storage = window.localStorage): CredentialStore {
  return {
    read() {
      try {
        const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as StoredCredentials | null;
        return value && typeof value.refreshToken === 'string' && typeof value.organizationId === 'string' ? value : null;
      } catch {
        return null;
      }
    },
    write(credentials) {
      storage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    },
    clear() {
      storage.removeItem(STORAGE_KEY);
    },
    watch(onChange) {
      const listener = (event: StorageEvent) => {
        if (event.key === STORAGE_KEY || event.key === null) onChange();
      };
      window.addEventListener('storage', listener);
      return () => window.removeEventListener('storage', listener);
    },
  };
}
