/**
 * The app's one GraphQL client: a normalized cache, HTTP for queries and mutations, graphql-ws for
 * subscriptions, and authentication handled here and nowhere else.
 */
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError, split, type FieldPolicy } from '@apollo/client';
import { getMainDefinition } from '@apollo/client/utilities';
import { OperationTypeNode, print, type GraphQLFormattedError } from 'graphql';
import { catchError, defer, from, mergeMap, Observable, of, throwError } from 'rxjs';
import type { AuthSession } from '../auth/session.ts';
import { Realtime, realtimeUrl } from './realtime.ts';

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

/** The same field with any arguments but paging: one list per filter and page size. */
function pagedByArguments(keyArgs: string[]): FieldPolicy {
  return { ...connectionField(), keyArgs };
}

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      // One viewer per session; switching organization clears the store.
      Viewer: { keyFields: [] },
      Organization: {
        fields: { members: connectionField(), invitations: connectionField(), apiKeys: connectionField() },
      },
      // One list per key, extended by "load more".
      ApiKey: { fields: { publishedOperations: connectionField() } },
      // The same document may be published by two apps, in different versions: kept per key's list.
      PersistedOperation: { keyFields: false },
      Query: {
        fields: { notifications: pagedByArguments(['first', 'filter']), localMailbox: pagedByArguments(['first']) },
      },
      // The signed-in user's own, one of each per session: queries, mutation payloads and
      // subscription events all land on the same object.
      NotificationCounts: { keyFields: [] },
      NotificationPreferences: { keyFields: [] },
      NotificationPreference: { keyFields: ['kind', 'channel'] },
      NotificationChannelSetting: { keyFields: ['kind', 'channel'] },
      Session: { keyFields: false },
      UserError: { keyFields: false },
    },
  });
}

/**
 * Subscriptions through the app's Realtime connection, with failures shaped as Apollo's own
 * WebSocket link shapes them: GraphQL errors as CombinedGraphQLErrors, a lost socket as an Error.
 */
export function realtimeLink(realtime: Pick<Realtime, 'subscribe'>): ApolloLink {
  return new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) =>
        realtime.subscribe(
          { query: print(operation.query), variables: operation.variables, operationName: operation.operationName },
          {
            next: (result) => observer.next(result as ApolloLink.Result),
            complete: () => observer.complete(),
            error: (error: unknown) => {
              if (error instanceof Error) observer.error(error);
              else if (Array.isArray(error)) observer.error(new CombinedGraphQLErrors({ errors: error as GraphQLFormattedError[] }));
              else observer.error(new Error('The live connection to the server was closed'));
            },
          },
        ),
      ),
  );
}

export interface PlatformClient {
  apollo: ApolloClient;
  /** Ends the session's WebSocket; open subscriptions go on over a new one with the current credentials. */
  reconnectRealtime(): void;
  /** Calls back when the WebSocket is back after a drop; returns the unsubscribe function. */
  onRealtimeReconnect?(listener: () => void): () => void;
}

export function createPlatformClient(auth: AuthSession, options: { httpUrl?: string; wsUrl?: string } = {}): PlatformClient {
  const httpUrl = options.httpUrl ?? '/graphql';
  const http = new HttpLink({ uri: httpUrl });
  const realtime = new Realtime({ url: options.wsUrl ?? realtimeUrl(window.location), auth });
  const transport = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === OperationTypeNode.SUBSCRIPTION;
    },
    realtimeLink(realtime),
    http,
  );
  const apollo = new ApolloClient({
    link: ApolloLink.from([authLink(auth), transport]),
    cache: createCache(),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    apollo,
    reconnectRealtime: () => realtime.restart(),
    onRealtimeReconnect: (listener) => realtime.onReconnect(listener),
  };
}
