import { buildRuleTree, forbiddenError, readAccessMap } from '@platform/schema';
import { GraphQLError, isIntrospectionType, isObjectType, type GraphQLSchema } from 'graphql';
import { PUBLIC_ERROR_CODES } from './errors.ts';
import { allow, applyMiddleware, deny, shield } from '@platform/schema';

/** Federation's own entry points: the gateway reads _service; _entities is guarded by each entity's fields. */
const FEDERATION_FIELDS: Record<string, Record<string, typeof allow>> = {
  Query: { _service: allow, _entities: allow },
  _Service: { sdl: allow },
};

/**
 * What the shield answers instead of a resolver's result: a denied rule is FORBIDDEN; an error a
 * resolver threw on purpose (a GraphQLError with a public code) passes; anything else is masked,
 * keeping the original for the log.
 */
function shieldError(thrown: unknown): GraphQLError {
  if (thrown === null || thrown === undefined) return forbiddenError();
  if (thrown instanceof GraphQLError) {
    const code = thrown.extensions?.code;
    if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) return thrown;
  }
  return new GraphQLError('Internal server error', {
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
    originalError: thrown instanceof Error ? thrown : new Error(String(thrown)),
  });
}

/** Every object type's field names, introspection types excluded. */
export function fieldsByType(schema: GraphQLSchema): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    result.set(type.name, Object.keys(type.getFields()));
  }
  return result;
}

/**
 * Wraps a subgraph schema in graphql-shield with rules read from its @access directives: deny by
 * default (a field without a rule, and the fallback), and no internal error ever leaks.
 */
export function applyAccessRules(schema: GraphQLSchema, sdl: string): GraphQLSchema {
  const tree = buildRuleTree(readAccessMap(sdl), fieldsByType(schema)) as Record<string, Record<string, unknown>>;
  for (const [typeName, fields] of Object.entries(FEDERATION_FIELDS)) {
    if (tree[typeName]) Object.assign(tree[typeName], fields);
  }
  const permissions = shield(tree as never, {
    fallbackRule: deny,
    allowExternalErrors: false,
    fallbackError: shieldError,
  });
  return applyMiddleware(schema, permissions);
}
