import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUBGRAPH_SDL_HEADER } from './access.ts';

/** Every subgraph of the platform, with the port it listens on in the embedded default. */
export const SUBGRAPHS = [
  { name: 'identity', port: 4001 },
  { name: 'billing', port: 4002 },
  { name: 'notifications', port: 4003 },
  { name: 'usage', port: 4004 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function subgraphSchemaPath(name: string): string {
  return fileURLToPath(new URL(`../../subgraphs/${name}/src/schema.graphql`, import.meta.url));
}

/** A subgraph's full SDL: the shared header (federation links, @access) and its own schema.graphql. */
export function subgraphSdl(name: string): string {
  return `${SUBGRAPH_SDL_HEADER}\n${readFileSync(subgraphSchemaPath(name), 'utf8')}`;
}

export function defaultSubgraphUrl(name: string): string {
  const subgraph = SUBGRAPHS.find((candidate) => candidate.name === name);
  if (!subgraph) throw new Error(`Unknown subgraph '${name}'`);
  return `http://127.0.0.1:${subgraph.port}/graphql`;
}
