import { accessRuleFor, readAccessMap, shieldRuleOf, type AccessMap, type ShieldRule } from '@platform/schema';
import type { Principal } from '@platform/schema';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  isIntrospectionType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

export type IntrospectionPolicy = 'on' | 'authenticated' | 'off';

export interface AuthorizationContext {
  principal: Principal;
}

/**
 * graphql-shield rules read from the supergraph's @access directives, enforced on the whole operation
 * before the query planner or any subgraph sees it: every field the operation selects (through
 * fragments too) must pass its rule, and a field without one is denied. Each distinct rule is
 * evaluated once per request.
 */
export class OperationAuthorizer {
  private readonly access: AccessMap;
  private readonly schema: GraphQLSchema;
  private readonly introspection: IntrospectionPolicy;
  private readonly ruleCache = new Map<string, ShieldRule>();
  /** Apollo hands the same parsed document to every request with the same query, so the walk is done once. */
  private readonly selections = new WeakMap<OperationDefinitionNode, { fields: Set<string>; introspects: boolean }>();

  constructor(supergraphSdl: string, apiSchema: GraphQLSchema, introspection: IntrospectionPolicy) {
    this.access = readAccessMap(supergraphSdl);
    this.schema = apiSchema;
    this.introspection = introspection;
  }

  /** The shield rule of `Type.field` (deny when there is none). */
  ruleFor(typeName: string, fieldName: string): ShieldRule {
    const key = `${typeName}.${fieldName}`;
    let rule = this.ruleCache.get(key);
    if (!rule) {
      rule = shieldRuleOf(accessRuleFor(this.access, typeName, fieldName));
      this.ruleCache.set(key, rule);
    }
    return rule;
  }

  /** Every field an operation selects, as `Type.field`, and whether it introspects. */
  selectedFields(document: DocumentNode, operation: OperationDefinitionNode): { fields: Set<string>; introspects: boolean } {
    const typeInfo = new TypeInfo(this.schema);
    const fields = new Set<string>();
    let introspects = false;
    const fragments = new Map(
      document.definitions.flatMap((definition) =>
        definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
      ),
    );
    const used = new Set<string>();
    const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
    while (pending.length > 0) {
      const node = pending.pop()!;
      visit(
        node,
        visitWithTypeInfo(typeInfo, {
          Field(field) {
            const name = field.name.value;
            if (name === '__typename') return;
            if (name === '__schema' || name === '__type') {
              introspects = true;
              return false;
            }
            const parent = typeInfo.getParentType();
            if (!parent || isIntrospectionType(getNamedType(parent))) return;
            fields.add(`${parent.name}.${name}`);
            return undefined;
          },
          FragmentSpread(spread) {
            const name = spread.name.value;
            const fragment = fragments.get(name);
            if (fragment && !used.has(name)) {
              used.add(name);
              pending.push(fragment);
            }
          },
        }),
      );
    }
    return { fields, introspects };
  }

  /** Null when the principal may run the operation; otherwise the error to answer with. */
  async authorize(document: DocumentNode, operation: OperationDefinitionNode, context: AuthorizationContext): Promise<GraphQLError | null> {
    let selection = this.selections.get(operation);
    if (!selection) {
      selection = this.selectedFields(document, operation);
      this.selections.set(operation, selection);
    }
    const { fields, introspects } = selection;
    if (introspects && !this.mayIntrospect(context.principal)) {
      return new GraphQLError(
        this.introspection === 'off' ? 'Introspection is disabled.' : 'Sign in to introspect the schema.',
        { extensions: { code: this.introspection === 'off' ? 'FORBIDDEN' : 'UNAUTHENTICATED' } },
      );
    }
    const rules = new Map<ShieldRule, string>();
    for (const field of fields) {
      const [typeName, fieldName] = field.split('.') as [string, string];
      const rule = this.ruleFor(typeName, fieldName);
      if (!rules.has(rule)) rules.set(rule, field);
    }
    const shieldContext = { ...context, _shield: { cache: {} } };
    for (const [rule, field] of rules) {
      const result = await rule.resolve({}, {}, shieldContext, { fieldName: field } as unknown as GraphQLResolveInfo, {
        debug: false,
        allowExternalErrors: false,
      } as never);
      if (result === true) continue;
      if (result instanceof GraphQLError) return result;
      return new GraphQLError(`You are not allowed to use '${field}'.`, { extensions: { code: 'FORBIDDEN' } });
    }
    return null;
  }

  private mayIntrospect(principal: Principal): boolean {
    if (this.introspection === 'on') return true;
    if (this.introspection === 'off') return false;
    return principal.kind !== 'anonymous';
  }
}
