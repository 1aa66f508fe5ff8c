/**
 * `npm run bench:gateway`: our gateway, every protection on (authentication, @access authorization,
 * depth/alias/directive/token limits, CSRF prevention, query cost, rate limits, usage recording,
 * signed subgraph requests over the keep-alive agent), against the same gateway with query cost, rate
 * limits and usage recording off, and against a stock @apollo/gateway + @apollo/server standalone, on
 * the same subgraphs, in the same run, with the same federated query. The stock gateway signs its
 * subgraph requests too (the subgraphs refuse anything else) but otherwise uses Apollo's defaults,
 * including its default fetcher.
 *
 * Env: BENCH_SECONDS (10) per measured run, BENCH_CONNECTIONS (50), BENCH_JIT_WARMUP_SECONDS (10) per target,
 * twice around, before any round (the servers share one process, and its code takes that long to settle
 * under load: cold rounds measured whichever target came first as much as 20% slower), BENCH_WARMUP_SECONDS (2) before each
 * measured run, BENCH_ROUNDS (4): ours with and without protection run back to back in every round, in
 * turns first; stock at the other end of the round. Each round's on/off ratio is printed, and their median.
 * The load runs in a worker thread; the servers run in this one. Loopback only.
 */
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createGateway, type RunningGateway } from '@platform/gateway';
import { createLogger } from '@platform/kit';
import { startStandaloneServer } from '@apollo/server/standalone';
import { newId, signRequest } from '@platform/kit';
import { ROLE_PERMISSIONS, isRole, type Principal } from '@platform/schema';
import { readCheckedInSupergraph } from '@platform/schema/compose.ts';
import { deepStrictEqual } from 'node:assert/strict';
import { concatSamples, runLoad, summarize, type LoadReport } from './support/load.ts';
import { BENCH_OWNER, expectData, positiveIntegerFromEnv, postGraphQL, signIn, startBenchPlatform, watchdog, type BenchPlatform } from './support/platform.ts';
import { formatTable } from './support/table.ts';

const QUERY =
  'query Bench { viewer { user { id name email } organization { id name slug members(first: 20) { totalCount nodes { id role user { id name email } } } } role permissions memberships { role organization { id name } } } }';

const seconds = positiveIntegerFromEnv('BENCH_SECONDS', 10);
const connections = positiveIntegerFromEnv('BENCH_CONNECTIONS', 50);
const warmupSeconds = positiveIntegerFromEnv('BENCH_WARMUP_SECONDS', 2);
const jitWarmupSeconds = positiveIntegerFromEnv('BENCH_JIT_WARMUP_SECONDS', 10);
const rounds = positiveIntegerFromEnv('BENCH_ROUNDS', 4);
watchdog(rounds * 3 * (seconds + warmupSeconds + 15) + 6 * jitWarmupSeconds + 120, 'The gateway benchmark');

const quiet = {
  debug() {},
  info() {},
  warn: (message: unknown) => console.error('[stock gateway]', message),
  error: (message: unknown) => console.error('[stock gateway]', message),
};

/**
 * Apollo's RemoteGraphQLDataSource with its default fetcher, plus the signed headers our subgraphs
 * require: the same envelope and HMAC our gateway's signing fetcher adds, built in willSendRequest.
 */
class SignedStockDataSource extends RemoteGraphQLDataSource {
  secret = '';
  principal: Principal = { kind: 'anonymous' };

  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    const http = request.http;
    if (!http) throw new Error('Only HTTP subgraph requests are supported');
    // The exact body RemoteGraphQLDataSource.process() then sends (APQ off): the request without
    // `http`, `query` first. A difference would be refused by the subgraph, and caught by the checks.
    const { query, http: _http, ...rest } = request;
    const body = JSON.stringify({ query, ...rest });
    const requestId = newId('req');
    const headers = signRequest(this.secret, { principal: this.principal, requestId, clientIp: null, userAgent: null, issuedAt: Date.now() }, body);
    for (const [name, value] of Object.entries(headers)) http.headers.set(name, value);
    http.headers.set('x-request-id', requestId);
  }
}

