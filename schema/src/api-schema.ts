import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { readCheckedInSupergraph } from './compose.ts';

/**
 * The API schema of a supergraph: what clients may send, as the gateway validates it (no join__
 * machinery, no @inaccessible elements). Built the way @apollo/gateway builds its own.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

let platformSchema: GraphQLSchema | undefined;

/**
 * The API schema of the supergraph the platform serves (the checked-in one), built on first use and
 * kept for the life of the process: building it takes a noticeable moment, and it never changes
 * while a process runs.
 */
export function platformApiSchema(): GraphQLSchema {
  platformSchema ??= apiSchemaOf(readCheckedInSupergraph());
  return platformSchema;
}
