import { HttpError, InternalCallError, type InternalClient, type KeyValueStore, type Logger } from '@platform/kit';
import type { Principal } from '@platform/schema';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The error codes of persisted operations, as Apollo's clients and routers know them. */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const PERSISTED_QUERY_NOT_ALLOWED = 'PERSISTED_QUERY_NOT_ALLOWED';

/** How long the gateway remembers a published operation's body (they never change under their id). */
const PUBLISHED_CACHE_MS = 10 * 60_000;
/** How long it remembers that an id is unknown, so a client retrying a bad id does not reach identity each time. */
const UNKNOWN_CACHE_MS = 10_000;
/** How long an automatic persisted query stays registered without use. */
const APQ_TTL_MS = 24 * 60 * 60_000;

const OPERATION_ID = /^[0-9a-f]{64}$/;

interface ManifestOperation {
  id: string;
  body: string;
}

/** Reads an Apollo persisted-query manifest (the web app's `client/persisted-operations.json`), checking every id. */
export function readManifest(path: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { format?: string; operations?: ManifestOperation[] };
  if (manifest.format !== 'apollo-persisted-query-manifest' || !Array.isArray(manifest.operations)) {
    throw new Error(`${path} is not an Apollo persisted-query manifest`);
  }
  const operations = new Map<string, string>();
  for (const { id, body } of manifest.operations) {
    if (createHash('sha256').update(body).digest('hex') !== id) throw new Error(`${path}: operation ${id} does not hash to its id; run npm run codegen`);
    operations.set(id, body);
  }
  return operations;
}

/** The operation a request names by id: Apollo's `extensions.persistedQuery.sha256Hash`, or `documentId`. */
function requestedId(request: Record<string, unknown>): string | null {
  const documentId = request.documentId;
  if (typeof documentId === 'string') return documentId.replace(/^sha256:/, '');
  const persisted = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

export interface PersistedOperationsOptions {
  internal: InternalClient;
  /** Identity's URL: it keeps third-party apps' published operations. */
  identityUrl: string;
  kv: KeyValueStore;
  /** Operations anyone may send by id: the web app's manifest. */
  trusted: ReadonlyMap<string, string>;
  logger: Logger;
}

/**
 * Persisted operations at the edge:
 * - an API key in safelist mode runs only its app's published operations, by id: a document sent as
 *   text is PERSISTED_QUERY_NOT_ALLOWED, an id its app never published PERSISTED_QUERY_NOT_FOUND;
 * - everyone else may send the web app's operations (trusted documents) or their own app's by id;
 * - automatic persisted queries (Apollo's protocol) work for every other request, registered in the
 *   shared key-value store so every gateway knows them (see `apqCache`).
 */
export class PersistedOperations {
  private readonly options: PersistedOperationsOptions;
  constructor(options: PersistedOperationsOptions) {
    this.options = options;
  }

  /**
   * The request with the document its id stands for filled in; unchanged when it names none that this
   * layer knows (Apollo's APQ then answers it). Accepts one request of a body (batches call it per entry).
   */
  async resolve(request: Record<string, unknown>, principal: Principal, requestId: string): Promise<Record<string, unknown>> {
    const client = principal.kind === 'apiKey' ? principal.client : null;
    const id = requestedId(request);
    const hasText = typeof request.query === 'string' && request.query.length > 0;
    if (client?.safelist) {
      if (hasText || id === null) {
        throw new HttpError(
          400,
          PERSISTED_QUERY_NOT_ALLOWED,
          `This API key runs only the operations its app '${client.name}' published. Send the operation's id (extensions.persistedQuery.sha256Hash, or documentId) instead of its document.`,
        );
      }
    }
    if (id === null) return request;
    if (!OPERATION_ID.test(id)) throw new HttpError(400, PERSISTED_QUERY_NOT_FOUND, 'An operation id is the SHA-256 of its document, in lower-case hex.');
    const body = (client?.safelist ? null : this.options.trusted.get(id)) ?? (client && principal.kind === 'apiKey' ? await this.published(principal.organizationId, client.name, id, requestId) : null);
    if (body === null) {
      if (client?.safelist) throw new HttpError(400, PERSISTED_QUERY_NOT_FOUND, `The app '${client.name}' has not published an operation with id '${id}'. Publish it with persistedOperationsPublish.`);
      return request;
    }
    if (hasText && request.query !== body) throw new HttpError(400, 'BAD_REQUEST', 'The document sent does not match the operation its id names.');
    const { extensions, documentId: _documentId, ...rest } = request;
    const { persistedQuery: _persistedQuery, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
    return { ...rest, query: body, ...(Object.keys(otherExtensions).length > 0 ? { extensions: otherExtensions } : {}) };
  }

  private async published(organizationId: string, clientName: string, id: string, requestId: string): Promise<string | null> {
    const key = `pq:${organizationId}:${clientName}:${id}`;
    const cached = await this.options.kv.get(key);
    if (cached !== null) return cached === '' ? null : cached;
    let found: { body: string | null };
    try {
      found = await this.options.internal.post<{ body: string | null }>(this.options.identityUrl, '/internal/persisted-operations/lookup', { organizationId, clientName, operationId: id }, { principal: { kind: 'anonymous' }, requestId });
    } catch (error) {
      this.options.logger.error({ err: error instanceof InternalCallError ? error.message : error, requestId }, 'could not look up a published operation');
      throw new HttpError(503, 'INTERNAL_SERVER_ERROR', 'Published operations cannot be read right now; retry in a moment.');
    }
    await this.options.kv.set(key, found.body ?? '', found.body === null ? UNKNOWN_CACHE_MS : PUBLISHED_CACHE_MS);
    return found.body;
  }
}

/** The shape of Apollo Server's `persistedQueries.cache` (a KeyValueCache of strings). */
export interface ApqCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

/** Apollo Server's APQ cache on the platform's key-value store: in process, or Redis shared by every gateway. */
export function apqCache(kv: KeyValueStore): ApqCache {
  return {
    async get(key) {
      return (await kv.get(`apq:${key}`)) ?? undefined;
    },
    async set(key, value, options) {
      await kv.set(`apq:${key}`, value, options?.ttl ? options.ttl * 1000 : APQ_TTL_MS);
    },
    async delete(key) {
      await kv.delete(`apq:${key}`);
      return true;
    },
  };
}
