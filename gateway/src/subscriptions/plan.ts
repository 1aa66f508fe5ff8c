import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  execute,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  parse,
  print,
  specifiedRules,
  validate,
  visit,
  type ASTNode,
  type DirectiveNode,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { OperationAuthorizer } from '../authorization.ts';
import type { CostCalculator } from '../cost.ts';
import { aliasLimit, depthLimit, directiveLimit } from '../limits.ts';

/** What a subscription is checked and served against; one per loaded supergraph. */
export interface LiveSchema {
  apiSchema: GraphQLSchema;
  /** The core supergraph SDL, with its join directives: which subgraph resolves which field. */
  supergraphSdl: string;
  authorizer: OperationAuthorizer;
  costs: CostCalculator;
}

export interface DocumentLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

/** How one subscription document is served, decided once per document and schema. */
export interface LivePlan {
  /** Unique per plan: events served from data are worked out once per plan and variables. */
  readonly key: string;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly operationName: string | undefined;
  /** The Subscription root field; live messages of this field feed it. */
  readonly field: string;
  /** Where the result goes: the root field's alias, or its name. */
  readonly responseKey: string;
  /** Every selected field is one the publishing subgraph puts in the event's data. */
  readonly servedFromData: boolean;
  /** The query that fetches what the data lacks, by the event's id; null when the return type has no such query field. */
  readonly fallback: { query: string; idVariable: string } | null;
  /** The selection, answered from an event's data alone (complete: false when the data lacked a selected field). */
  serveFromData(data: Record<string, unknown>, variables: Record<string, unknown>): { complete: boolean; result: ExecutionResult };
}

function coded(message: string, code: string, source?: GraphQLError): GraphQLError {
  return new GraphQLError(message, {
    nodes: source?.nodes,
    source: source?.source,
    positions: source?.positions,
    extensions: { ...source?.extensions, code },
  });
}

function stringArgument(directive: DirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return undefined;
  const { value } = argument;
  return value.kind === Kind.ENUM || value.kind === Kind.STRING ? value.value : undefined;
}

function isTrue(directive: DirectiveNode, name: string): boolean {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === name);
  return argument?.value.kind === Kind.BOOLEAN && argument.value.value;
}

/** Which subgraphs resolve each field, read from the supergraph's @join__type and @join__field. */
export class FieldOwnership {
  private readonly typeGraphs = new Map<string, Set<string>>();
  private readonly fieldGraphs = new Map<string, Set<string>>();

  constructor(supergraphSdl: string) {
    for (const definition of parse(supergraphSdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
      const typeName = definition.name.value;
      const graphs = new Set((definition.directives ?? []).filter((directive) => directive.name.value === 'join__type').flatMap((directive) => stringArgument(directive, 'graph') ?? []));
      this.typeGraphs.set(typeName, graphs);
      for (const field of definition.fields ?? []) {
        const joins = (field.directives ?? []).filter((directive) => directive.name.value === 'join__field');
        if (joins.length === 0) continue;
        // An @external copy is not resolved by that subgraph, only declared there.
        const resolvedIn = joins.filter((join) => !isTrue(join, 'external')).flatMap((join) => stringArgument(join, 'graph') ?? []);
        this.fieldGraphs.set(`${typeName}.${field.name.value}`, new Set(resolvedIn));
      }
    }
  }

  /** The subgraphs that resolve `type.field`: its own @join__field graphs, else every graph of its type. */
  graphsOf(typeName: string, fieldName: string): ReadonlySet<string> {
    return this.fieldGraphs.get(`${typeName}.${fieldName}`) ?? this.typeGraphs.get(typeName) ?? new Set();
  }
}

const DID_YOU_MEAN = / ?Did you mean(.+?)\?$/;
const MAX_CACHED_PLANS = 1000;

/**
 * Checks subscription documents the way the HTTP path checks queries (parse with maxTokens, standard
 * validation plus the depth, alias and directive limits) and decides how each is served:
 *
 * - from the event's data alone, when every selected field is one the publishing subgraph carries in
 *   a live message (fields it resolves that take no arguments; another subgraph's entity only by its
 *   key), which needs no subgraph call per event;
 * - otherwise through the query field of the same return type that takes exactly `id: ID!`, per event
 *   and subscriber, with the selection unchanged (so query planning and authorization apply);
 * - and refused at subscribe when neither can answer the selection.
 */
export class LivePlanner {
  private readonly schema: Pick<LiveSchema, 'apiSchema' | 'supergraphSdl'>;
  private readonly ownership: FieldOwnership;
  private readonly limits: DocumentLimits;
  private readonly hideSchemaDetails: boolean;
  private readonly plans = new Map<string, LivePlan>();
  private nextKey = 0;

