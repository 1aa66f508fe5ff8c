import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  isTypeDefinitionNode,
  isTypeExtensionNode,
  parse,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

import type { ThrottleStatus } from './rate-limit.ts';

export type { ThrottleStatus };

/** What the gateway knows about one operation's cost while it runs. */
export interface OperationCost {
  requestedQueryCost: number;
  /** Counted from the response once it is there; null until then. */
  actualQueryCost: number | null;
  /** Null until a rate limiter charges the operation to a bucket; only then is it reported. */
  throttleStatus: ThrottleStatus | null;
}

/** `extensions.cost` of a response. */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus?: ThrottleStatus;
}

export interface CostOptions {
  /** Size assumed for a list with neither a slicing argument nor `@listSize(assumedSize:)`. Default 10. */
  defaultListSize?: number;
  /** Smallest value a slicing argument (`first`) may take. Default 1. */
  minPageSize?: number;
  /** Largest value a slicing argument (`first`) may take. Default 100. */
  maxPageSize?: number;
  /** Cost of running a mutation at all, before its fields. Default 10 (IBM's cost spec, Apollo's demand control). */
  mutationWeight?: number;
  /** Fixed cost of `__schema` or `__type`, whatever they select: the gateway answers them itself. Default 1. */
  introspectionWeight?: number;
}

interface ListSize {
  assumedSize: number | null;
  slicingArguments: string[];
  sizedFields: string[];
  requireOneSlicingArgument: boolean;
}

/** A list size handed from a connection field to its sized children (`edges`, `nodes`). */
interface SizedChildren {
  fields: readonly string[];
  size: number;
}

type Variables = Record<string, unknown>;

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d/;
const FEDERATION_SPEC = /^https:\/\/specs\.apollo\.dev\/federation\/v\d/;

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/**
 * The names @cost and @listSize go by in this SDL. A supergraph links the cost spec (where @cost is
 * the spec's own directive and @listSize is `@cost__listSize` unless imported); a subgraph links
 * federation (`@federation__cost` unless imported); an SDL with no link uses the plain names.
 */
function costDirectiveNames(document: DocumentNode): { cost: string; listSize: string } {
  const names = { cost: 'cost', listSize: 'listSize' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArgument(link, 'url') ?? '';
      const spec = COST_SPEC.test(url) ? 'cost' : FEDERATION_SPEC.test(url) ? 'federation' : null;
      if (!spec) continue;
      const prefix = stringArgument(link, 'as') ?? spec;
      const imports = new Map<string, string>();
      const importList = link.arguments?.find((argument) => argument.name.value === 'import')?.value;
      for (const entry of importList?.kind === Kind.LIST ? importList.values : []) {
        if (entry.kind === Kind.STRING) imports.set(entry.value, entry.value);
        if (entry.kind === Kind.OBJECT) {
          const field = (key: string) => entry.fields.find((candidate) => candidate.name.value === key)?.value;
          const name = field('name');
          const as = field('as');
          if (name?.kind === Kind.STRING) imports.set(name.value, as?.kind === Kind.STRING ? as.value : name.value);
        }
      }
      const nameOf = (directive: string) => {
        const imported = imports.get(`@${directive}`);
        if (imported) return imported.replace(/^@/, '');
        return spec === 'cost' && directive === 'cost' ? prefix : `${prefix}__${directive}`;
      };
      names.cost = nameOf('cost');
      names.listSize = nameOf('listSize');
    }
  }
  return names;
}

function intValue(value: ConstValueNode | undefined): number | null {
  return value?.kind === Kind.INT ? Number.parseInt(value.value, 10) : null;
}

function stringList(value: ConstValueNode | undefined): string[] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
}

/** Every @cost and @listSize of an SDL, by `Type`, `Type.field` and `Type.field(argument)`. */
class CostDirectives {
  readonly weights = new Map<string, number>();
  readonly listSizes = new Map<string, ListSize>();

