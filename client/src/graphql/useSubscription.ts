/**
 * Live data in components: a GraphQL subscription from a generated document, delivered to a
 * callback. The events go through Apollo Client, so what they carry is written to the cache first
 * (a Notification by its id, NotificationCounts to the one the bell shows); `onData` does whatever
 * else the component needs, such as putting a new item at the top of a list.
 */
import type { ApolloCache, ErrorLike, OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { createContext, useContext, useEffect, useRef } from 'react';

export interface UseSubscriptionOptions<Data, Variables> {
  variables?: Variables;
  /** Does not subscribe while true. */
  skip?: boolean;
  /** Each event's data, after it was written to the cache. */
  onData(data: Data, cache: ApolloCache): void;
  /** The subscription ended with an error (the connection itself recovers on its own). */
  onError?(error: ErrorLike): void;
}

export function useSubscription<Data, Variables extends OperationVariables = OperationVariables>(
  document: TypedDocumentNode<Data, Variables>,
  options: UseSubscriptionOptions<Data, Variables>,
): void {
  const apollo = useApolloClient();
  const callbacks = useRef(options);
  useEffect(() => {
    callbacks.current = options;
  });
  const variables = JSON.stringify(options.variables ?? {});
  const skip = options.skip ?? false;
  useEffect(() => {
    if (skip) return;
    const subscription = apollo.subscribe<Data, Variables>({ query: document, variables: JSON.parse(variables) as Variables }).subscribe({
      next: (result) => {
        if (result.data) callbacks.current.onData(result.data as Data, apollo.cache);
        if (result.error) callbacks.current.onError?.(result.error);
      },
      error: (error: ErrorLike) => callbacks.current.onError?.(error),
    });
    return () => subscription.unsubscribe();
  }, [apollo, document, variables, skip]);
}

export interface RealtimeEvents {
  /** Calls back when the live connection is back after a drop; returns the unsubscribe function. */
  onReconnect(listener: () => void): () => void;
}

export const RealtimeEventsContext = createContext<RealtimeEvents>({ onReconnect: () => () => {} });

/**
 * Runs `callback` whenever the live connection comes back after a drop, so a component can read
 * again what it may have missed meanwhile.
 */
export function useRealtimeReconnect(callback: () => void): void {
  const events = useContext(RealtimeEventsContext);
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => events.onReconnect(() => latest.current()), [events]);
}
