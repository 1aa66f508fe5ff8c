/**
 * The web app's auth logic against the real platform: the gateway, identity and its refresh-token
 * rotation with reuse detection. Only the browser's storage and lock manager are stood in for.
 */
import { ApolloClient, HttpLink } from '@apollo/client';
import { AuthSession, RefreshUnavailableError, type CredentialStore, type StoredCredentials } from '../../src/auth/session.ts';
import { authLink, createCache } from '../../src/graphql/client.ts';
import { ViewerDocument } from '../../src/graphql/__generated__/operations.ts';
import { dataOf, startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { given, type SignedIn } from '../../../test/support/seed.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform.close();
});

function sharedStore(): CredentialStore & { value: StoredCredentials | null } {
  const store = {
    value: null as StoredCredentials | null,
    read: () => store.value,
    write: (credentials: StoredCredentials) => {
      store.value = credentials;
    },
    clear: () => {
      store.value = null;
    },
  };
  return store;
}

/** Exclusive named locks, as navigator.locks grants them to the tabs of one browser. */
function lockManager(): Pick<LockManager, 'request'> {
  const queues = new Map<string, Promise<unknown>>();
  return {
    request: ((name: string, callback: () => Promise<unknown>) => {
      const previous = queues.get(name) ?? Promise.resolve();
      const run = previous.then(callback, callback);
      queues.set(name, run.catch(() => undefined));
      return run;
    }) as LockManager['request'],
  };
}

function sessionFor(user: SignedIn, overrides: { accessToken?: string; expiresAt?: string } = {}) {
  return {
    __typename: 'Session' as const,
    accessToken: overrides.accessToken ?? user.accessToken,
    refreshToken: user.refreshToken,
    expiresAt: overrides.expiresAt ?? new Date(Date.now() + 15 * 60_000).toISOString(),
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    organizationId: user.organizationId,
  };
}

async function viewerEmail(token: string) {
  const result = await platform.graphql<{ viewer: { user: { email: string } } }>('{ viewer { user { email } } }', {}, { token });
  return dataOf(result).viewer.user.email;
}

describe('the web app session', () => {
  it('renews an access token about to expire, rotating the stored refresh token, and the new token works', async () => {
    const user = await given(platform).owner();
    const store = sharedStore();
    const auth = new AuthSession({ endpoint: `${platform.url}/graphql`, store });
    auth.begin(sessionFor(user, { expiresAt: new Date(Date.now() + 10_000).toISOString() }));

    const token = await auth.getAccessToken();

    expect(token).not.toBe(user.accessToken);
    expect(store.value?.refreshToken).not.toBe(user.refreshToken);
    expect(await viewerEmail(token!)).toBe(user.email);
  });

  it('sends one refresh for many simultaneous callers, so the server never sees a reused token', async () => {
    const user = await given(platform).owner();
    const store = sharedStore();
    const auth = new AuthSession({ endpoint: `${platform.url}/graphql`, store });
    auth.begin(sessionFor(user, { expiresAt: new Date(Date.now() - 1000).toISOString() }));

    const tokens = await Promise.all(Array.from({ length: 5 }, () => auth.getAccessToken()));

    expect(new Set(tokens).size).toBe(1);
    // Had any two refreshes used the same token, the server would have revoked the whole session.
    expect(await auth.refresh()).toBe(true);
    expect(await viewerEmail((await auth.getAccessToken())!)).toBe(user.email);
  });

  it('lets two tabs sharing the stored token take turns refreshing without tripping reuse detection', async () => {
    const user = await given(platform).owner();
    const store = sharedStore();
    const locks = lockManager();
    const firstTab = new AuthSession({ endpoint: `${platform.url}/graphql`, store, locks });
    firstTab.begin(sessionFor(user, { expiresAt: new Date(Date.now() - 1000).toISOString() }));
    const secondTab = new AuthSession({ endpoint: `${platform.url}/graphql`, store, locks });

    const [first, second] = await Promise.all([firstTab.getAccessToken(), secondTab.getAccessToken()]);

    expect(await viewerEmail(first!)).toBe(user.email);
    expect(await viewerEmail(second!)).toBe(user.email);
    expect(firstTab.state.status).toBe('signed-in');
    expect(secondTab.state.status).toBe('signed-in');
  });

  it('ends the session, and forgets the stored token, when the server refuses the refresh', async () => {
    const user = await given(platform).owner();
    const store = sharedStore();
    const auth = new AuthSession({ endpoint: `${platform.url}/graphql`, store });
    auth.begin(sessionFor(user));
    await platform.graphql('mutation { sessionRevoke(input: { everywhere: true }) { revokedSessions } }', {}, { token: user.accessToken });
    const states: string[] = [];
    auth.subscribe((state) => states.push(state.status === 'signed-out' ? `signed-out:${state.reason}` : state.status));

    expect(await auth.refresh()).toBe(false);

    expect(auth.state).toEqual({ status: 'signed-out', reason: 'expired' });
    expect(store.value).toBeNull();
    expect(states).toEqual(['signed-out:expired']);
  });

  it('keeps the session when the server cannot be reached, and says so', async () => {
    const user = await given(platform).owner();
    const store = sharedStore();
    const auth = new AuthSession({ endpoint: 'http://127.0.0.1:9/graphql', store });
    auth.begin(sessionFor(user, { expiresAt: new Date(Date.now() - 1000).toISOString() }));

    await expect(auth.getAccessToken()).rejects.toBeInstanceOf(RefreshUnavailableError);

    expect(auth.state.status).toBe('signed-in');
    expect(store.value?.refreshToken).toBe(user.refreshToken);
  });

  it('treats a stored refresh token past its expiry as signed out', () => {
    const store = sharedStore();
    store.value = { refreshToken: 'rt_old', refreshTokenExpiresAt: new Date(Date.now() - 1000).toISOString(), organizationId: 'org_x' };

    const auth = new AuthSession({ endpoint: `${platform.url}/graphql`, store });

    expect(auth.state).toEqual({ status: 'signed-out', reason: null });
    expect(store.value).toBeNull();
  });
});

describe('the GraphQL client', () => {
  it('renews the session and retries once when the gateway refuses the access token', async () => {
    const user = await given(platform).owner();
    const auth = new AuthSession({ endpoint: `${platform.url}/graphql`, store: sharedStore() });
    auth.begin(sessionFor(user, { accessToken: 'not-a-valid-token' }));
    const client = new ApolloClient({ link: authLink(auth).concat(new HttpLink({ uri: `${platform.url}/graphql` })), cache: createCache() });

    const { data } = await client.query({ query: ViewerDocument });

    expect(data?.viewer?.user?.email).toBe(user.email);
    expect(auth.state.status).toBe('signed-in');
  });

  it('signs out when the retry cannot renew the session', async () => {
    const user = await given(platform).owner();
    const auth = new AuthSession({ endpoint: `${platform.url}/graphql`, store: sharedStore() });
    auth.begin(sessionFor(user, { accessToken: 'not-a-valid-token' }));
    await platform.graphql('mutation { sessionRevoke(input: { everywhere: true }) { revokedSessions } }', {}, { token: user.accessToken });
    const client = new ApolloClient({ link: authLink(auth).concat(new HttpLink({ uri: `${platform.url}/graphql` })), cache: createCache() });

    await expect(client.query({ query: ViewerDocument })).rejects.toThrow();

    expect(auth.state).toEqual({ status: 'signed-out', reason: 'expired' });
  });
});
