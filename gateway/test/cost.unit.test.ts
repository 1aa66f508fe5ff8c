import { Supergraph } from '@apollo/federation-internals';
import { readCheckedInSupergraph } from '@platform/schema/compose.ts';
import {
  GraphQLError,
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { gatewayEnvironment } from '../src/config.ts';
import { CostCalculator } from '../src/cost.ts';

const DIRECTIVES = /* GraphQL */ `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
`;

const TYPES = /* GraphQL */ `
  type Query {
    shop: Shop
    shops(first: Int = 10): [Shop!]! @listSize(slicingArguments: ["first"])
    products(first: Int, last: Int): ProductConnection! @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges", "nodes"])
    anyProducts(first: Int, last: Int): [Product!]! @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
    featured: [Product!]! @listSize(assumedSize: 5)
    everything: [Product!]!
    tags: [String!]!
    search(term: String!): [SearchResult!]! @listSize(assumedSize: 3)
    node(id: ID!): Node
    report(filter: ReportFilter @cost(weight: 4)): Report @cost(weight: 20)
    version: String
  }

  type Mutation {
    productCreate(input: ProductInput!): Product
  }

  type Shop {
    id: ID!
    name: String!
    products(first: Int = 20, after: String): ProductConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges", "nodes"])
    owner: User
  }

  type ProductConnection {
    edges: [ProductEdge!]!
    nodes: [Product!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type ProductEdge {
    cursor: String!
    node: Product!
  }

  type PageInfo {
    hasNextPage: Boolean!
  }

  interface Node {
    id: ID!
  }

  type Product implements Node {
    id: ID!
    title: String!
    price: Money!
    status: Status!
    variants(first: Int = 10): [Variant!]! @listSize(slicingArguments: ["first"])
    related: [Product!]! @listSize(assumedSize: 4)
  }

  type Variant {
    sku: String!
    image: Image
  }

  "Resized on the fly: dearer than a plain object."
  type Image @cost(weight: 5) {
    url: String!
  }

  type User implements Node {
    id: ID!
    name: String!
    orders(first: Int = 5): [Order!]! @listSize(slicingArguments: ["first"])
  }

  type Order {
    id: ID!
    total: Money! @cost(weight: 1)
  }

  type Report {
    rows: Int!
  }

  union SearchResult = Product | User

  scalar Money @cost(weight: 2)

  enum Status {
    ACTIVE
    ARCHIVED
  }

  input ReportFilter {
    from: String
    tags: [String!] @cost(weight: 3)
  }

  input ProductInput {
    title: String!
    variants: [VariantInput!]
  }

  input VariantInput {
    sku: String!
  }
`;

const SDL = DIRECTIVES + TYPES;
const schema = buildSchema(SDL);
const calculator = new CostCalculator(SDL, schema);

function requested(source: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  return calculator.requestedCost(parse(source), operationName, variables);
}

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a GraphQLError');
}

describe('requested cost: the defaults', () => {
  it('charges 1 for each object, 0 for scalars and enums, and 0 for __typename', () => {
    expect(requested('{ version }')).toBe(0);
    expect(requested('{ shop { id name __typename } }')).toBe(1);
    expect(requested('{ shop { owner { id name } } }')).toBe(2);
  });

  it('uses @cost on a type, a field and a scalar instead of the default weight', () => {
    // report: 20 (its own @cost replaces Report's default 1); Image: 5 per image; Money: 2
    expect(requested('{ report { rows } }')).toBe(20);
    expect(requested('{ shop { products(first: 2) { nodes { price } } } }')).toBe(1 + 1 + 2 * (1 + 2));
    expect(requested('{ shop { products(first: 2) { nodes { variants(first: 3) { image { url } } } } } }')).toBe(1 + 1 + 2 * (1 + 3 * (1 + 5)));
  });

  it('adds 10 for a mutation, and 1 for each input object in its arguments', () => {
    expect(requested('mutation { productCreate(input: { title: "Mug" }) { id } }')).toBe(10 + 1 + 1);
    expect(requested('mutation($input: ProductInput!) { productCreate(input: $input) { id } }', { input: { title: 'Mug', variants: [{ sku: 'a' }, { sku: 'b' }] } })).toBe(10 + 1 + (1 + 2));
  });

  it('prices arguments with @cost: the argument, then each input field that carries one', () => {
    expect(requested('{ report(filter: { from: "2026-01-01" }) { rows } }')).toBe(20 + 4);
    expect(requested('{ report(filter: { tags: ["a", "b"] }) { rows } }')).toBe(20 + 4 + 2 * 3);
    expect(requested('{ report(filter: null) { rows } }')).toBe(20);
  });
});

