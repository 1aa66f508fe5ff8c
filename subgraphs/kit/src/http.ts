import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Reads the whole body as text, refusing more than `limitBytes` without buffering the excess. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  return (await readBodyBytes(request, limitBytes)).toString('utf8');
}

/** Reads the whole body as the exact bytes sent (a signed webhook), refusing more than `limitBytes`. */
export async function readBodyBytes(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new HttpError(413, 'BAD_REQUEST', `Request body is larger than ${limitBytes} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new HttpError(413, 'BAD_REQUEST', `Request body is larger than ${limitBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

/** A GraphQL-over-HTTP error response for a request that never reached execution. */
export function sendRequestError(response: ServerResponse, error: HttpError, headers: Record<string, string> = {}): void {
  sendJson(response, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, headers);
}

export interface ParsedGraphQLBody {
  body: unknown;
  text: string;
}

/**
 * Reads a GraphQL request body per the GraphQL-over-HTTP spec: JSON only (415 otherwise), malformed
 * JSON is a 400. GET requests carry no body.
 */
export async function readGraphQLBody(request: IncomingMessage, limitBytes: number): Promise<ParsedGraphQLBody> {
  if (request.method !== 'POST') return { body: undefined, text: '' };
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await readBody(request, limitBytes);
  if (contentType !== 'application/json' && contentType !== 'application/graphql-response+json') {
    throw new HttpError(415, 'BAD_REQUEST', "Unsupported content type: send 'application/json'.");
  }
  try {
    return { body: JSON.parse(text) as unknown, text };
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
}

export function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Hands a parsed request to Apollo Server and writes its answer. */
export async function executeWithApollo<Context extends BaseContext>(
  server: ApolloServer<Context>,
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
  context: ContextThunk<Context>,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers: toHeaderMap(request), search: url.search, body },
    context,
  });
  const headers: Record<string, string> = { ...extraHeaders };
  for (const [name, value] of result.headers) headers[name] = value;
  response.statusCode = result.status ?? 200;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

export function clientIpOf(request: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? null;
}
