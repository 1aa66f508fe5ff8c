import { createRequire } from 'node:module';
import type * as GraphQLMiddleware from 'graphql-middleware';
import type * as GraphQLShield from 'graphql-shield';

export type { IRules, ShieldRule } from 'graphql-shield/typings/types.js';

// graphql-shield 7's ESM build imports util.isUndefined, which Node 23 removed; its CommonJS build
// only touches it inside chain() and race(), which this project does not use.
const graphqlShield = createRequire(import.meta.url)('graphql-shield') as typeof GraphQLShield;

export const { rule, shield, allow, deny } = graphqlShield;

// Loaded the same way, so that it recognises the CommonJS shield's middleware generator as its own.
export const { applyMiddleware } = createRequire(import.meta.url)('graphql-middleware') as typeof GraphQLMiddleware;