describe('requested cost: lists', () => {
  it('multiplies by the slicing argument, from a literal or a variable', () => {
    expect(requested('{ shops(first: 7) { id } }')).toBe(7);
    expect(requested('query($n: Int) { shops(first: $n) { id } }', { n: 3 })).toBe(3);
  });

  it("takes the argument's default from the schema when it is omitted, or its variable is not given", () => {
    expect(requested('{ shops { id } }')).toBe(10);
    expect(requested('query($n: Int) { shops(first: $n) { id } }')).toBe(10);
    expect(requested('query($n: Int = 4) { shops(first: $n) { id } }')).toBe(4);
  });

  it('uses the assumed size, else the default list size, for lists without a slicing argument', () => {
    expect(requested('{ featured { id } }')).toBe(5);
    expect(requested('{ everything { id } }')).toBe(10);
    expect(new CostCalculator(SDL, schema, { defaultListSize: 25 }).requestedCost(parse('{ everything { id } }'), undefined, {})).toBe(25);
  });

  it('sizes the edges and nodes of a connection, not the connection itself', () => {
    // shop 1, products connection 1, pageInfo 1, edges 50 x (edge 1 + node 1), nodes 50 x 1
    expect(requested('{ shop { products(first: 50) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } nodes { id } } } }')).toBe(
      1 + 1 + 1 + 50 * 2 + 50,
    );
  });

  it('multiplies nested lists through every level', () => {
    // 100 shops x 100 products x 100 variants x 100 related products: the classic cost bomb
    const bomb = '{ shops(first: 100) { products(first: 100) { nodes { variants(first: 100) { image { url } } related { id } } } } }';
    expect(requested(bomb)).toBe(100 * (1 + 1 + 100 * (1 + 100 * (1 + 5) + 4 * 1)));
    expect(requested(bomb)).toBeGreaterThan(6_000_000);
  });

  it('takes the largest slicing argument when more than one is allowed and given', () => {
    expect(requested('{ anyProducts(first: 3, last: 8) { id } }')).toBe(8);
    expect(requested('{ anyProducts { id } }')).toBe(10);
  });
});

describe('requested cost: page sizes', () => {
  it.each([0, 101, -1])('refuses first: %d with BAD_USER_INPUT naming the argument and the range', (first) => {
    const error = refusal(() => requested(`{ shops(first: ${first}) { id } }`));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe(`'first' on Query.shops must be between 1 and 100; got ${first}.`);
  });

  it('checks page sizes passed as variables, and inside fragments', () => {
    expect(refusal(() => requested('query($n: Int) { shops(first: $n) { id } }', { n: 500 })).message).toMatch(/'first' on Query.shops must be between 1 and 100; got 500/);
    expect(refusal(() => requested('{ shop { ...P } } fragment P on Shop { products(first: 101) { nodes { id } } }')).message).toMatch(/Shop.products/);
  });

  it('accepts both ends of the range', () => {
    expect(requested('{ shops(first: 1) { id } }')).toBe(1);
    expect(requested('{ shops(first: 100) { id } }')).toBe(100);
  });

  it('refuses a connection that requires one slicing argument when it gets none or two', () => {
    expect(refusal(() => requested('{ products { nodes { id } } }')).message).toBe("Query.products needs exactly one of 'first' or 'last', between 1 and 100.");
    expect(refusal(() => requested('{ products(first: 2, last: 2) { nodes { id } } }')).extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses variables that do not fit their types before pricing anything', () => {
    const error = refusal(() => requested('query($n: Int!) { shops(first: $n) { id } }', {}));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/\$n/);
  });
});