  constructor(schema: Pick<LiveSchema, 'apiSchema' | 'supergraphSdl'>, limits: DocumentLimits, options: { hideSchemaDetails: boolean }) {
    this.schema = schema;
    this.ownership = new FieldOwnership(schema.supergraphSdl);
    this.limits = limits;
    this.hideSchemaDetails = options.hideSchemaDetails;
  }

  /** The plan of a subscription document, or the errors to answer its subscribe message with. */
  plan(query: string, operationName: string | null | undefined): { plan: LivePlan } | { errors: GraphQLError[] } {
    const cacheKey = `${operationName ?? ''}\u0000${query}`;
    const known = this.plans.get(cacheKey);
    if (known) {
      this.plans.delete(cacheKey);
      this.plans.set(cacheKey, known);
      return { plan: known };
    }
    const planned = this.build(query, operationName ?? undefined);
    if ('plan' in planned) {
      this.plans.set(cacheKey, planned.plan);
      if (this.plans.size > MAX_CACHED_PLANS) this.plans.delete(this.plans.keys().next().value!);
    }
    return planned;
  }

  private build(query: string, operationName: string | undefined): { plan: LivePlan } | { errors: GraphQLError[] } {
    const { apiSchema } = this.schema;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens });
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [coded(error.message, 'GRAPHQL_PARSE_FAILED', error)] };
      throw error;
    }
    const invalid = validate(apiSchema, document, [
      ...specifiedRules,
      depthLimit(this.limits.maxDepth),
      aliasLimit(this.limits.maxAliases),
      directiveLimit(this.limits.maxDirectives),
    ]);
    if (invalid.length > 0) {
      return {
        errors: invalid.map((error) => coded(this.hideSchemaDetails ? error.message.replace(DID_YOU_MEAN, '') : error.message, 'GRAPHQL_VALIDATION_FAILED', error)),
      };
    }
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName ? `The document has no operation named '${operationName}'.` : 'The document holds several operations: name the one to run in operationName.';
      return { errors: [coded(message, 'BAD_REQUEST')] };
    }
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return { errors: [coded(`Only subscriptions are served over WebSocket; send ${operation.operation === OperationTypeNode.MUTATION ? 'mutations' : 'queries'} with POST /graphql.`, 'BAD_REQUEST')] };
    }
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

    const subscriptionType = apiSchema.getSubscriptionType()!;
    const rootField = rootFieldOf(operation.selectionSet, fragments);
    const fieldDefinition = subscriptionType.getFields()[rootField.name.value]!;
    const field = fieldDefinition.name;
    if (fieldDefinition.args.length > 0) return { errors: [coded(`Subscription.${field} takes arguments, which live events cannot be filtered by yet.`, 'BAD_REQUEST')] };
    const returnType = getNamedType(fieldDefinition.type);
    if (isLeafType(returnType) || !rootField.selectionSet) return { errors: [coded(`Subscription.${field} returns no object; only object fields are served live.`, 'BAD_REQUEST')] };

    const publishers = this.ownership.graphsOf(subscriptionType.name, field);
    const lacking = this.fieldsNotCarried(rootField.selectionSet, returnType as GraphQLCompositeType, publishers, fragments);
    const fallback = isListType(isNonNullType(fieldDefinition.type) ? fieldDefinition.type.ofType : fieldDefinition.type)
      ? null
      : this.fallbackQuery(operation, rootField, returnType, fragments);
    if (lacking.length > 0 && !fallback) {
      return {
        errors: [
          coded(
            `Live events of '${field}' do not carry ${lacking.slice(0, 3).join(', ')}, and no query field fetches a ${returnType.name} by id: select only fields the events carry.`,
            'GRAPHQL_VALIDATION_FAILED',
          ),
        ],
      };
    }
    const responseKey = rootField.alias?.value ?? field;
    return {
      plan: {
        key: `p${this.nextKey++}`,
        document,
        operation,
        operationName: operation.name?.value,
        field,
        responseKey,
        servedFromData: lacking.length === 0,
        fallback,
        serveFromData: (data, variables) => serve(apiSchema, document, operation.name?.value, field, data, variables),
      },
    };
  }

  /** `Type.field` of every selected field the publishers do not put in a live message's data. */
  private fieldsNotCarried(selectionSet: SelectionSetNode, parent: GraphQLCompositeType, publishers: ReadonlySet<string>, fragments: Map<string, FragmentDefinitionNode>, lacking: string[] = [], visiting = new Set<string>()): string[] {
    const { apiSchema } = this.schema;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (apiSchema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
        this.fieldsNotCarried(selection.selectionSet, type, publishers, fragments, lacking, visiting);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        visiting.add(fragment.name.value);
        this.fieldsNotCarried(fragment.selectionSet, apiSchema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, publishers, fragments, lacking, visiting);
        visiting.delete(fragment.name.value);
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename') continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const definition: GraphQLField<unknown, unknown> | undefined = parent.getFields()[name];
      if (!definition) continue;
      const ownedByPublisher = [...this.ownership.graphsOf(parent.name, name)].some((graph) => publishers.has(graph));
      if (definition.args.length > 0 || !ownedByPublisher) {
        lacking.push(`${parent.name}.${name}`);
        continue;
      }
      if (selection.selectionSet) {
        const type = getNamedType(definition.type) as GraphQLCompositeType;
        // An abstract type's fields may live on any of its implementations: check each one.
        const concrete = isAbstractType(type) ? apiSchema.getPossibleTypes(type) : [type];
        for (const possible of concrete) this.fieldsNotCarried(selection.selectionSet, possible, publishers, fragments, lacking, visiting);
      }
    }
    return [...new Set(lacking)];
  }

  /**
   * `query LiveEvent($id: ID!, ...) { <responseKey>: <queryField>(id: $id) <the same selection> }`, with
   * the fragments and variables that selection uses; null when no query field takes exactly `id: ID!`
   * and returns the subscription's type.
   */
  private fallbackQuery(operation: OperationDefinitionNode, rootField: FieldNode, returnType: GraphQLNamedType, fragments: Map<string, FragmentDefinitionNode>): LivePlan['fallback'] {
    const { apiSchema } = this.schema;
    const queryField = Object.values(apiSchema.getQueryType()?.getFields() ?? {}).find(
      (candidate) => getNamedType(candidate.type) === returnType && !isListType(isNonNullType(candidate.type) ? candidate.type.ofType : candidate.type) && candidate.args.length === 1 && candidate.args[0]!.name === 'id' && String(candidate.args[0]!.type) === 'ID!',
    );
    if (!queryField) return null;
    const taken = new Set((operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value));
    let idVariable = 'liveEventId';
    while (taken.has(idVariable)) idVariable = `_${idVariable}`;

    const usedFragments = new Map<string, FragmentDefinitionNode>();
    const usedVariables = new Set<string>();
    const collect = (node: ASTNode) =>
      visit(node, {
        Variable: (variable) => void usedVariables.add(variable.name.value),
        FragmentSpread: (spread) => {
          const fragment = fragments.get(spread.name.value);
          if (fragment && !usedFragments.has(fragment.name.value)) {
            usedFragments.set(fragment.name.value, fragment);
            collect(fragment);
          }
        },
      });
    collect(rootField);

    const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
    const variables: VariableDefinitionNode[] = [
      { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: name(idVariable) }, type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('ID') } } },
      ...(operation.variableDefinitions ?? []).filter((definition) => usedVariables.has(definition.variable.name.value)),
    ];
    const field: FieldNode = {
      kind: Kind.FIELD,
      alias: name(rootField.alias?.value ?? rootField.name.value),
      name: name(queryField.name),
      arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: { kind: Kind.VARIABLE, name: name(idVariable) } }],
      directives: rootField.directives,
      selectionSet: rootField.selectionSet,
    };
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        { kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, name: name('LiveEvent'), variableDefinitions: variables, directives: [], selectionSet: { kind: Kind.SELECTION_SET, selections: [field] } },
        ...usedFragments.values(),
      ],
    };
    // The same checks Apollo runs on it per event; a query that cannot pass them is no fallback.
    if (validate(apiSchema, document).length > 0) return null;
    return { query: print(document), idVariable };
  }
}