  constructor(document: DocumentNode) {
    const names = costDirectiveNames(document);
    const weightOf = (directives: readonly ConstDirectiveNode[] | undefined) =>
      intValue(directives?.find((directive) => directive.name.value === names.cost)?.arguments?.find((argument) => argument.name.value === 'weight')?.value);
    const record = (key: string, directives: readonly ConstDirectiveNode[] | undefined) => {
      const weight = weightOf(directives);
      if (weight !== null) this.weights.set(key, weight);
    };
    for (const definition of document.definitions) {
      if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
      const typeName = definition.name.value;
      record(typeName, definition.directives);
      if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_EXTENSION) continue;
      if (!('fields' in definition)) continue;
      for (const field of definition.fields ?? []) {
        const key = `${typeName}.${field.name.value}`;
        record(key, field.directives);
        if (field.kind === Kind.INPUT_VALUE_DEFINITION) continue;
        for (const argument of field.arguments ?? []) record(`${key}(${argument.name.value})`, argument.directives);
        const listSize = field.directives?.find((directive) => directive.name.value === names.listSize);
        if (!listSize) continue;
        const argument = (name: string) => listSize.arguments?.find((candidate) => candidate.name.value === name)?.value;
        const requireOne = argument('requireOneSlicingArgument');
        this.listSizes.set(key, {
          assumedSize: intValue(argument('assumedSize')),
          slicingArguments: stringList(argument('slicingArguments')),
          sizedFields: stringList(argument('sizedFields')),
          requireOneSlicingArgument: requireOne?.kind === Kind.BOOLEAN ? requireOne.value : true,
        });
      }
    }
  }
}

function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The refusal of an operation that costs more than the per-operation maximum. */
export function queryCostExceeded(cost: number, limit: number): GraphQLError {
  return new GraphQLError(
    `This operation would cost ${cost} points, more than the limit of ${limit} points per operation. Ask for smaller pages (first) or fewer nested lists, or split it into several operations.`,
    { extensions: { code: 'QUERY_COST_EXCEEDED' } },
  );
}

/** One walk over one operation: its fragments and variables, and the costs already worked out. */
interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Variables;
  /** Requested cost by (object type, selection sets, sized children): fragments reused many times are priced once. */
  memo: Map<string, number>;
  /** The fields a selection runs on an object type, by (object type, selection sets): every object in a list reuses them. */
  collected: Map<string, CollectedFields>;
  /** The same, by the very array of selection sets a response's objects are priced with: no key to build per object. */
  collectedBySets: WeakMap<readonly SelectionSetNode[], Map<GraphQLObjectType, CollectedFields>>;
  /** The operation's own selection set, as the array the response walk starts from. */
  rootSets?: readonly SelectionSetNode[];
  /** How each collected field is priced in a response, by its nodes (one array per parent type and response key). */
  returned: WeakMap<readonly FieldNode[], ReturnedField>;
  /** The operation's requested cost once computed with these variables. */
  requested?: number;
}

interface CollectedFields {
  byKey: Map<string, FieldNode[]>;
  /** The response key `__typename` is selected under, if it is. */
  typenameKey: string | undefined;
}

/** What pricing one field of a response needs, worked out once per walk. */
interface ReturnedField {
  /** null: the field costs nothing however it came back (`__typename`, unknown). */
  named: ReturnType<typeof getNamedType> | null;
  composite: boolean;
  /** Each item's own weight; introspection's fixed weight when `fixed`. */
  each: number;
  /** `__schema`/`__type`: a fixed cost whatever came back. */
  fixed: boolean;
  argumentsCost: number;
  subselections: SelectionSetNode[];
}

/**
 * Walks kept per parsed document (the server reuses one DocumentNode per query text), per operation
 * and variables: an operation sent again with the same variables is priced from what is known.
 */
const WALKS_PER_DOCUMENT = 16;

/**
 * Query cost from the supergraph's @cost and @listSize, with the defaults of IBM's GraphQL cost
 * spec and Apollo's demand control: a field of object type costs 1, a scalar or enum 0, a list
 * multiplies its items by its slicing argument (`first`), else its assumed size, else the default
 * list size; a connection's `sizedFields` (edges, nodes) take the size instead of the connection;
 * a mutation adds 10; input objects in arguments cost 1 each. Built once per loaded supergraph.
 */
export class CostCalculator {
  private readonly schema: GraphQLSchema;
  private readonly directives: CostDirectives;
  private readonly defaultListSize: number;
  private readonly minPageSize: number;
  private readonly maxPageSize: number;
  private readonly mutationWeight: number;
  private readonly introspectionWeight: number;
  private readonly selectionIds = new WeakMap<SelectionSetNode, number>();
  private nextSelectionId = 0;
  private readonly walks = new WeakMap<DocumentNode, Map<string, Walk>>();

