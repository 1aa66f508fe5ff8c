/**
 * Subscribers for the fan-out benchmark (forked by bench/fanout.bench.ts): real graphql-ws clients over
 * the `ws` WebSocket, one connection and one `notificationReceived` subscription each. Every event
 * carries its publish instant in `body`; each arrival is timed against it and counted per subscriber,
 * so a repeat or a miss shows.
 */
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';

export type ClientsRequest =
  | { type: 'connect'; urls: string[]; tokens: string[]; concurrency: number }
  | { type: 'report'; eventIds: string[] }
  | { type: 'close' };

const QUERY = 'subscription Fanout { notificationReceived { id body } }';

interface EventTally {
  latencies: number[];
  /** Deliveries per subscriber: 1 is right, 0 missing, more is a repeat. */
  deliveries: Uint16Array;
}

const clients: Client[] = [];
const tallies = new Map<string, EventTally>();
let urlCount = 1;
let failures = 0;
let firstFailure: string | null = null;

function arrived(index: number, data: { notificationReceived?: { id: string; body: string } } | null | undefined): void {
  const now = performance.timeOrigin + performance.now();
  const event = data?.notificationReceived;
  if (!event) return;
  let tally = tallies.get(event.id);
  if (!tally) tallies.set(event.id, (tally = { latencies: [], deliveries: new Uint16Array(clients.length) }));
  tally.deliveries[index] = (tally.deliveries[index] ?? 0) + 1;
  if (tally.deliveries[index] === 1) tally.latencies.push(now - Number(event.body));
}

function fail(reason: unknown): void {
  failures += 1;
  firstFailure ??= String((reason as { reason?: string; message?: string })?.reason ?? (reason as Error)?.message ?? reason);
}

async function connectOne(index: number, url: string, token: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const client = createClient({
      url: url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      onNonLazyError: (error) => {
        fail(error);
        resolve();
      },
      on: { connected: () => resolve() },
    });
    clients[index] = client;
    client.subscribe<{ notificationReceived: { id: string; body: string } }>({ query: QUERY }, { next: (result) => arrived(index, result.data), error: fail, complete: () => {} });
  });
}

process.on('message', (request: ClientsRequest) => {
  void (async () => {
    switch (request.type) {
      case 'connect': {
        const { urls, tokens, concurrency } = request;
        urlCount = urls.length;
        let next = 0;
        const worker = async () => {
          while (next < tokens.length) {
            const index = next++;
            await connectOne(index, urls[index % urls.length]!, tokens[index]!);
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
        process.send!({ type: 'connected', connected: tokens.length - failures, failures, firstFailure });
        break;
      }
      case 'report': {
        const events = request.eventIds.map((id) => {
          const tally = tallies.get(id);
          let repeated = 0;
          let missing = 0;
          // Subscribers that got it, by the gateway they are connected to (the order of `urls`).
          const deliveredByUrl = new Array<number>(urlCount).fill(0);
          for (let index = 0; index < clients.length; index += 1) {
            const count = tally?.deliveries[index] ?? 0;
            if (count === 0) missing += 1;
            else deliveredByUrl[index % urlCount]! += 1;
            if (count > 1) repeated += count - 1;
          }
          return { id, deliveredByUrl, repeated, missing, latencies: tally?.latencies ?? [] };
        });
        process.send!({ type: 'report', events, failures, firstFailure });
        break;
      }
      case 'close':
        await Promise.allSettled(clients.map((client) => client.dispose()));
        process.exit(0);
    }
  })();
});

process.send!({ type: 'ready' });