describe('requested cost: fragments, directives and introspection', () => {
  it('follows named and inline fragments, and counts a field selected twice once', () => {
    const direct = requested('{ shop { id owner { name } products(first: 5) { nodes { id } } } }');
    expect(requested('{ shop { ...S } } fragment S on Shop { id owner { name } ... on Shop { products(first: 5) { nodes { id } } } }')).toBe(direct);
    expect(requested('{ shop { owner { id } owner { name } } }')).toBe(2);
  });

  it('prices an aliased field each time it is selected under another name', () => {
    expect(requested('{ a: shops(first: 10) { id } b: shops(first: 20) { id } }')).toBe(30);
  });

  it('takes the most expensive possible type of a union or an interface', () => {
    // Product: 1 + 20 variants; User: 1 + 5 orders x (1 + total's own @cost 1)
    const source = '{ search(term: "x") { ... on Product { variants(first: 20) { sku } } ... on User { orders { total } } } }';
    expect(requested(source)).toBe(3 * Math.max(1 + 20, 1 + 5 * 2));
    expect(requested('{ node(id: "1") { id ... on User { orders(first: 50) { id } } } }')).toBe(1 + 50);
  });

  it('leaves out what @skip and @include leave out', () => {
    expect(requested('query($full: Boolean!) { shop { id owner @include(if: $full) { id } } }', { full: false })).toBe(1);
    expect(requested('query($full: Boolean!) { shop { id owner @include(if: $full) { id } } }', { full: true })).toBe(2);
    expect(requested('{ shop { owner @skip(if: true) { id } } }')).toBe(1);
  });

  it('prices the operation that is asked for by name', () => {
    const document = 'query Cheap { version } query Dear { shops(first: 50) { id } }';
    expect(requested(document, {}, 'Cheap')).toBe(0);
    expect(requested(document, {}, 'Dear')).toBe(50);
  });

  it('charges introspection a small fixed cost, however much it selects', () => {
    expect(requested('{ __schema { types { name fields { name type { name } } } } }')).toBe(1);
    expect(requested('{ __type(name: "Shop") { fields { name } } }')).toBe(1);
  });
});

describe('actual cost', () => {
  function actual(source: string, data: unknown, variables: Record<string, unknown> = {}): number {
    return calculator.actualCost(parse(source), undefined, variables, data);
  }

  it('counts the lists as long as they came back', () => {
    const source = '{ shop { products(first: 50) { nodes { id variants { sku } } } } }';
    const data = { shop: { products: { nodes: [{ id: 'p1', variants: [{ sku: 'a' }, { sku: 'b' }] }, { id: 'p2', variants: [] }] } } };
    expect(actual(source, data)).toBe(1 + 1 + (1 + 2) + 1);
    expect(actual(source, data)).toBeLessThan(requested(source));
  });

  it('counts nothing for null objects and nothing at all without data', () => {
    expect(actual('{ shop { owner { id } } }', { shop: { owner: null } })).toBe(1);
    expect(actual('{ shop { owner { id } } }', { shop: null })).toBe(0);
    expect(actual('{ shop { id } }', null)).toBe(0);
    expect(actual('mutation { productCreate(input: { title: "Mug" }) { id } }', undefined)).toBe(0);
  });

  it('keeps the weights, the aliases and the mutation charge of the estimate', () => {
    const source = '{ a: shops(first: 3) { products(first: 2) { nodes { price variants { image { url } } } } } }';
    const data = { a: [{ products: { nodes: [{ price: 5, variants: [{ image: { url: 'u' } }, { image: null }] }] } }] };
    expect(actual(source, data)).toBe(1 + 1 + (1 + 2 + (1 + 5) + 1));
    expect(actual('mutation($input: ProductInput!) { productCreate(input: $input) { id } }', { productCreate: { id: 'p' } }, { input: { title: 'Mug' } })).toBe(10 + 1 + 1);
  });

  it('prices each object of a union by the type it turned out to be', () => {
    // Both types answer under the same keys; read as a Product, the User's orders would cost more.
    const source = '{ search(term: "x") { __typename ... on Product { x: related { m: price } } ... on User { x: orders { m: total } } } }';
    const data = {
      search: [
        { __typename: 'Product', x: [{ m: 1 }] },
        { __typename: 'User', x: [{ m: 1 }, { m: 2 }] },
      ],
    };
    expect(actual(source, data)).toBe(1 + 1 * (1 + 2) + (1 + 2 * (1 + 1)));
  });

  it('follows fragments the way the estimate does', () => {
    const source = '{ shop { ...S } } fragment S on Shop { owner { ...U } } fragment U on User { orders { id } }';
    expect(actual(source, { shop: { owner: { orders: [{ id: '1' }] } } })).toBe(1 + 1 + 1);
  });
});