/** The one root field of a subscription (validation guarantees exactly one), through fragments. */
function rootFieldOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    if (inner) return rootFieldOf(inner, fragments);
  }
  throw new Error('A validated subscription selects one root field');
}

interface DataWalk {
  complete: boolean;
}

/** Reads each field from the event's data by name; a field the data lacks marks the walk incomplete. */
const readFromData: GraphQLFieldResolver<unknown, DataWalk> = (source, _args, walk, info) => {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[info.fieldName];
  if (value === undefined && !Object.hasOwn(source, info.fieldName)) walk.complete = false;
  return value;
};

function serve(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, field: string, data: Record<string, unknown>, variables: Record<string, unknown>) {
  const walk: DataWalk = { complete: true };
  // Every resolver is synchronous, so execute() answers at once; aliases, fragments and @skip/@include are graphql-js's.
  const result = execute({ schema, document, operationName, variableValues: variables, rootValue: { [field]: data }, contextValue: walk, fieldResolver: readFromData, typeResolver: typeFromData }) as ExecutionResult;
  return { complete: walk.complete && !result.errors, result };
}

const typeFromData = (value: unknown): string | undefined => {
  const typename = (value as { __typename?: unknown } | null)?.__typename;
  return typeof typename === 'string' ? typename : undefined;
};
