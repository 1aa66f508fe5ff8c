/**
 * Renders a piece of the app the way the app renders it: real i18n resources, the real cache and
 * auth session, a router; only the network is replaced, by Apollo's MockLink answering the
 * operations a test lists.
 */
import { ApolloClient, split } from '@apollo/client';
import { getMainDefinition } from '@apollo/client/utilities';
import { MockLink } from '@apollo/client/testing';
import { render } from '@testing-library/react';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { AuthProvider } from '../../src/auth/AuthProvider.tsx';
import { AuthSession, type CredentialStore, type StoredCredentials } from '../../src/auth/session.ts';
import { createCache, type PlatformClient } from '../../src/graphql/client.ts';
import { createI18n, type Language } from '../../src/i18n/index.ts';
import type { SubscriptionFeed } from './subscriptions.ts';

const LOCALES = join(import.meta.dirname, '..', '..', 'src', 'i18n', 'locales');

export function localeResources(): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const language of readdirSync(LOCALES)) {
    for (const file of readdirSync(join(LOCALES, language))) {
      (resources[language] ??= {})[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(LOCALES, language, file), 'utf8'));
    }
  }
  return resources;
}

export function memoryStore(initial: StoredCredentials | null = null): CredentialStore & { value: StoredCredentials | null } {
  const store = {
    value: initial,
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

export interface RenderOptions {
  mocks?: MockLink.MockedResponse[];
  /** Where the router starts; default '/'. */
  path?: string;
  /** The route pattern the element is mounted at; default the path without its query. */
  routePath?: string;
  language?: Language;
  signedIn?: boolean;
  /** More routes beside the element's, e.g. where it navigates to. */
  routes?: RouteObject[];
  /** Where subscriptions go; without it they reach MockLink, which has no answer for them. */
  subscriptions?: SubscriptionFeed;
}

export async function renderWithApp(element: ReactElement, options: RenderOptions = {}) {
  const i18n = await createI18n(options.language ?? 'en', localeResources());
  const store = memoryStore(
    options.signedIn ? { refreshToken: 'rt_test', refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(), organizationId: 'org_test' } : null,
  );
  const session = new AuthSession({ endpoint: 'http://test.invalid/graphql', store, fetch: () => Promise.reject(new Error('no network in component tests')) });
  const http = new MockLink(options.mocks ?? []);
  const link = options.subscriptions
    ? split(({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      }, options.subscriptions.link, http)
    : http;
  const apollo = new ApolloClient({ link, cache: createCache() });
  const client: PlatformClient = { apollo, reconnectRealtime: () => {} };
  const path = options.path ?? '/';
  const router = createMemoryRouter(
    [{ path: options.routePath ?? path.split('?')[0], element }, ...(options.routes ?? [{ path: '*', element: <p>elsewhere</p> }])],
    { initialEntries: [path] },
  );
  const view = render(
    <I18nextProvider i18n={i18n}>
      <AuthProvider session={session} client={client}>
        <RouterProvider router={router} />
      </AuthProvider>
    </I18nextProvider>,
  );
  return { ...view, session, store, router, i18n, apollo };
}