describe('one parsed document, priced again and again', () => {
  // The server hands the calculator the same DocumentNode for every request with the same text.
  it('prices each set of variables by its own values, including a set seen before', () => {
    const document = parse('query Shops($n: Int!, $withOwner: Boolean!) { shops(first: $n) { owner @include(if: $withOwner) { id } } }');
    const price = (variables: Record<string, unknown>) => calculator.requestedCost(document, 'Shops', variables);
    expect(price({ n: 3, withOwner: false })).toBe(3);
    expect(price({ n: 3, withOwner: true })).toBe(3 * 2);
    expect(price({ n: 50, withOwner: true })).toBe(50 * 2);
    expect(price({ n: 3, withOwner: false })).toBe(3);
    for (let round = 0; round < 40; round += 1) expect(price({ n: 1 + (round % 20), withOwner: true })).toBe(2 * (1 + (round % 20)));
  });

  it('refuses a bad page size every time it is sent, and still prices good ones', () => {
    const document = parse('query Shops($n: Int!) { shops(first: $n) { id } }');
    const price = (n: unknown) => calculator.requestedCost(document, 'Shops', { n });
    expect(refusal(() => price(101)).extensions.code).toBe('BAD_USER_INPUT');
    expect(refusal(() => price(101)).extensions.code).toBe('BAD_USER_INPUT');
    expect(refusal(() => price('many')).extensions.code).toBe('BAD_USER_INPUT');
    expect(price(7)).toBe(7);
  });

  it('prices each response of the same document by what it holds', () => {
    const document = parse('{ search(term: "x") { __typename ... on Product { x: related { m: price } } ... on User { x: orders { m: total } } } }');
    const actual = (data: unknown) => calculator.actualCost(document, undefined, {}, data);
    expect(actual({ search: [{ __typename: 'Product', x: [{ m: 1 }] }] })).toBe(1 + (1 + 2));
    expect(actual({ search: [{ __typename: 'User', x: [{ m: 1 }, { m: 2 }] }] })).toBe(1 + 2 * (1 + 1));
    expect(actual({ search: [] })).toBe(0);
    expect(actual({ search: [{ __typename: 'Product', x: [{ m: 1 }] }] })).toBe(1 + (1 + 2));
  });
});