  constructor(supergraphSdl: string | DocumentNode, apiSchema: GraphQLSchema, options: CostOptions = {}) {
    this.schema = apiSchema;
    this.directives = new CostDirectives(typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl);
    this.defaultListSize = options.defaultListSize ?? 10;
    this.minPageSize = options.minPageSize ?? 1;
    this.maxPageSize = options.maxPageSize ?? 100;
    this.mutationWeight = options.mutationWeight ?? 10;
    this.introspectionWeight = options.introspectionWeight ?? 1;
  }

  /**
   * The cost of an operation before it runs, from the schema alone; the document must have passed
   * validation (no fragment cycles, known fields). Throws BAD_USER_INPUT for a page size outside
   * the allowed range, a connection without its slicing argument, or variables that do not fit
   * their types.
   */
  requestedCost(document: DocumentNode, operationName: string | null | undefined, variables: Variables | null | undefined): number {
    const operation = this.operationOf(document, operationName);
    const walk = this.walkOf(document, operation, variables, true);
    if (walk.requested === undefined) {
      const root = this.rootType(operation);
      walk.requested = this.operationWeight(operation) + this.selectionCost(root, [operation.selectionSet], null, walk);
    }
    return walk.requested;
  }

  /**
   * The cost of what an operation returned: the same weights, with the lists as long as they came
   * back and nothing for what is null or missing (a response without data costs 0).
   */
  actualCost(document: DocumentNode, operationName: string | null | undefined, variables: Variables | null | undefined, data: unknown): number {
    const operation = getOperationAST(document, operationName);
    const root = operation && this.schema.getRootType(operation.operation);
    if (!operation || !root || !isRecord(data)) return 0;
    const walk = this.walkOf(document, operation, variables, false);
    walk.rootSets ??= [operation.selectionSet];
    return this.operationWeight(operation) + this.returnedObjectCost(root, walk.rootSets, data, walk);
  }

