import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readAccessMap, unknownPermissions } from './access.ts';
import { SUBGRAPHS, defaultSubgraphUrl, subgraphSdl } from './subgraphs.ts';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

export type CompositionResult = { supergraphSdl: string; errors: [] } | { supergraphSdl?: undefined; errors: string[] };

/** Composes every subgraph's SDL into the supergraph, and checks every permission it names. */
export function composeSupergraph(): CompositionResult {
  const services = SUBGRAPHS.map(({ name }) => ({
    name,
    url: defaultSubgraphUrl(name),
    typeDefs: parse(subgraphSdl(name)),
  }));
  const unknown = services.flatMap((service) =>
    unknownPermissions(readAccessMap(service.typeDefs)).map(
      (permission) => `${service.name}: @access names '${permission}', which is not in the permission registry`,
    ),
  );
  const result = composeServices(services);
  const errors = [...(result.errors ?? []).map((error) => error.message), ...unknown];
  if (errors.length > 0 || !result.supergraphSdl) return { errors };
  return { supergraphSdl: result.supergraphSdl, errors: [] };
}

export function readCheckedInSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = composeSupergraph();
  if (result.errors.length > 0) {
    console.error(`Composition failed:\n${result.errors.map((error) => `- ${error}`).join('\n')}`);
    process.exit(1);
  }
  writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl!);
  console.log(`Wrote ${SUPERGRAPH_PATH}`);
}
