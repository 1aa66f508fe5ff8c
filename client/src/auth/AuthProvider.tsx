import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { LogOutDocument, OrganizationSwitchDocument, type SessionFieldsFragment } from '../graphql/__generated__/operations.ts';
import type { PlatformClient } from '../graphql/client.ts';
import type { UserErrorLike } from '../graphql/errors.ts';
import { RealtimeEventsContext, type RealtimeEvents } from '../graphql/useSubscription.ts';
import type { AuthSession, AuthState } from './session.ts';

interface AuthContextValue {
  state: AuthState;
  /** Starts a session from what a log-in, sign-up or accepted invitation returned. */
  signIn(session: SessionFieldsFragment): Promise<void>;
  /** Revokes the session on the server (best effort) and forgets it here. */
  signOut(options?: { everywhere?: boolean }): Promise<void>;
  /** Moves the session to another of the user's organizations; returns the server's userErrors. */
  switchOrganization(organizationId: string): Promise<readonly UserErrorLike[]>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ session, client, children }: { session: AuthSession; client: PlatformClient; children: ReactNode }) {
  const [state, setState] = useState(session.state);
  useEffect(() => session.subscribe(setState), [session]);

  // Whatever ended the session (log-out here or in another tab, a refused refresh), drop what it could see.
  useEffect(() => {
    if (state.status === 'signed-out') {
      client.reconnectRealtime();
      void client.apollo.clearStore();
    }
  }, [client, state.status]);

  const signIn = useCallback(
    async (credentials: SessionFieldsFragment) => {
      await client.apollo.clearStore();
      session.begin(credentials);
      client.reconnectRealtime();
    },
    [client, session],
  );

  const signOut = useCallback(
    async (options: { everywhere?: boolean } = {}) => {
      try {
        await client.apollo.mutate({ mutation: LogOutDocument, variables: { input: { everywhere: options.everywhere ?? false } } });
      } catch {
        // Signing out here must work even when the server cannot be reached.
      }
      session.end('user');
    },
    [client, session],
  );

  const switchOrganization = useCallback(
    async (organizationId: string) => {
      const { data } = await client.apollo.mutate({ mutation: OrganizationSwitchDocument, variables: { input: { organizationId } } });
      const payload = data?.sessionSwitchOrganization;
      if (payload?.session) {
        session.begin(payload.session);
        client.reconnectRealtime();
        await client.apollo.resetStore();
        return [];
      }
      return payload?.userErrors ?? [];
    },
    [client, session],
  );

  const value = useMemo(() => ({ state, signIn, signOut, switchOrganization }), [state, signIn, signOut, switchOrganization]);
  const realtimeEvents = useMemo<RealtimeEvents>(() => ({ onReconnect: (listener) => client.onRealtimeReconnect?.(listener) ?? (() => {}) }), [client]);
  return (
    <AuthContext.Provider value={value}>
      <RealtimeEventsContext.Provider value={realtimeEvents}>
        <ApolloProvider client={client.apollo}>{children}</ApolloProvider>
      </RealtimeEventsContext.Provider>
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth() needs an <AuthProvider> above it');
  return value;
}
