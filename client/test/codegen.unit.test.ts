import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { generateClientOperations, GENERATED_OPERATIONS_PATH, loadOperations, PERSISTED_MANIFEST_PATH, type PersistedOperationManifest } from '../codegen.ts';

describe("the web app's operations", () => {
  it('are valid against the checked-in supergraph, one per file, named after the file', () => {
    expect(loadOperations().problems).toEqual([]);
  });

  it('have fresh generated types and a fresh persisted-operations manifest (run `npm run codegen` if not)', async () => {
    const generated = await generateClientOperations();
    expect(readFileSync(GENERATED_OPERATIONS_PATH, 'utf8')).toBe(generated.operations);
    expect(readFileSync(PERSISTED_MANIFEST_PATH, 'utf8')).toBe(generated.manifest);
  });

  it('are listed in the manifest under the SHA-256 of the exact document the app sends', () => {
    const manifest = JSON.parse(readFileSync(PERSISTED_MANIFEST_PATH, 'utf8')) as PersistedOperationManifest;
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.operations.length).toBe(loadOperations().operations.length);
    for (const operation of manifest.operations) {
      expect(operation.id).toBe(createHash('sha256').update(operation.body).digest('hex'));
      // Apollo Client adds __typename before sending; the manifest holds the document as sent.
      expect(operation.body).toContain('__typename');
    }
  });
});