/** The owner's principal as our gateway builds it from the access token, checked against `viewer`. */
function ownerPrincipal(token: string, viewer: { user: { id: string }; organization: { id: string } }): Principal {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  const { sub, org, sid, role } = claims;
  if (sub !== viewer.user.id || org !== viewer.organization.id || typeof sid !== 'string' || typeof role !== 'string' || !isRole(role)) {
    throw new Error(`The access token does not match viewer: ${JSON.stringify({ sub, org, sid, role })}`);
  }
  if (role !== 'owner') throw new Error(`Expected to be signed in as owner, got role '${role}'`);
  return { kind: 'user', userId: sub, organizationId: org, role, permissions: ROLE_PERMISSIONS[role], sessionId: sid };
}

async function startStockGateway(bench: BenchPlatform, principal: Principal) {
  const gateway = new ApolloGateway({
    supergraphSdl: readCheckedInSupergraph(),
    logger: quiet,
    buildService: ({ name, url }) => {
      const source = new SignedStockDataSource({ url: name === 'identity' ? bench.platform.identity.url : url });
      source.secret = bench.signingSecret;
      source.principal = principal;
      return source;
    },
  });
  const server = new ApolloServer({ gateway, logger: quiet });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  const address = new URL(url);
  address.hostname = '127.0.0.1';
  address.pathname = '/graphql';
  return { url: address.toString(), close: () => server.stop() };
}

/** A second gateway of ours on the same subgraphs and infrastructure, without cost, limits and usage. */
async function startUnprotectedGateway(bench: BenchPlatform): Promise<RunningGateway> {
  const { platform } = bench;
  const settings = {
    ...bench.gatewaySettings,
    webAppDir: null,
    subgraphUrls: {
      ...bench.gatewaySettings.subgraphUrls,
      identity: platform.identity.url,
      billing: platform.billing.subgraph.url,
      notifications: platform.notifications.subgraph.url,
      usage: platform.usage.subgraph.url,
    },
  };
  const gateway = await createGateway({ settings, infra: platform.infra, logger: createLogger({ service: 'bench', level: 'silent' }), apiProtection: false });
  return gateway.listen(0, '127.0.0.1');
}

