import { createGateway, gatewaySettings, type RunningGateway } from '@platform/gateway';
import { closeServer, createLogger } from '@platform/kit';
import { readCheckedInSupergraph } from '@platform/schema/compose.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backing, dataOf, errorCode, startTestPlatform, type GraphQLResult, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

/**
 * A pass-through in front of a subgraph that counts what reaches it: the gateway under test talks
 * to the subgraphs only through these, so "no subgraph was called" is a count that did not move.
 */
interface CountingProxy {
  url: string;
  requests: number;
  close(): Promise<void>;
}

async function countingProxy(target: string): Promise<CountingProxy> {
  const origin = new URL(target).origin;
  const proxy: CountingProxy = { url: '', requests: 0, close: async () => closeServer(server) };
  const server: Server = createServer((request, response) => {
    proxy.requests += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length', 'keep-alive'].includes(name)) headers[name] = value;
      }
      try {
        const answer = await fetch(new URL(request.url ?? '/', origin), {
          method: request.method,
          headers,
          body: request.method === 'POST' ? Buffer.concat(chunks) : undefined,
        });
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        response.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}${new URL(target).pathname}`;
  return proxy;
}

const secrets = {
  INTERNAL_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'),
};

let platform: TestPlatform;
let proxies: { identity: CountingProxy; billing: CountingProxy };
let gateway: RunningGateway;
let owner: SignedIn;

beforeAll(async () => {
  platform = await startTestPlatform(secrets);
  owner = await given(platform).owner();
  proxies = {
    identity: await countingProxy(platform.identity.url),
    billing: await countingProxy(platform.platform.billing.subgraph.url),
  };
  // A second gateway over the same subgraphs and store, the platform's default limits, reaching the subgraphs through the proxies.
  const { settings } = gatewaySettings({ NODE_ENV: 'test', LOG_LEVEL: backing.logLevel, WEB_APP_DIR: '', ...secrets });
  const created = await createGateway({
    settings: { ...settings, subgraphUrls: { identity: proxies.identity.url, billing: proxies.billing.url } },
    infra: platform.platform.infra,
    logger: createLogger({ service: 'test', level: backing.logLevel }),
  });
  gateway = await created.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await gateway?.close();
  await proxies?.identity.close();
  await proxies?.billing.close();
  await platform?.close();
});

function subgraphRequests(): number {
  return proxies.identity.requests + proxies.billing.requests;
}

async function graphql<Data = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string, via = gateway): Promise<GraphQLResult<Data>> {
  const response = await fetch(`${via.url.replace('localhost', '127.0.0.1')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult<Data>['body'] };
}

describe('a cost bomb', () => {
  it('of the public catalog walked back and forth, four lists deep, is refused before any subgraph is called', async () => {
    const before = subgraphRequests();
    const billingBefore = proxies.billing.requests;
    const bomb = await graphql('{ plans { prices { plan { prices { plan { prices { id currency } } } } } } }');
    expect(bomb.status).toBe(400);
    expect(errorCode(bomb)).toBe('QUERY_COST_EXCEEDED');
    // plans 10 x (1 + prices 8 x (1 + plan 1 + prices 8 x (1 + plan 1 + prices 8 x 1)))
    expect(bomb.body.errors![0]!.message).toMatch(/would cost 6570 points, more than the limit of 1000 points per operation/);
    expect(bomb.body.data).toBeUndefined();
    expect(bomb.body.extensions?.cost).toEqual({ requestedQueryCost: 6570, actualQueryCost: 0 });
    expect(subgraphRequests()).toBe(before);

    // The count is live: the same catalog, asked for sensibly, does reach billing.
    const sensible = await graphql('{ plans { key } }');
    expect(dataOf(sensible)).toHaveProperty('plans');
    expect(proxies.billing.requests).toBeGreaterThan(billingBefore);
  });

  it('of pages of 100 under every organization the caller belongs to is refused before any subgraph is called', async () => {
    const before = subgraphRequests();
    const bomb = await graphql(
      `{ viewer { memberships { organization { ...Pages } } } }
       fragment Pages on Organization {
         members(first: 100) { nodes { user { id } } }
         apiKeys(first: 100) { nodes { createdBy { id } } }
         invoices(first: 100) { nodes { lines { amount } } }
         again: members(first: 100) { edges { node { user { id } } } }
       }`,
      {},
      owner.accessToken,
    );
    expect(bomb.status).toBe(400);
    expect(errorCode(bomb)).toBe('QUERY_COST_EXCEEDED');
    // viewer 1 + 20 memberships x (1 + organization 1 + members 201 + apiKeys 201 + invoices 101 + edges 301)
    expect(bomb.body.extensions?.cost).toEqual({ requestedQueryCost: 1 + 20 * (2 + 201 + 201 + 101 + 301), actualQueryCost: 0 });
    expect(subgraphRequests()).toBe(before);
  });
});

describe('page sizes', () => {
  it('refuses first: 101 with BAD_USER_INPUT naming the argument and the range, before any subgraph is called', async () => {
    const before = subgraphRequests();
    const literal = await graphql('{ viewer { organization { members(first: 101) { nodes { id } } } } }', {}, owner.accessToken);
    expect(literal.status).toBe(400);
    expect(errorCode(literal)).toBe('BAD_USER_INPUT');
    expect(literal.body.errors![0]!.message).toBe("'first' on Organization.members must be between 1 and 100; got 101.");

    const variable = await graphql('query Keys($first: Int!) { viewer { organization { apiKeys(first: $first) { nodes { id } } } } }', { first: 0 }, owner.accessToken);
    expect(variable.status).toBe(400);
    expect(variable.body.errors![0]!.message).toBe("'first' on Organization.apiKeys must be between 1 and 100; got 0.");
    expect(subgraphRequests()).toBe(before);
  });
});

describe('extensions.cost', () => {
  it('comes with an ordinary query: the estimate from the page size, the actual from what came back', async () => {
    const result = await graphql('{ viewer { organization { members(first: 50) { nodes { role user { id } } } } } }', {}, owner.accessToken);
    const members = dataOf(result).viewer.organization.members.nodes as unknown[];
    expect(members).toHaveLength(1);
    expect(result.body.extensions?.cost).toMatchObject({
      // viewer 1 + organization 1 + connection 1 + 50 x (member 1 + user 1)
      requestedQueryCost: 103,
      actualQueryCost: 3 + members.length * 2,
    });
  });

  it('counts the lists of the public catalog as long as they came back, never above the estimate', async () => {
    const result = await graphql<{ plans: { key: string; prices: { id: string; components: { kind: string }[] }[] }[] }>(
      '{ plans { key prices { id components { kind } } } }',
    );
    const plans = dataOf(result).plans;
    const prices = plans.flatMap((plan) => plan.prices);
    expect(prices.length).toBeGreaterThan(plans.length);
    const cost = result.body.extensions!.cost as { requestedQueryCost: number; actualQueryCost: number };
    // plans 10 x (1 + prices 8 x 1); components are kept in their price's row and cost nothing
    expect(cost.requestedQueryCost).toBe(90);
    expect(cost.actualQueryCost).toBe(plans.length + prices.length);
    expect(cost.actualQueryCost).toBeLessThanOrEqual(cost.requestedQueryCost);
  });

  it('charges a mutation 10 more, estimated and actual', async () => {
    const result = await graphql('mutation Rename($input: UserUpdateInput!) { userUpdate(input: $input) { user { id name } userErrors { code } } }', { input: { name: 'Renamed Owner' } }, owner.accessToken);
    expect(dataOf(result).userUpdate.user.name).toBe('Renamed Owner');
    // 10 + input 1 + payload 1 + user 1 + userErrors 10 x 1, of which none came back
    expect(result.body.extensions?.cost).toMatchObject({ requestedQueryCost: 23, actualQueryCost: 13 });
  });

  it('comes with a partial answer too, next to the error a subgraph raised and the gateway passed through its masking', async () => {
    const result = await graphql('{ viewer { organization { members(first: 10, after: "not-a-cursor") { nodes { id } } } } }', {}, owner.accessToken);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.body.errors![0]!.message).toMatch(/not a valid cursor/);
    expect(result.body.data).toEqual({ viewer: null });
    expect(result.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1 + 1 + 1 + 10, actualQueryCost: 0 });
  });
});

