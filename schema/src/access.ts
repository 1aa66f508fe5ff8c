import { GraphQLError, Kind, parse, type DocumentNode, type ConstDirectiveNode } from 'graphql';
import { allow, deny, rule, type IRules, type ShieldRule } from './shield.ts';
import { isPermission } from './permissions.ts';
import { isAuthenticated, type Principal } from './principal.ts';

export const ACCESS_SPEC_URL = 'https://specs.saas-platform.dev/access/v1.0';

/**
 * Prepended to every subgraph's SDL: the federation features we use and our authorization
 * directive, linked and composed so that it reaches the supergraph (Apollo's own
 * @authenticated/@requiresScopes make @apollo/gateway refuse the supergraph).
 */
export const SUBGRAPH_SDL_HEADER = /* GraphQL */ `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@composeDirective", "@cost", "@listSize", "@tag"])
  @link(url: "${ACCESS_SPEC_URL}", import: ["@access"])
  @composeDirective(name: "@access")

"""
Who may use a field (or every field of a type that has no rule of its own).
No arguments: any authenticated caller. public: true: anyone, signed in or not.
permission: a \`resource.action\` from the permission registry. A field with no rule is denied.
"""
directive @access(public: Boolean = false, permission: String) on FIELD_DEFINITION | OBJECT | INTERFACE
`;

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'permission'; permission: string };

/** Rules found in an SDL document: per type, and per `Type.field`. */
export interface AccessMap {
  types: Map<string, AccessRule>;
  fields: Map<string, AccessRule>;
}

function readAccess(directives: readonly ConstDirectiveNode[] | undefined): AccessRule | undefined {
  const node = directives?.find((directive) => directive.name.value === 'access');
  if (!node) return undefined;
  let isPublic = false;
  let permission: string | undefined;
  for (const argument of node.arguments ?? []) {
    if (argument.name.value === 'public' && argument.value.kind === Kind.BOOLEAN) isPublic = argument.value.value;
    if (argument.name.value === 'permission' && argument.value.kind === Kind.STRING) permission = argument.value.value;
  }
  if (isPublic) return { kind: 'public' };
  if (permission !== undefined) return { kind: 'permission', permission };
  return { kind: 'authenticated' };
}

/** Reads every @access application of a subgraph or supergraph SDL. */
export function readAccessMap(sdl: string | DocumentNode): AccessMap {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const map: AccessMap = { types: new Map(), fields: new Map() };
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    const typeRule = readAccess(definition.directives);
    if (typeRule) map.types.set(typeName, typeRule);
    for (const field of definition.fields ?? []) {
      const fieldRule = readAccess(field.directives);
      if (fieldRule) map.fields.set(`${typeName}.${field.name.value}`, fieldRule);
    }
  }
  return map;
}

/** The rule that governs `Type.field`: its own, else its type's, else none (denied). */
export function accessRuleFor(map: AccessMap, typeName: string, fieldName: string): AccessRule | undefined {
  return map.fields.get(`${typeName}.${fieldName}`) ?? map.types.get(typeName);
}

/** Permission names used in the SDL that the registry does not know. */
export function unknownPermissions(map: AccessMap): string[] {
  const rules = [...map.types.values(), ...map.fields.values()];
  return rules.flatMap((accessRule) =>
    accessRule.kind === 'permission' && !isPermission(accessRule.permission) ? [accessRule.permission] : [],
  );
}

export interface AccessContext {
  principal: Principal;
}

export function unauthenticatedError(): GraphQLError {
  return new GraphQLError('Authentication required: send a valid access token or API key.', {
    extensions: { code: 'UNAUTHENTICATED' },
  });
}

export function forbiddenError(permission?: string): GraphQLError {
  const message = permission
    ? `You do not have the '${permission}' permission in this organization.`
    : 'You are not allowed to do this.';
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

const authenticated = rule('authenticated', { cache: 'contextual' })(
  (_parent, _args, context: AccessContext) => isAuthenticated(context.principal) || unauthenticatedError(),
);

const permissionRules = new Map<string, ShieldRule>();

function hasPermission(permission: string): ShieldRule {
  let cached = permissionRules.get(permission);
  if (!cached) {
    cached = rule(`permission:${permission}`, { cache: 'contextual' })((_parent, _args, context: AccessContext) => {
      const { principal } = context;
      if (!isAuthenticated(principal)) return unauthenticatedError();
      return (principal.permissions as readonly string[]).includes(permission) || forbiddenError(permission);
    });
    permissionRules.set(permission, cached);
  }
  return cached;
}

export function shieldRuleOf(accessRule: AccessRule | undefined): ShieldRule {
  if (!accessRule) return deny;
  switch (accessRule.kind) {
    case 'public':
      return allow;
    case 'authenticated':
      return authenticated;
    case 'permission':
      return hasPermission(accessRule.permission);
  }
}

/**
 * The graphql-shield rule tree for every field named in `fieldsByType` (type name -> field names).
 * Fields without a rule of their own or of their type get `deny`, so the tree is complete and the
 * shield's fallback (also deny) is a second line, not the only one.
 */
export function buildRuleTree(map: AccessMap, fieldsByType: ReadonlyMap<string, readonly string[]>): IRules {
  const tree: Record<string, Record<string, ShieldRule>> = {};
  for (const [typeName, fieldNames] of fieldsByType) {
    const fields: Record<string, ShieldRule> = {};
    for (const fieldName of fieldNames) fields[fieldName] = shieldRuleOf(accessRuleFor(map, typeName, fieldName));
    tree[typeName] = fields;
  }
  return tree;
}