  private operationOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
    const operation = getOperationAST(document, operationName);
    if (!operation) throw badUserInput(operationName ? `The document has no operation named '${operationName}'.` : 'The document must name the operation to run.');
    return operation;
  }

  private rootType(operation: OperationDefinitionNode): GraphQLObjectType {
    const root = this.schema.getRootType(operation.operation);
    if (!root) throw badUserInput(`The schema has no ${operation.operation} type.`);
    return root;
  }

  private operationWeight(operation: OperationDefinitionNode): number {
    return operation.operation === 'mutation' ? this.mutationWeight : 0;
  }

  private walkOf(document: DocumentNode, operation: OperationDefinitionNode, raw: Variables | null | undefined, strict: boolean): Walk {
    const key = `${operation.name?.value ?? ''}\u0000${operation.variableDefinitions?.length ? JSON.stringify(raw ?? {}) : ''}`;
    let walks = this.walks.get(document);
    const known = walks?.get(key);
    if (known) return known;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const fresh = (variables: Variables): Walk => ({ fragments, variables, memo: new Map(), collected: new Map(), collectedBySets: new WeakMap(), returned: new WeakMap() });
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], raw ?? {}, { maxErrors: 1 });
    if (coerced.errors) {
      if (strict) throw badUserInput(coerced.errors[0]!.message);
      return fresh({});
    }
    const walk = fresh(coerced.coerced);
    if (!walks) {
      walks = new Map();
      this.walks.set(document, walks);
    }
    if (walks.size >= WALKS_PER_DOCUMENT) walks.clear();
    walks.set(key, walk);
    return walk;
  }

  private selectionId(selectionSet: SelectionSetNode): number {
    let id = this.selectionIds.get(selectionSet);
    if (id === undefined) {
      id = this.nextSelectionId++;
      this.selectionIds.set(selectionSet, id);
    }
    return id;
  }

  /** A selection on an interface or union costs as much as its most expensive possible type. */
  private selectionCost(type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], sized: SizedChildren | null, walk: Walk): number {
    if (!isAbstractType(type)) return this.objectCost(type, selectionSets, sized, walk);
    let most = 0;
    for (const possible of this.schema.getPossibleTypes(type)) most = Math.max(most, this.objectCost(possible, selectionSets, sized, walk));
    return most;
  }

  private objectCost(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], sized: SizedChildren | null, walk: Walk): number {
    const key = `${type.name}|${selectionSets.map((set) => this.selectionId(set)).join(',')}|${sized ? `${sized.fields.join(',')}:${sized.size}` : ''}`;
    const known = walk.memo.get(key);
    if (known !== undefined) return known;
    let cost = 0;
    for (const nodes of this.collectFields(type, selectionSets, walk).byKey.values()) cost += this.fieldCost(type, nodes, sized, walk);
    walk.memo.set(key, cost);
    return cost;
  }

  private fieldCost(parent: GraphQLObjectType, nodes: readonly FieldNode[], sized: SizedChildren | null, walk: Walk): number {
    const node = nodes[0]!;
    const name = node.name.value;
    if (name === '__typename') return 0;
    if (name === '__schema' || name === '__type') return this.introspectionWeight;
    const field = parent.getFields()[name];
    if (!field) return 0;
    const key = `${parent.name}.${name}`;
    const args = this.argumentsOf(field, node, walk);
    const listSize = this.directives.listSizes.get(key);
    const expected = listSize ? this.expectedSize(key, listSize, args) : null;
    const isList = isListType(getNullableType(field.type));
    const count = isList ? ((sized?.fields.includes(name) ? sized.size : null) ?? expected ?? this.defaultListSize) : 1;
    const named = getNamedType(field.type);
    let each = this.directives.weights.get(key) ?? this.typeWeight(named.name, isCompositeType(named));
    if (isCompositeType(named)) {
      const children = listSize && listSize.sizedFields.length > 0 ? { fields: listSize.sizedFields, size: expected ?? this.defaultListSize } : null;
      each += this.selectionCost(named, subselections(nodes), children, walk);
    }
    return count * each + this.argumentsCost(parent.name, field, args);
  }

  /** The list size a field's slicing arguments ask for, or its assumed size; checks the page size on the way. */
  private expectedSize(key: string, listSize: ListSize, args: Variables): number | null {
    const given: number[] = [];
    for (const name of listSize.slicingArguments) {
      const value = args[name];
      if (value === null || value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < this.minPageSize || value > this.maxPageSize) {
        throw badUserInput(`'${name}' on ${key} must be between ${this.minPageSize} and ${this.maxPageSize}; got ${String(value)}.`);
      }
      given.push(value);
    }
    if (listSize.requireOneSlicingArgument && listSize.slicingArguments.length > 0 && given.length !== 1) {
      const names = listSize.slicingArguments.map((name) => `'${name}'`).join(' or ');
      throw badUserInput(`${key} needs exactly one of ${names}, between ${this.minPageSize} and ${this.maxPageSize}.`);
    }
    return given.length > 0 ? Math.max(...given) : listSize.assumedSize;
  }

  private typeWeight(typeName: string, composite: boolean): number {
    return this.directives.weights.get(typeName) ?? (composite ? 1 : 0);
  }

  private argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, walk: Walk): Variables {
    try {
      return getArgumentValues(field, node, walk.variables);
    } catch (error) {
      // Validation has checked the literals; what is left is a variable the walk could not coerce.
      throw error instanceof GraphQLError ? badUserInput(error.message) : error;
    }
  }

  private argumentsCost(typeName: string, field: GraphQLField<unknown, unknown>, args: Variables): number {
    let cost = 0;
    for (const argument of field.args) {
      if (args[argument.name] === undefined) continue;
      cost += this.inputCost(argument.type, args[argument.name], this.directives.weights.get(`${typeName}.${field.name}(${argument.name})`));
    }
    return cost;
  }

  /** An input value: each input object 1 (or its @cost) plus its fields, each scalar or enum its @cost or 0, lists the sum of their items. */
  private inputCost(type: GraphQLInputType, value: unknown, weight: number | undefined): number {
    if (value === null || value === undefined) return 0;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      return items.reduce<number>((sum, item) => sum + this.inputCost(nullable.ofType as GraphQLInputType, item, weight), 0);
    }
    const named = getNamedType(nullable);
    if (!isInputObjectType(named)) return weight ?? this.typeWeight(named.name, false);
    let cost = weight ?? this.typeWeight(named.name, true);
    if (!isRecord(value)) return cost;
    for (const inputField of Object.values(named.getFields())) {
      cost += this.inputCost(inputField.type, value[inputField.name], this.directives.weights.get(`${named.name}.${inputField.name}`));
    }
    return cost;
  }

  /** The fields a selection runs on an object of `type`, by response key, as graphql-js collects them. */
  private collectFields(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], walk: Walk): CollectedFields {
    let byType = walk.collectedBySets.get(selectionSets);
    const same = byType?.get(type);
    if (same) return same;
    if (!byType) {
      byType = new Map();
      walk.collectedBySets.set(selectionSets, byType);
    }
    const cacheKey = `${type.name}|${selectionSets.map((set) => this.selectionId(set)).join(',')}`;
    const known = walk.collected.get(cacheKey);
    if (known) {
      byType.set(type, known);
      return known;
    }
    const fields = new Map<string, FieldNode[]>();
    const visited = new Set<string>();
    const collect = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (!this.included(selection, walk)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!selection.typeCondition || this.applies(selection.typeCondition.name.value, type)) collect(selection.selectionSet);
        } else {
          const name = selection.name.value;
          const fragment = walk.fragments.get(name);
          if (!fragment || visited.has(name)) continue;
          visited.add(name);
          if (this.applies(fragment.typeCondition.name.value, type)) collect(fragment.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet);
    const collected = { byKey: fields, typenameKey: [...fields].find(([, nodes]) => nodes[0]!.name.value === '__typename')?.[0] };
    walk.collected.set(cacheKey, collected);
    byType.set(type, collected);
    return collected;
  }

  private applies(condition: string, type: GraphQLObjectType): boolean {
    const conditionType = this.schema.getType(condition);
    if (!conditionType) return false;
    if (conditionType === type) return true;
    return isAbstractType(conditionType) && this.schema.isSubType(conditionType, type);
  }

  private included(node: SelectionNode, walk: Walk): boolean {
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.if !== false;
  }

  /** An object that came back: its type's fields that are in the response. */
  private returnedObjectCost(type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], value: Record<string, unknown>, walk: Walk): number {
    if (isObjectType(type)) return this.returnedFieldsCost(type, selectionSets, value, walk) ?? 0;
    let most = 0;
    for (const candidate of this.schema.getPossibleTypes(type)) most = Math.max(most, this.returnedFieldsCost(candidate, selectionSets, value, walk) ?? 0);
    return most;
  }

  /** null when the object says (by `__typename`) that it is of another type. */
  private returnedFieldsCost(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], value: Record<string, unknown>, walk: Walk): number | null {
    const { byKey, typenameKey } = this.collectFields(type, selectionSets, walk);
    if (typenameKey && typeof value[typenameKey] === 'string' && value[typenameKey] !== type.name) return null;
    let cost = 0;
    for (const [key, nodes] of byKey) {
      if (key in value) cost += this.returnedFieldCost(type, nodes, value[key], walk);
    }
    return cost;
  }

  private returnedFieldCost(parent: GraphQLObjectType, nodes: readonly FieldNode[], value: unknown, walk: Walk): number {
    let field = walk.returned.get(nodes);
    if (!field) {
      field = this.returnedField(parent, nodes, walk);
      walk.returned.set(nodes, field);
    }
    if (field.fixed) return field.each;
    if (!field.named) return 0;
    return this.returnedItemsCost(field, value, walk) + field.argumentsCost;
  }

  private returnedField(parent: GraphQLObjectType, nodes: readonly FieldNode[], walk: Walk): ReturnedField {
    const name = nodes[0]!.name.value;
    const free: ReturnedField = { named: null, composite: false, each: 0, fixed: false, argumentsCost: 0, subselections: [] };
    if (name === '__schema' || name === '__type') return { ...free, fixed: true, each: this.introspectionWeight };
    const field = parent.getFields()[name];
    if (name === '__typename' || !field) return free;
    const key = `${parent.name}.${name}`;
    let args: Variables = {};
    try {
      args = getArgumentValues(field, nodes[0]!, walk.variables);
    } catch {
      // priced without its arguments: the response is already there
    }
    const named = getNamedType(field.type);
    const composite = isCompositeType(named);
    return {
      named,
      composite,
      each: this.directives.weights.get(key) ?? this.typeWeight(named.name, composite),
      fixed: false,
      argumentsCost: this.argumentsCost(parent.name, field, args),
      subselections: composite ? subselections(nodes) : [],
    };
  }

  private returnedItemsCost(field: ReturnedField, item: unknown, walk: Walk): number {
    if (item === null || item === undefined) return 0;
    if (Array.isArray(item)) {
      let sum = 0;
      for (const inner of item) sum += this.returnedItemsCost(field, inner, walk);
      return sum;
    }
    if (!field.composite) return field.each;
    return isRecord(item) ? field.each + this.returnedObjectCost(field.named as GraphQLCompositeType, field.subselections, item, walk) : 0;
  }
}

function subselections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
