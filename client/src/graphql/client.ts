/**
 * The app's one GraphQL client: a normalized cache, HTTP for queries and mutations, graphql-ws for
 * subscriptions, and authentication handled here and nowhere else.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, ServerError, split, type FieldPolicy } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { OperationTypeNode } from 'graphql';
import { catchError, defer, from, mergeMap, of, throwError, type Observable } from 'rxjs';
import type { AuthSession } from '../auth/session.ts';

type Result = ApolloLink.Result;

function hasUnauthenticatedError(result: Result): boolean {
  const errors = 'errors' in result ? result.errors : undefined;
  return Array.isArray(errors) && errors.some((error) => error.extensions?.['code'] === 'UNAUTHENTICATED');
}

/**
 * Puts a fresh access token on every request. When the server still answers UNAUTHENTICATED (the
 * token was revoked, say), refreshes once and retries; when the refresh is refused the session
 * ends. When the server cannot be reached to refresh, the operation fails with
 * RefreshUnavailableError and the session is kept for the next try.
 */
export function authLink(auth: AuthSession): ApolloLink {
  return new ApolloLink((operation, forward) => {
    const attempt = (retried: boolean): Observable<Result> =>
      defer(() => from(auth.getAccessToken())).pipe(
        mergeMap((token) => {
          operation.setContext(({ headers }: { headers?: Record<string, string> }) => {
            const next = { ...headers };
            if (token) next['authorization'] = `Bearer ${token}`;
            else delete next['authorization'];
            return { headers: next };
          });
          return forward(operation);
        }),
        mergeMap((result) => (!retried && auth.state.status === 'signed-in' && hasUnauthenticatedError(result) ? retry(result) : of(result))),
        catchError((error: unknown) =>
          !retried && auth.state.status === 'signed-in' && ServerError.is(error) && error.statusCode === 401 ? retry(error) : throwError(() => error),
        ),
      );
    const retry = (failure: Result | unknown): Observable<Result> =>
      from(auth.refresh()).pipe(
        mergeMap((renewed) => {
          if (renewed) return attempt(true);
          return isResult(failure) ? of(failure) : throwError(() => failure);
        }),
      );
    return attempt(false);
  });
}

function isResult(value: unknown): value is Result {
  return typeof value === 'object' && value !== null && ('data' in value || 'errors' in value);
}

/**
 * A cursor connection read page by page with `fetchMore`: pages after the first are appended.
 * Lists are keyed without their paging arguments so that "load more" extends the same list.
 */
function connectionField(): FieldPolicy {
  return {
    keyArgs: false,
    merge(existing: { nodes?: unknown[] } | undefined, incoming: { nodes?: unknown[] }, { args }) {
      if (!existing || !args?.['after']) return incoming;
      return { ...incoming, nodes: [...(existing.nodes ?? []), ...(incoming.nodes ?? [])] };
    },
  };
}

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      // One viewer per session; switching organization clears the store.
      Viewer: { keyFields: [] },
      Organization: {
        fields: { members: connectionField(), invitations: connectionField(), apiKeys: connectionField() },
      },
      Session: { keyFields: false },
      UserError: { keyFields: false },
    },
  });
}

export interface PlatformClient {
  apollo: ApolloClient;
  /** Closes the WebSocket so the next subscription connects with the current credentials. */
  reconnectRealtime(): void;
}

export function createPlatformClient(auth: AuthSession, options: { httpUrl?: string; wsUrl?: string } = {}): PlatformClient {
  const httpUrl = options.httpUrl ?? '/graphql';
  const wsUrl = options.wsUrl ?? `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/graphql`;
  const http = new HttpLink({ uri: httpUrl });
  let ws: WsClient | null = null;
  const realtime = new GraphQLWsLink(
    (ws = createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: 5,
      connectionParams: async () => {
        const token = await auth.getAccessToken().catch(() => null);
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    })),
  );
  const transport = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === OperationTypeNode.SUBSCRIPTION;
    },
    realtime,
    http,
  );
  const apollo = new ApolloClient({
    link: ApolloLink.from([authLink(auth), transport]),
    cache: createCache(),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    apollo,
    reconnectRealtime() {
      ws?.terminate();
    },
  };
}
