import type { Principal } from '@platform/schema';
import { ENVELOPE_HEADER, SIGNATURE_HEADER, encodeEnvelope, signEncodedEnvelope, type SignedBody } from './signing.ts';

/** The subset of fetch the client uses; the gateway passes one bound to its keep-alive agent. */
export type InternalFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: SignedBody; signal: AbortSignal },
) => Promise<Response>;

export interface InternalClientOptions {
  /** INTERNAL_SIGNING_SECRET: the subgraphs refuse anything not signed with it. */
  secret: string;
  /** Default the global fetch. */
  fetch?: InternalFetch;
  /** The longest a call may take, answer included; default 10 s. */
  timeoutMs?: number;
  /** Stamped on the envelope; default 'platform'. */
  userAgent?: string;
}

export interface InternalCallOptions {
  /** Who the call is made for; anonymous for the platform's own work (a webhook, a scheduler). */
  principal: Principal;
  requestId: string;
  clientIp?: string | null;
  /** The end user's client, when the call is made for one; default the client's own userAgent. */
  userAgent?: string | null;
  /** Extra request headers (a webhook's signature); the envelope and signature headers cannot be overridden. */
  headers?: Record<string, string>;
  /** Default application/json. */
  contentType?: string;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
}

export type InternalCallFailure = 'UNREACHABLE' | 'TIMEOUT' | 'HTTP_STATUS' | 'BAD_RESPONSE';

/**
 * An internal call that failed. The message names the route and what went wrong, never the address
 * of the service (those stay out of logs that reach clients and out of GraphQL errors).
 */
export class InternalCallError extends Error {
  readonly reason: InternalCallFailure;
  readonly path: string;
  /** The HTTP status, when the service answered. */
  readonly status: number | undefined;
  constructor(reason: InternalCallFailure, path: string, message: string, status?: number) {
    super(message);
    this.name = 'InternalCallError';
    this.reason = reason;
    this.path = path;
    this.status = status;
  }
}

export interface InternalClient {
  /** Sends `body` as JSON and returns the parsed JSON answer; anything but a 2xx is an InternalCallError. */
  post<Result = unknown>(baseUrl: string, path: string, body: unknown, options: InternalCallOptions): Promise<Result>;
  /**
   * Sends `body` exactly as given and returns the response whatever its status, the body unread (to
   * relay or stream it). Only failing to get an answer at all is an InternalCallError.
   */
  send(baseUrl: string, path: string, body: SignedBody, options: InternalCallOptions): Promise<Response>;
}

/** `http://host:4002/graphql` + `/internal/x` -> `http://host:4002/internal/x`. */
function routeUrl(baseUrl: string, path: string): string {
  if (!path.startsWith('/internal/') && path !== '/graphql') throw new Error(`'${path}' is not an internal route`);
  return new URL(path, baseUrl.replace(/\/graphql\/?$/, '/')).toString();
}

function transportFailure(error: unknown, path: string): InternalCallError {
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new InternalCallError('TIMEOUT', path, `The internal call to ${path} timed out.`);
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? ` (${cause.code})` : '';
  return new InternalCallError('UNREACHABLE', path, `The internal call to ${path} could not reach the service${code}.`);
}

/**
 * Calls another platform service's signed internal routes, with the same envelope and signature the
 * gateway puts on every subgraph request.
 */
export function createInternalClient(options: InternalClientOptions): InternalClient {
  // The cast bridges Node's and the DOM's typings of a byte body (the web app's tests type-check with both).
  const fetcher: InternalFetch = options.fetch ?? ((url, init) => fetch(url, { ...init, body: init.body as RequestInit['body'] }));
  const defaultTimeout = options.timeoutMs ?? 10_000;

  async function send(baseUrl: string, path: string, body: SignedBody, call: InternalCallOptions): Promise<Response> {
    const url = routeUrl(baseUrl, path);
    const envelope = encodeEnvelope({
      principal: call.principal,
      requestId: call.requestId,
      clientIp: call.clientIp ?? null,
      userAgent: call.userAgent ?? options.userAgent ?? 'platform',
      issuedAt: Date.now(),
    });
    const headers: Record<string, string> = {
      'content-type': call.contentType ?? 'application/json',
      ...call.headers,
      'x-request-id': call.requestId,
      [ENVELOPE_HEADER]: envelope,
      [SIGNATURE_HEADER]: signEncodedEnvelope(options.secret, envelope, body),
    };
    try {
      return await fetcher(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(call.timeoutMs ?? defaultTimeout) });
    } catch (error) {
      throw transportFailure(error, path);
    }
  }

  return {
    send,
    async post<Result>(baseUrl: string, path: string, body: unknown, call: InternalCallOptions): Promise<Result> {
      const response = await send(baseUrl, path, JSON.stringify(body), call);
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw transportFailure(error, path);
      }
      if (!response.ok) throw new InternalCallError('HTTP_STATUS', path, `The internal call to ${path} answered ${response.status}.`, response.status);
      try {
        return JSON.parse(text) as Result;
      } catch {
        throw new InternalCallError('BAD_RESPONSE', path, `The internal call to ${path} answered something other than JSON.`, response.status);
      }
    },
  };
}
