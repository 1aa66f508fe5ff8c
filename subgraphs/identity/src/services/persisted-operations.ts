import { DomainService, newId, paginate, UserInputError, validateInput, type Connection, type PageArguments, type UserError } from '@platform/kit';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';
import { Organization, PersistedOperation } from '../entities/index.ts';
import { requireAuthenticated, sha256, type IdentityDeps } from './support.ts';

/** An app's name as keys and manifests use it: lower case, digits, dot, dash, underscore. */
export const CLIENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** The most operations one publish may carry; a web app's whole manifest fits many times over. */
export const MAX_OPERATIONS_PER_PUBLISH = 1_000;
/** The largest document accepted, in bytes: the gateway's own document limit is far below it. */
export const MAX_OPERATION_BYTES = 100 * 1024;
const OPERATION_ID = /^[0-9a-f]{64}$/;

const publishInput = z.object({
  clientName: z.string().trim().regex(CLIENT_NAME, 'Use 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.'),
  clientVersion: z.string().trim().min(1, 'Give the version of the app that publishes.').max(64, 'Use at most 64 characters.'),
  operations: z
    .array(
      z.object({
        id: z.string(),
        body: z.string().min(1, 'The operation has no document.'),
        name: z.string().nullish(),
        type: z.string().nullish(),
      }),
    )
    .min(1, 'Publish at least one operation.')
    .max(MAX_OPERATIONS_PER_PUBLISH, `Publish at most ${MAX_OPERATIONS_PER_PUBLISH} operations at a time.`),
});

interface CheckedOperation {
  id: string;
  body: string;
  name: string | null;
  type: string;
}

/** The single operation of a document, or the reason it cannot be published. */
function operationOf(body: string): OperationDefinitionNode | string {
  let document: DocumentNode;
  try {
    document = parse(body, { noLocation: true });
  } catch (error) {
    return `The document does not parse: ${(error as Error).message}`;
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return `A published document holds exactly one operation (it may add fragments); this one holds ${operations.length}.`;
  if (document.definitions.some((definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION)) {
    return 'A published document holds an operation and its fragments, nothing else.';
  }
  return operations[0]!;
}

export class PersistedOperationService extends DomainService<IdentityDeps> {
  /**
   * Publishes an app's operations (its trusted documents). Each id must be the SHA-256 of its body,
   * hex, as in Apollo's manifests, so `client/persisted-operations.json`'s `operations` can be sent
   * as is. All or nothing: one bad operation refuses the whole publish. Operations already
   * published under the same id are left as they are.
   */
  async publish(input: unknown): Promise<{ published: number; alreadyPublished: number }> {
    const principal = requireAuthenticated(this.context);
    const { clientName, clientVersion, operations } = validateInput(publishInput, input);
    const problems: UserError[] = [];
    const checked: CheckedOperation[] = [];
    const seen = new Set<string>();
    operations.forEach((operation, index) => {
      const field = ['input', 'operations', String(index)];
      if (Buffer.byteLength(operation.body) > MAX_OPERATION_BYTES) {
        problems.push({ code: 'INVALID', message: `Operation ${index} is larger than ${MAX_OPERATION_BYTES} bytes.`, field: [...field, 'body'] });
        return;
      }
      const expected = sha256(operation.body);
      if (!OPERATION_ID.test(operation.id) || operation.id !== expected) {
        problems.push({
          code: 'PERSISTED_QUERY_HASH_MISMATCH',
          message: `Operation ${index}'s id '${operation.id.slice(0, 80)}' is not the SHA-256 of its body (that would be '${expected}').`,
          field: [...field, 'id'],
        });
        return;
      }
      const definition = operationOf(operation.body);
      if (typeof definition === 'string') {
        problems.push({ code: 'INVALID_DOCUMENT', message: `Operation ${index}: ${definition}`, field: [...field, 'body'] });
        return;
      }
      const name = definition.name?.value ?? null;
      if (operation.name && operation.name !== name) {
        problems.push({ code: 'INVALID', message: `Operation ${index} is named '${operation.name}' but its document names '${name ?? '(none)'}'.`, field: [...field, 'name'] });
        return;
      }
      if (seen.has(operation.id)) return;
      seen.add(operation.id);
      checked.push({ id: operation.id, body: operation.body, name, type: definition.operation });
    });
    if (problems.length > 0) throw new UserInputError(problems);

    const { em } = this.context;
    const existing = new Set(
      (await em.find(PersistedOperation, { clientName, operationId: { $in: checked.map((operation) => operation.id) } }, { fields: ['operationId'] })).map((row) => row.operationId),
    );
    const organization = em.getReference(Organization, this.context.organizationId!);
    const publishedBy = principal.kind === 'user' ? principal.userId : principal.kind === 'apiKey' ? principal.apiKeyId : principal.kind;
    const fresh = checked.filter((operation) => !existing.has(operation.id));
    const now = new Date();
    for (const operation of fresh) {
      em.persist(
        em.create(PersistedOperation, {
          id: newId('pop'),
          organization,
          clientName,
          clientVersion,
          operationId: operation.id,
          operationName: operation.name,
          operationType: operation.type,
          body: operation.body,
          publishedBy,
          createdAt: now,
        }),
      );
    }
    if (fresh.length > 0) this.context.emit('persisted_operations.published', { clientName, clientVersion, operationIds: fresh.map((operation) => operation.id) });
    return { published: fresh.length, alreadyPublished: checked.length - fresh.length };
  }

  /** An app's published operations, newest first; none for a key that names no app. */
  async listFor(clientName: string | null, page: PageArguments): Promise<Connection<PersistedOperation>> {
    if (!clientName) return { edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: async () => 0 };
    return paginate(this.context.em, PersistedOperation, { clientName }, page, { order: 'desc' });
  }

  /**
   * The body of an app's published operation, for the gateway (a signed internal route): the
   * organization comes from the verified API key, so it is named here instead of read from a tenant.
   */
  async lookup(organizationId: string, clientName: string, operationId: string): Promise<string | null> {
    const operation = await this.context.em.findOne(
      PersistedOperation,
      { organization: organizationId, clientName, operationId },
      { filters: { tenant: false }, fields: ['body'] },
    );
    return operation?.body ?? null;
  }
}