interface Target {
  name: 'ours' | 'unprotected' | 'stock';
  label: string;
  url: string;
  /** The verified response body; every measured response must equal it. */
  expectBody: string;
  runs: LoadReport[];
  /** CPU time of this thread (servers and subgraphs; the load runs in a worker) during each run, in µs. */
  cpuMicros: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const failures = (report: LoadReport) => report.errors + report.non2xx + report.mismatches;

async function main(): Promise<number> {
  console.log(`Gateway benchmark: ${rounds} round(s) of ${seconds} s per target after ${warmupSeconds} s warm-up, ${connections} connections, loopback.`);
  const bench = await startBenchPlatform({ seedDemo: true });
  let stock: Awaited<ReturnType<typeof startStockGateway>> | undefined;
  let unprotected: RunningGateway | undefined;
  try {
    const token = await signIn(bench.graphqlUrl, BENCH_OWNER.ownerEmail, BENCH_OWNER.ownerPassword);
    const viewer = expectData(await postGraphQL(bench.graphqlUrl, '{ viewer { user { id } organization { id } } }', token), 'viewer')
      .viewer as { user: { id: string }; organization: { id: string } };
    const principal = ownerPrincipal(token, viewer);
    stock = await startStockGateway(bench, principal);
    unprotected = await startUnprotectedGateway(bench);

    // Both must answer the benchmark query with the same data, twice the same body, before any load.
    const targets: Target[] = [];
    for (const [name, label, url] of [
      ['ours', 'ours (all protections)', bench.graphqlUrl],
      ['unprotected', 'ours, no cost/limits/usage', `${unprotected.url.replace('localhost', '127.0.0.1')}/graphql`],
      ['stock', 'stock @apollo/gateway', stock.url],
    ] as const) {
      const first = await postGraphQL(url, QUERY, token);
      expectData(first, `The benchmark query on ${label}`);
      const second = await postGraphQL(url, QUERY, token);
      const dataOnly = (text: string) => JSON.stringify((JSON.parse(text) as { data: unknown }).data);
      if (dataOnly(second.text) !== dataOnly(first.text)) throw new Error(`${label} does not answer the same data twice:\n${first.text}\n${second.text}`);
      targets.push({ name, label, url, expectBody: first.text, runs: [], cpuMicros: [] });
    }
    const [ours, unprotectedTarget, stockTarget] = targets as [Target, Target, Target];
    deepStrictEqual(JSON.parse(unprotectedTarget.expectBody).data, JSON.parse(ours.expectBody).data, 'Our gateway answers different data without cost and limits');
    deepStrictEqual(JSON.parse(stockTarget.expectBody).data, JSON.parse(ours.expectBody).data, 'Our gateway and the stock gateway answer different data');
    const viewerData = (JSON.parse(ours.expectBody) as { data: { viewer: { organization: { members: { totalCount: number } } } } }).data.viewer;
    console.log(`Checked: the three gateways answer the same data without errors (${viewerData.organization.members.totalCount} members, ${ours.expectBody.length} bytes).`);
    console.log(`  ours  ${ours.url}\n  ours, unprotected ${unprotectedTarget.url}\n  stock ${stockTarget.url}\n  identity subgraph ${bench.platform.identity.url}\n`);

    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const body = JSON.stringify({ query: QUERY });
    console.log(`Warming up: ${jitWarmupSeconds} s per target, twice around.`);
    for (let lap = 0; lap < 2; lap += 1) {
      for (const target of targets) {
        const warm = await runLoad({ url: target.url, headers, body, seconds: jitWarmupSeconds, connections, expectBody: target.expectBody });
        if (failures(warm) > 0) throw new Error(`${target.label} failed during the warm-up: ${warm.firstError ?? warm.firstMismatch ?? ''}`);
      }
    }
    const runRows: string[][] = [];
    for (let round = 1; round <= rounds; round += 1) {
      // Ours with and without protection run back to back, in turns first, so each round gives one
      // ratio measured on the same machine state; stock takes the other end of the round.
      const order = round % 2 === 1 ? [ours, unprotectedTarget, stockTarget] : [stockTarget, unprotectedTarget, ours];
      for (const target of order) {
        const warmup = await runLoad({ url: target.url, headers, body, seconds: warmupSeconds, connections, expectBody: target.expectBody });
        if (failures(warmup) > 0) {
          throw new Error(`${target.label} failed during warm-up: ${warmup.errors} errors, ${warmup.non2xx} non-2xx, ${warmup.mismatches} wrong bodies (${warmup.firstError ?? warmup.firstMismatch ?? ''})`);
        }
        const cpuBefore = process.threadCpuUsage();
        const report = await runLoad({ url: target.url, headers, body, seconds, connections, expectBody: target.expectBody });
        const cpu = process.threadCpuUsage(cpuBefore);
        target.runs.push(report);
        target.cpuMicros.push(cpu.user + cpu.system);
        const latency = summarize(report.latencies);
        runRows.push([
          `${round}`,
          target.label,
          fmt(report.completed / report.seconds, 0),
          fmt(latency.p50),
          fmt(latency.p95),
          fmt(latency.p99),
          `${report.errors}/${report.non2xx}/${report.mismatches}`,
        ]);
        console.log(`  round ${round}: ${target.label.padEnd(22)} ${fmt(report.completed / report.seconds, 0)} req/s, p50 ${fmt(latency.p50)} ms`);
      }
    }

    const roundRatios = ours.runs.map((run, index) => run.completed / run.seconds / (unprotectedTarget.runs[index]!.completed / unprotectedTarget.runs[index]!.seconds));
    console.log('\nEach run');
    console.log(formatTable(['round', 'target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'err/non2xx/bad'], runRows, 2));

    const totals = targets.map((target) => {
      const completed = target.runs.reduce((sum, run) => sum + run.completed, 0);
      const elapsed = target.runs.reduce((sum, run) => sum + run.seconds, 0);
      return {
        target,
        rps: completed / elapsed,
        completed,
        latency: summarize(concatSamples(target.runs.map((run) => run.latencies))),
        errors: target.runs.reduce((sum, run) => sum + run.errors, 0),
        timeouts: target.runs.reduce((sum, run) => sum + run.timeouts, 0),
        non2xx: target.runs.reduce((sum, run) => sum + run.non2xx, 0),
        mismatches: target.runs.reduce((sum, run) => sum + run.mismatches, 0),
        firstProblem: target.runs.map((run) => run.firstError ?? run.firstMismatch).find(Boolean),
        cpuMsPerRequest: target.cpuMicros.reduce((sum, micros) => sum + micros, 0) / 1000 / Math.max(1, completed),
      };
    });
    const [a, u, b] = totals as [(typeof totals)[number], (typeof totals)[number], (typeof totals)[number]];
    const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(2)}x` : 'n/a');
    console.log(`\nCost analysis, rate limits and usage recording: ${fmt(a.rps, 0)} req/s on vs ${fmt(u.rps, 0)} off, throughput ${ratio(a.rps, u.rps)} (target >= 0.95x).`);
    console.log(`  on/off in each round (back to back): ${roundRatios.map((value) => `${value.toFixed(2)}x`).join(', ')}; median ${median(roundRatios).toFixed(2)}x.`);
    // CPU time per request does not move with what else the machine runs, unlike requests per second:
    // on this single event loop, throughput is bounded by its inverse.
    console.log(
      `  server CPU per request (this thread): ${fmt(a.cpuMsPerRequest, 3)} ms on vs ${fmt(u.cpuMsPerRequest, 3)} off, ` +
        `${fmt((a.cpuMsPerRequest / u.cpuMsPerRequest - 1) * 100, 1)}% more; throughput bound ${ratio(u.cpuMsPerRequest, a.cpuMsPerRequest)}.`,
    );
    console.log(`\nSummary (${rounds} x ${seconds} s per target, ${connections} connections; latency in ms over every 2xx response)`);
    console.log(
      formatTable(
        ['', a.target.label, u.target.label, b.target.label, 'ours/off', 'ours/stock'],
        [
          ['requests/s (average)', fmt(a.rps, 0), fmt(u.rps, 0), fmt(b.rps, 0), ratio(a.rps, u.rps), ratio(a.rps, b.rps)],
          ['requests completed', `${a.completed}`, `${u.completed}`, `${b.completed}`, '', ''],
          ['server CPU ms per request', fmt(a.cpuMsPerRequest, 3), fmt(u.cpuMsPerRequest, 3), fmt(b.cpuMsPerRequest, 3), ratio(a.cpuMsPerRequest, u.cpuMsPerRequest), ratio(a.cpuMsPerRequest, b.cpuMsPerRequest)],
          ['latency mean', fmt(a.latency.mean), fmt(u.latency.mean), fmt(b.latency.mean), ratio(a.latency.mean, u.latency.mean), ratio(a.latency.mean, b.latency.mean)],
          ['latency p50', fmt(a.latency.p50), fmt(u.latency.p50), fmt(b.latency.p50), ratio(a.latency.p50, u.latency.p50), ratio(a.latency.p50, b.latency.p50)],
          ['latency p90', fmt(a.latency.p90), fmt(u.latency.p90), fmt(b.latency.p90), ratio(a.latency.p90, u.latency.p90), ratio(a.latency.p90, b.latency.p90)],
          ['latency p95', fmt(a.latency.p95), fmt(u.latency.p95), fmt(b.latency.p95), ratio(a.latency.p95, u.latency.p95), ratio(a.latency.p95, b.latency.p95)],
          ['latency p97.5', fmt(a.latency.p97_5), fmt(u.latency.p97_5), fmt(b.latency.p97_5), ratio(a.latency.p97_5, u.latency.p97_5), ratio(a.latency.p97_5, b.latency.p97_5)],
          ['latency p99', fmt(a.latency.p99), fmt(u.latency.p99), fmt(b.latency.p99), ratio(a.latency.p99, u.latency.p99), ratio(a.latency.p99, b.latency.p99)],
          ['latency max', fmt(a.latency.max), fmt(u.latency.max), fmt(b.latency.max), '', ''],
          ['errors (of which timeouts)', `${a.errors} (${a.timeouts})`, `${u.errors} (${u.timeouts})`, `${b.errors} (${b.timeouts})`, '', ''],
          ['non-2xx', `${a.non2xx}`, `${u.non2xx}`, `${b.non2xx}`, '', ''],
          ['wrong bodies (GraphQL errors)', `${a.mismatches}`, `${u.mismatches}`, `${b.mismatches}`, '', ''],
        ],
      ),
    );

    const failed = totals.filter((total) => total.errors + total.non2xx + total.mismatches > 0);
    for (const total of failed) console.error(`\n${total.target.label} failed requests under load; first problem: ${total.firstProblem ?? 'see counts'}`);
    if (failed.length > 0) {
      console.error('The figures are not comparable: some requests failed.');
      return 1;
    }
    return 0;
  } finally {
    await unprotected?.close();
    await stock?.close();
    await bench.close();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`\nGateway benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
process.exit(code);