describe('directive names', () => {
  it('reads a supergraph, where @cost is the cost spec itself and @listSize is imported', () => {
    const supergraph = `
      schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) { query: Query }
      directive @link(url: String, as: String, for: String, import: [String]) repeatable on SCHEMA
      ${DIRECTIVES}
      type Query { items(first: Int = 5): [Item!]! @listSize(slicingArguments: ["first"]) dear: Item @cost(weight: 9) }
      type Item { id: ID! }
    `;
    const priced = new CostCalculator(supergraph, buildSchema(supergraph));
    expect(priced.requestedCost(parse('{ items { id } dear { id } }'), undefined, {})).toBe(5 + 9);
  });

  it('reads a subgraph that links federation without importing them', () => {
    const subgraph = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      directive @link(url: String, as: String, for: String, import: [String]) repeatable on SCHEMA
      directive @federation__cost(weight: Int!) on FIELD_DEFINITION | OBJECT
      directive @federation__listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
      type Query { items: [Item!]! @federation__listSize(assumedSize: 7) }
      type Item @federation__cost(weight: 3) { id: ID! }
    `;
    const priced = new CostCalculator(subgraph, buildSchema(subgraph));
    expect(priced.requestedCost(parse('{ items { id } }'), undefined, {})).toBe(7 * 3);
  });

  it('reads renamed imports', () => {
    const renamed = `
      schema @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", import: [{ name: "@listSize", as: "@size" }]) { query: Query }
      directive @link(url: String, as: String, for: String, import: [Import]) repeatable on SCHEMA
      scalar Import
      directive @price(weight: Int!) on FIELD_DEFINITION | OBJECT
      directive @size(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
      type Query { items: [Item!]! @size(assumedSize: 2) }
      type Item @price(weight: 6) { id: ID! }
    `;
    const priced = new CostCalculator(renamed, buildSchema(renamed));
    expect(priced.requestedCost(parse('{ items { id } }'), undefined, {})).toBe(2 * 6);
  });
});

describe('the platform supergraph', () => {
  const supergraph = readCheckedInSupergraph();
  const apiSchema = Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema();
  const platform = new CostCalculator(supergraph, apiSchema);
  const maxQueryCost = gatewayEnvironment.shape.MAX_QUERY_COST.parse(undefined);

  /** A value of the right shape for every variable: required fields filled, pages at their largest. */
  function sampleVariables(operation: OperationDefinitionNode, target: GraphQLSchema): Record<string, unknown> {
    const sample = (type: GraphQLInputType, name: string): unknown => {
      const nullable = getNullableType(type);
      if (isListType(nullable)) return [sample(nullable.ofType as GraphQLInputType, name)];
      const named = getNamedType(nullable);
      if (isInputObjectType(named)) {
        return Object.fromEntries(Object.values(named.getFields()).filter((field) => isNonNullType(field.type)).map((field) => [field.name, sample(field.type, field.name)]));
      }
      if (isEnumType(named)) return named.getValues()[0]!.value;
      if (named.name === 'Int') return name === 'first' ? 100 : 1;
      if (named.name === 'Boolean') return true;
      if (named.name === 'Float') return 1;
      return 'x';
    };
    return Object.fromEntries(
      (operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, sample(typeFromAST(target, definition.type as never) as GraphQLInputType, definition.variable.name.value)]),
    );
  }

  const manifest = JSON.parse(readFileSync(new URL('../../client/persisted-operations.json', import.meta.url), 'utf8')) as { operations: { name: string; body: string }[] };

  it.each(manifest.operations.map((operation) => [operation.name, operation.body]))(
    "the web app's %s stays well under the default limit, with pages of 100",
    (name, body) => {
      const document = parse(body);
      const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition' && definition.name?.value === name) as OperationDefinitionNode;
      const cost = platform.requestedCost(document, name, sampleVariables(operation, apiSchema));
      expect(cost).toBeLessThanOrEqual(maxQueryCost / 4);
    },
  );

  it('prices a page of 100 members by its items', () => {
    const cost = platform.requestedCost(parse('{ viewer { organization { members(first: 100) { nodes { user { id } } } } } }'), undefined, {});
    expect(cost).toBe(1 + 1 + 1 + 100 * 2);
  });

  it('refuses a page of 101 invoices', () => {
    expect(refusal(() => platform.requestedCost(parse('{ viewer { organization { invoices(first: 101) { nodes { id } } } } }'), undefined, {})).message).toBe(
      "'first' on Organization.invoices must be between 1 and 100; got 101.",
    );
  });

  it('prices the public catalog walked back and forth far over the limit', () => {
    const bomb = '{ plans { prices { plan { prices { plan { prices { id } } } } } } }';
    expect(platform.requestedCost(parse(bomb), undefined, {})).toBeGreaterThan(maxQueryCost);
  });
});