describe('a reloaded supergraph', () => {
  it('is priced by its own @listSize from the next operation on', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'supergraph-cost-'));
    const path = join(folder, 'supergraph.graphql');
    const original = readCheckedInSupergraph();
    const rolesField = /(roles: \[RoleInfo!\]! .*@listSize\(assumedSize: )10\)/;
    expect(original).toMatch(rolesField);
    writeFileSync(path, original);
    const { settings } = gatewaySettings({ NODE_ENV: 'development', LOG_LEVEL: backing.logLevel, WEB_APP_DIR: '', SUPERGRAPH_PATH: path, ...secrets });
    const created = await createGateway({
      settings: { ...settings, subgraphUrls: { identity: proxies.identity.url, billing: proxies.billing.url } },
      infra: platform.platform.infra,
      logger: createLogger({ service: 'test', level: backing.logLevel }),
    });
    const reloading = await created.listen(0, '127.0.0.1');
    try {
      const requestedCost = async () => ((await graphql('{ roles { role } }', {}, undefined, reloading)).body.extensions?.cost as { requestedQueryCost: number }).requestedQueryCost;
      expect(await requestedCost()).toBe(10);
      writeFileSync(path, original.replace(rolesField, '$130)'));
      const deadline = Date.now() + 10_000;
      let cost = await requestedCost();
      while (cost !== 30 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        cost = await requestedCost();
      }
      expect(cost).toBe(30);
    } finally {
      await reloading.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
