/**
 * The server's side of subscriptions in component tests: a link that holds every open subscription
 * by operation name, so a test can push an event to one of them as the gateway would.
 */
import { ApolloLink } from '@apollo/client';
import { Observable, type Subscriber } from 'rxjs';

export class SubscriptionFeed {
  private readonly open = new Map<string, Set<Subscriber<ApolloLink.Result>>>();

  readonly link = new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((subscriber) => {
        const name = operation.operationName ?? '';
        const subscribers = this.open.get(name) ?? new Set();
        this.open.set(name, subscribers);
        subscribers.add(subscriber);
        return () => subscribers.delete(subscriber);
      }),
  );

  /** How many subscribers an operation has now. */
  count(operationName: string): number {
    return this.open.get(operationName)?.size ?? 0;
  }

  /** Sends one event to every subscriber of the operation; fails when nobody listens. */
  emit(operationName: string, data: Record<string, unknown>): void {
    const subscribers = this.open.get(operationName);
    if (!subscribers || subscribers.size === 0) throw new Error(`Nobody is subscribed to ${operationName}`);
    for (const subscriber of [...subscribers]) subscriber.next({ data });
  }
}
