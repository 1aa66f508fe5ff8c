import { DomainService, newId, paginate, UserInputError, validateInput, type Connection, type PageArguments, type UserError } from '@platform/kit';
import { platformApiSchema } from '@platform/schema/api-schema.ts';
import { Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';
import { PersistedOperation } from '../entities/index.ts';
import { requireAuthenticated, sha256, type IdentityDeps } from './support.ts';

/** An app's name as keys and manifests use it: lower case, digits, dot, dash, underscore. */
export const CLIENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** The most operations one publish may carry; a web app's whole manifest fits many times over. */
export const MAX_OPERATIONS_PER_PUBLISH = 1_000;
/** The largest document accepted, in bytes: the gateway's own document limit is far below it. */
export const MAX_OPERATION_BYTES = 100 * 1024;
const OPERATION_ID = /^[0-9a-f]{64}$/;
/** Validation errors quoted per refused operation; the rest are counted. */
const MAX_REPORTED_VALIDATION_ERRORS = 3;

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

/** How a refusal names an operation: its name, when it has one, and its id. */
function describe(id: string, name: string | null | undefined): string {
  return name ? `'${name.slice(0, 200)}', id ${id}` : `id ${id}`;
}

interface CheckedOperation {
  id: string;
  body: string;
  name: string | null;
  type: string;
}

/** The single operation of a document, valid against the platform's API schema, or the reason it cannot be published. */
function operationOf(body: string): OperationDefinitionNode | { problem: string; name?: string } {
  let document: DocumentNode;
  try {
    document = parse(body, { noLocation: true });
  } catch (error) {
    return { problem: `The document does not parse: ${(error as Error).message}` };
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return { problem: `A published document holds exactly one operation (it may add fragments); this one holds ${operations.length}.` };
  if (document.definitions.some((definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION)) {
    return { problem: 'A published document holds an operation and its fragments, nothing else.' };
  }
  // The same rules the gateway runs it through, so a published operation cannot fail them later.
  const invalid = validate(platformApiSchema(), document);
  if (invalid.length > 0) {
    const shown = invalid.slice(0, MAX_REPORTED_VALIDATION_ERRORS).map((error) => error.message);
    const more = invalid.length - shown.length;
    return { problem: `${shown.join(' ')}${more > 0 ? ` (and ${more} more)` : ''}`, name: operations[0]!.name?.value };
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
      if ('problem' in definition) {
        problems.push({ code: 'INVALID_DOCUMENT', message: `Operation ${index} (${describe(operation.id, definition.name ?? operation.name)}): ${definition.problem}`, field: [...field, 'body'] });
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

    const publishedBy = principal.kind === 'user' ? principal.userId : principal.kind === 'apiKey' ? principal.apiKeyId : principal.kind;
    const now = new Date();
    // Re-publishing a whole manifest is the common case: its known operations are not sent again.
    const existing = new Set(
      (await this.em.find(PersistedOperation, { clientName, operationId: { $in: checked.map((operation) => operation.id) } }, { fields: ['operationId'] })).map((row) => row.operationId),
    );
    // One insert that skips operations already there: a publish of the same manifest running at the
    // same moment waits for this one and then skips them, instead of failing on the unique index.
    // Sorted by id so that two such publishes lock their rows in one order and cannot deadlock.
    const rows = checked
      .filter((operation) => !existing.has(operation.id))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((operation) => ({
        id: newId('pop'),
        organization: this.context.organizationId!,
        clientName,
        clientVersion,
        operationId: operation.id,
        operationName: operation.name,
        operationType: operation.type,
        body: operation.body,
        publishedBy,
        createdAt: now,
      }));
    const inserted: { operationId: string }[] =
      rows.length === 0
        ? []
        : await this.em
            .createQueryBuilder(PersistedOperation)
            .insert(rows)
            .onConflict(['organization', 'clientName', 'operationId'])
            .ignore()
            .returning(['operationId'])
            .execute('all');
    const fresh = inserted.map((row) => row.operationId);
    if (fresh.length > 0) this.context.emit('persisted_operations.published', { clientName, clientVersion, operationIds: fresh });
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
