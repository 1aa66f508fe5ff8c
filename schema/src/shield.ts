import { createRequire } from 'node:module';
import type * as GraphQLMiddleware from 'graphql-middleware';
import type * as GraphQLShield from 'graphql-shield';


// graphql-shield 7's ESM build imports util.isUndefined, which Node 23 removed; its CommonJS build
// only touches it inside chain() and race(), which this project does not use.
const graphqlShield = createRequire(import.meta.url)('graphql-shield') as typeof GraphQLShield;

export const { rule, shield, allow, deny } = graphqlShield;

export type IRules = GraphQLShield.IRules;
export type ShieldRule = Parameters<typeof GraphQLShield.and>[number];

// Loaded the same way, so that it recognises the CommonJS shield's middleware generator as its own.
export const { applyMiddleware } = createRequire(import.meta.url)('graphql-middleware') as typeof GraphQLMiddleware;
