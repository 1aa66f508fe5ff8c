import { createGateway, gatewaySettings, type RunningGateway } from '@platform/gateway';
import { closeServer, createLogger } from '@platform/kit';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backing, dataOf, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

/**
 * How the way to the usage subgraph behaves: `pass` forwards; `down` cuts the connection (unreachable);
 * `hold` keeps the request waiting until released (a slow subgraph); `lose-answer` forwards, lets the
 * subgraph count the batch, and cuts the connection before the answer gets back.
 */
type Mode = 'pass' | 'down' | 'hold' | 'lose-answer';

interface UsageProxy {
  url: string;
  mode: Mode;
  /** The batch ids of the ingest requests that reached the proxy, in order. */
  batchIds: string[];
  /** Requests waiting in `hold`. */
  held: number;
  release(): void;
  close(): Promise<void>;
}

async function usageProxy(target: string): Promise<UsageProxy> {
  const origin = new URL(target).origin;
  let waiting: (() => void)[] = [];
  const forward = async (request: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length', 'keep-alive'].includes(name)) headers[name] = value;
    }
    return fetch(new URL(request.url ?? '/', origin), { method: 'POST', headers, body });
  };
  const answer = async (response: ServerResponse, reply: Response) => {
    response.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await reply.arrayBuffer()));
  };
  const proxy: UsageProxy = {
    url: '',
    mode: 'pass',
    batchIds: [],
    held: 0,
    release() {
      const released = waiting;
      waiting = [];
      for (const resume of released) resume();
    },
    close: async () => closeServer(server, 100),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (request.url === '/internal/usage/ingest') proxy.batchIds.push((JSON.parse(body.toString('utf8')) as { batchId: string }).batchId);
      try {
        if (proxy.mode === 'down') {
          request.socket.destroy();
          return;
        }
        if (proxy.mode === 'hold') {
          proxy.held += 1;
          await new Promise<void>((resume) => waiting.push(resume));
          proxy.held -= 1;
        }
        const reply = await forward(request, body);
        if (proxy.mode === 'lose-answer') {
          await reply.arrayBuffer();
          request.socket.destroy();
          return;
        }
        await answer(response, reply);
      } catch {
        response.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}/graphql`;
  return proxy;
}

/** Waits until `condition` holds, failing after `timeoutMs`. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const secrets = { INTERNAL_SIGNING_SECRET: randomBytes(32).toString('base64url'), ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url') };
const TOP = 'query DeliveryTop($from: DateTime!, $to: DateTime!) { usageTopOperations(from: $from, to: $to, first: 50) { operationName calls cost errors } }';
const PROBE = 'query DeliveryProbe { viewer { organization { id name } } }';
const HOUR = 60 * 60 * 1000;

let platform: TestPlatform;
let proxy: UsageProxy;
const gateways: RunningGateway[] = [];

/** Another gateway over the platform's subgraphs and store, reaching the usage subgraph through the proxy. */
async function gatewayThroughProxy(): Promise<RunningGateway> {
  const { settings } = gatewaySettings({ NODE_ENV: 'test', LOG_LEVEL: backing.logLevel, WEB_APP_DIR: '', RATE_LIMIT_BURST_SECONDS: '3600', USAGE_FLUSH_INTERVAL_MS: '3600000', ...secrets });
  const running = platform.platform;
  const created = await createGateway({
    settings: {
      ...settings,
      subgraphUrls: { identity: running.identity.url, billing: running.billing.subgraph.url, notifications: running.notifications.subgraph.url, usage: proxy.url },
    },
    infra: running.infra,
    logger: createLogger({ service: 'test', level: backing.logLevel }),
  });
  const gateway = await created.listen(0, '127.0.0.1');
  gateways.push(gateway);
  return gateway;
}

async function probe(gateway: RunningGateway, who: SignedIn): Promise<number> {
  const response = await fetch(`${gateway.url.replace('localhost', '127.0.0.1')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${who.accessToken}` },
    body: JSON.stringify({ query: PROBE }),
  });
  const body = (await response.json()) as { data?: { viewer: { organization: { id: string } } }; extensions: { cost: { actualQueryCost: number } } };
  expect(body.data?.viewer.organization.id).toBe(who.organizationId);
  return body.extensions.cost.actualQueryCost;
}

/** What the usage subgraph counted for the probe operation, read through the platform's own gateway. */
async function counted(who: SignedIn): Promise<{ calls: number; cost: number } | undefined> {
  const now = Date.now();
  const top = dataOf(await platform.graphql<any>(TOP, { from: new Date(now - HOUR).toISOString(), to: new Date(now + HOUR).toISOString() }, { token: who.accessToken })).usageTopOperations;
  const row = top.find((entry: { operationName: string }) => entry.operationName === 'DeliveryProbe');
  return row && { calls: row.calls, cost: row.cost };
}

beforeAll(async () => {
  platform = await startTestPlatform({ ...secrets, USAGE_FLUSH_INTERVAL_MS: '3600000' });
  proxy = await usageProxy(platform.platform.usage.subgraph.url);
});

afterAll(async () => {
  proxy.mode = 'pass';
  proxy.release();
  for (const gateway of gateways) await gateway.close();
  await proxy?.close();
  await platform?.close();
});

beforeEach(() => {
  proxy.mode = 'pass';
});

describe('usage delivery from the gateway', () => {
  it('never makes a request wait for the usage write: operations answer while the usage subgraph hangs', async () => {
    const gateway = await gatewayThroughProxy();
    const owner = await given(platform).owner();
    const cost = await probe(gateway, owner);
    proxy.mode = 'hold';
    const flushing = gateway.flushUsage();
    await waitFor(() => proxy.held === 1, 'the batch to reach the hanging usage subgraph');
    // The usage subgraph has not answered, and operations keep answering.
    for (let index = 0; index < 5; index += 1) await probe(gateway, owner);
    expect(proxy.held).toBe(1);
    expect(await counted(owner)).toBeUndefined();

    proxy.mode = 'pass';
    proxy.release();
    expect(await flushing).toBe(true);
    expect(await counted(owner)).toEqual({ calls: 1, cost });
    // What was recorded meanwhile goes with the next flush.
    expect(await gateway.flushUsage()).toBe(true);
    expect(await counted(owner)).toEqual({ calls: 6, cost: 6 * cost });
  });

  it('keeps what the usage subgraph could not take while it is down, and delivers it once it is back', async () => {
    const gateway = await gatewayThroughProxy();
    const owner = await given(platform).owner();
    proxy.mode = 'down';
    let cost = 0;
    for (let index = 0; index < 4; index += 1) cost = await probe(gateway, owner);
    expect(await gateway.flushUsage()).toBe(false);
    expect(await gateway.flushUsage()).toBe(false);
    expect(await counted(owner)).toBeUndefined();

    proxy.mode = 'pass';
    await probe(gateway, owner);
    expect(await gateway.flushUsage()).toBe(true);
    expect(await counted(owner)).toEqual({ calls: 5, cost: 5 * cost });
  });

  it('sends a batch whose answer was lost again under the same id, and it is counted once', async () => {
    const gateway = await gatewayThroughProxy();
    const owner = await given(platform).owner();
    const cost = await probe(gateway, owner);
    await probe(gateway, owner);
    proxy.mode = 'lose-answer';
    const before = proxy.batchIds.length;
    expect(await gateway.flushUsage()).toBe(false);
    // The usage subgraph did count it; the gateway could not know.
    expect(await counted(owner)).toEqual({ calls: 2, cost: 2 * cost });

    proxy.mode = 'pass';
    expect(await gateway.flushUsage()).toBe(true);
    const sent = proxy.batchIds.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(await counted(owner)).toEqual({ calls: 2, cost: 2 * cost });
  });

  it('delivers everything on a graceful close', async () => {
    const gateway = await gatewayThroughProxy();
    const owner = await given(platform).owner();
    let cost = 0;
    for (let index = 0; index < 3; index += 1) cost = await probe(gateway, owner);
    expect(await counted(owner)).toBeUndefined();
    await gateway.close();
    gateways.splice(gateways.indexOf(gateway), 1);
    expect(await counted(owner)).toEqual({ calls: 3, cost: 3 * cost });
  });
});
