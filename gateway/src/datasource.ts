import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ENVELOPE_HEADER, SIGNATURE_HEADER, signEncodedEnvelope, type InternalFetch } from '@platform/kit';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { GatewayContext } from './context.ts';

/**
 * Keep-alive connections to the subgraphs. Idle sockets are dropped after 4 s, well before the
 * subgraphs' 65 s keep-alive timeout, so a request never lands on a socket the server is closing
 * (the "socket hang up" of federation issue 2313).
 */
export function createSubgraphAgent(timeoutMs: number): Agent {
  return new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 30_000, connections: 128, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

type FetcherInit = { method?: string; headers?: Record<string, string> | Iterable<[string, string]>; body?: string };

/**
 * The gateway's fetcher: signs every subgraph request (the principal envelope bound to the exact body)
 * and sends it over the keep-alive agent.
 */
export function createSigningFetcher(secret: string, dispatcher: Dispatcher) {
  return async (url: string, init: FetcherInit = {}) => {
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    const envelope = headers.get(ENVELOPE_HEADER);
    const body = init.body ?? '';
    if (envelope) headers.set(SIGNATURE_HEADER, signEncodedEnvelope(secret, envelope, body));
    return undiciFetch(url, { method: init.method ?? 'POST', headers, body, dispatcher });
  };
}

/** fetch over the keep-alive agent, for the internal client (API key verification, edge routes). */
export function createInternalFetch(dispatcher: Dispatcher): InternalFetch {
  return async (url, init) => (await undiciFetch(url, { ...init, dispatcher })) as unknown as Response;
}

/** Carries the request id and the principal envelope to every subgraph call of an operation. */
export class PlatformDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!context?.envelope) return;
    request.http?.headers.set(ENVELOPE_HEADER, context.envelope);
    request.http?.headers.set('x-request-id', context.requestId);
  }
}
