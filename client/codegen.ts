/**
 * Typed operations for the web app, generated from the checked-in supergraph: `npm run codegen`.
 *
 * Every operation lives in its own `.graphql` file under `src/` (fragments in `*.fragment.graphql`).
 * The output is `src/graphql/__generated__/operations.ts` (result and variable types plus a
 * TypedDocumentNode per operation) and `persisted-operations.json`, the manifest (hash -> document)
 * the gateway uses to trust the app's operations. Both hold the documents exactly as the app sends
 * them: with `__typename` added where Apollo Client's cache adds it, so the hashes match.
 */
import { codegen } from '@graphql-codegen/core';
import * as typedDocumentNodePlugin from '@graphql-codegen/typed-document-node';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as operationsPlugin from '@graphql-codegen/typescript-operations';
import {
  buildASTSchema,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  validate,
  visit,
} from 'graphql';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT_ROOT = fileURLToPath(new URL('./', import.meta.url));
const SUPERGRAPH_PATH = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));
export const GENERATED_OPERATIONS_PATH = join(CLIENT_ROOT, 'src', 'graphql', '__generated__', 'operations.ts');
export const PERSISTED_MANIFEST_PATH = join(CLIENT_ROOT, 'persisted-operations.json');

export interface PersistedOperation {
  /** SHA-256 of `body`, hex: what a client sends as `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** Apollo's persisted query manifest format, which Apollo Router and GraphOS also read. */
export interface PersistedOperationManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

function graphqlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.graphql') && !entry.parentPath.includes('__generated__'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** What Apollo Client's cache does before sending: `__typename` in every selection set but the operation's root. */
export function addTypename(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet: {
      leave(node: SelectionSetNode, _key, parent) {
        if (parent && !Array.isArray(parent) && (parent as DefinitionNode).kind === Kind.OPERATION_DEFINITION) return undefined;
        const hasTypename = node.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === '__typename' && !selection.alias);
        return hasTypename ? undefined : { ...node, selections: [...node.selections, TYPENAME] };
      },
    },
  });
}

function fragmentSpreads(node: OperationDefinitionNode | FragmentDefinitionNode): string[] {
  const names: string[] = [];
  visit(node, { FragmentSpread: (spread) => void names.push(spread.name.value) });
  return names;
}

interface LoadedOperation {
  file: string;
  operation: OperationDefinitionNode;
  document: DocumentNode;
}

/** Reads every document under `src/`, checks the one-operation-per-file rule and validates against the supergraph. */
export function loadOperations(): { operations: LoadedOperation[]; fragments: FragmentDefinitionNode[]; problems: string[] } {
  const schema = buildASTSchema(parse(readFileSync(SUPERGRAPH_PATH, 'utf8')), { assumeValidSDL: true });
  const problems: string[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: { file: string; operation: OperationDefinitionNode }[] = [];
  for (const file of graphqlFiles(join(CLIENT_ROOT, 'src'))) {
    const name = relative(CLIENT_ROOT, file);
    const definitions = parse(readFileSync(file, 'utf8')).definitions;
    const ownOperations = definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    for (const definition of definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    if (file.endsWith('.fragment.graphql')) {
      if (ownOperations.length > 0) problems.push(`${name}: a fragment file holds fragments only`);
      continue;
    }
    if (ownOperations.length !== 1) {
      problems.push(`${name}: holds ${ownOperations.length} operations; each operation lives in its own file`);
      continue;
    }
    const operation = ownOperations[0]!;
    const expected = file.slice(file.lastIndexOf('/') + 1, -'.graphql'.length);
    if (operation.name?.value !== expected) problems.push(`${name}: the operation must be named after its file (${expected})`);
    operations.push({ file: name, operation });
  }
  const names = new Set<string>();
  const loaded = operations.map(({ file, operation }) => {
    const needed = new Map<string, FragmentDefinitionNode>();
    const pending = fragmentSpreads(operation);
    while (pending.length > 0) {
      const fragmentName = pending.pop()!;
      const fragment = fragments.get(fragmentName);
      if (!fragment) {
        problems.push(`${file}: unknown fragment ${fragmentName}`);
        continue;
      }
      if (needed.has(fragmentName)) continue;
      needed.set(fragmentName, fragment);
      pending.push(...fragmentSpreads(fragment));
    }
    const sortedFragments = [...needed.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
    const document = addTypename({ kind: Kind.DOCUMENT, definitions: [operation, ...sortedFragments] });
    for (const error of validate(schema, document)) problems.push(`${file}: ${error.message}`);
    const operationName = operation.name?.value ?? '';
    if (names.has(operationName)) problems.push(`${file}: another file already defines ${operationName}`);
    names.add(operationName);
    return { file, operation, document };
  });
  return { operations: loaded.sort((a, b) => a.file.localeCompare(b.file)), fragments: [...fragments.values()], problems };
}

export function persistedManifest(operations: LoadedOperation[]): PersistedOperationManifest {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map(({ operation, document }) => {
      const body = print(document);
      return {
        id: createHash('sha256').update(body).digest('hex'),
        name: operation.name!.value,
        type: operation.operation,
        body,
      };
    }),
  };
}

/** The generated TypeScript and the manifest, as text; throws when a document is invalid. */
export async function generateClientOperations(): Promise<{ operations: string; manifest: string }> {
  const { operations, problems } = loadOperations();
  if (problems.length > 0) throw new Error(`The web app's GraphQL documents have problems:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  // Printed first: codegen rewrites the documents it is given.
  const manifest = `${JSON.stringify(persistedManifest(operations), null, 2)}\n`;
  const output = await codegen({
    schema: parse(readFileSync(SUPERGRAPH_PATH, 'utf8')),
    documents: operations.map(({ file, document }) => ({ location: file, document })),
    filename: GENERATED_OPERATIONS_PATH,
    plugins: [{ typescript: {} }, { typescriptOperations: {} }, { typedDocumentNode: {} }],
    pluginMap: { typescript: typescriptPlugin, typescriptOperations: operationsPlugin, typedDocumentNode: typedDocumentNodePlugin },
    config: {
      useTypeImports: true,
      enumsAsTypes: true,
      onlyOperationTypes: true,
      skipTypename: false,
      nonOptionalTypename: true,
      avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      maybeValue: 'T | null',
      scalars: { DateTime: 'string', ID: 'string', link__Import: 'unknown', join__FieldSet: 'string', join__DirectiveArguments: 'unknown' },
      dedupeFragments: true,
    },
  });
  return {
    operations: `// Generated by npm run codegen from client/src/**/*.graphql and schema/supergraph.graphql; do not edit.\n/* eslint-disable */\n${output}`,
    manifest,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { operations, manifest } = await generateClientOperations();
  mkdirSync(dirname(GENERATED_OPERATIONS_PATH), { recursive: true });
  writeFileSync(GENERATED_OPERATIONS_PATH, operations);
  writeFileSync(PERSISTED_MANIFEST_PATH, manifest);
  console.log(`Wrote ${relative(process.cwd(), GENERATED_OPERATIONS_PATH)} and ${relative(process.cwd(), PERSISTED_MANIFEST_PATH)}`);
}
