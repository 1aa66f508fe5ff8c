/**
 * `npm run bench:fanout`: graphql-ws fan-out. N subscribers (real graphql-ws clients, in their own
 * processes) on one gateway process; organization-wide live messages published on the gateway's pub/sub
 * (as a relay would); the delay from publish to each subscriber's `next` (p50/p99/max) and the gateway's
 * memory per connection (heap and RSS after a full GC, before and after the connections). Then two
 * gateway processes sharing Redis, half of the subscribers on each, every event published twice (two
 * relay replicas): every subscriber must get every event exactly once.
 *
 * Env: BENCH_SUBSCRIBERS (10000), BENCH_EVENTS (5) per part, BENCH_CLIENT_PROCESSES (2),
 * BENCH_CONNECT_CONCURRENCY (200) connections opened at once per client process, REDIS_URL
 * (redis://127.0.0.1:6379; BENCH_REDIS=0 skips the second part), BENCH_PROFILE=<folder> (a CPU profile
 * of each gateway process goes there). Each side holds N sockets: raise `ulimit -n` above N. Loopback
 * only. Exits 1 when a subscriber missed or repeated an event.
 */
import { createInfrastructure, createLogger, liveChannel, newId, signAccessToken, type LiveMessage } from '@platform/kit';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { SubscriptionStats } from '@platform/gateway';
import type { ClientsRequest } from './support/fanout-clients.ts';
import type { GatewayRequest } from './support/fanout-gateway.ts';
import { summarize } from './support/load.ts';
import { positiveIntegerFromEnv, watchdog } from './support/platform.ts';
import { formatTable } from './support/table.ts';

const subscribers = positiveIntegerFromEnv('BENCH_SUBSCRIBERS', 10_000);
const events = positiveIntegerFromEnv('BENCH_EVENTS', 5);
const clientProcesses = positiveIntegerFromEnv('BENCH_CLIENT_PROCESSES', 2);
const connectConcurrency = positiveIntegerFromEnv('BENCH_CONNECT_CONCURRENCY', 200);
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const withRedis = process.env.BENCH_REDIS !== '0';
watchdog(600 + Math.ceil(subscribers / 20), 'The fan-out benchmark');

const ORGANIZATION = 'org_bench_fanout';
const secrets = { BENCH_ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'), BENCH_INTERNAL_SIGNING_SECRET: randomBytes(32).toString('base64url') };
const children: ChildProcess[] = [];

/** A forked helper with a request/answer channel over IPC (one request of a kind at a time). */
function spawn<Request extends { type: string }>(script: string, env: Record<string, string>, execArgv: string[] = []) {
  const child = fork(new URL(script, import.meta.url), { env: { ...process.env, ...secrets, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const ready = once(child, 'message') as Promise<[Record<string, unknown>]>;
  return {
    child,
    ready: ready.then(([message]) => message),
    async ask<Answer>(request: Request, answerType: string): Promise<Answer> {
      const answer = new Promise<Answer>((resolve, reject) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== answerType) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message as Answer);
        };
        const onExit = (code: number) => reject(new Error(`${script} exited with ${code} before answering ${request.type}`));
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
      child.send(request);
      return answer;
    },
    async close(): Promise<void> {
      if (child.exitCode !== null) return;
      child.send({ type: 'close' });
      await once(child, 'exit');
    },
  };
}

type GatewayProcess = ReturnType<typeof spawn<GatewayRequest>> & { url: string };
type ClientProcess = ReturnType<typeof spawn<ClientsRequest>>;

async function startGateway(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const gateway = spawn<GatewayRequest>('./support/fanout-gateway.ts', env, ['--expose-gc', ...profile]);
  const ready = (await gateway.ready) as { url: string };
  return { ...gateway, url: ready.url };
}

async function memory(gateway: GatewayProcess): Promise<NodeJS.MemoryUsage> {
  return (await gateway.ask<{ usage: NodeJS.MemoryUsage }>({ type: 'memory' }, 'memory')).usage;
}

async function stats(gateway: GatewayProcess): Promise<SubscriptionStats> {
  return (await gateway.ask<{ stats: SubscriptionStats }>({ type: 'stats' }, 'stats')).stats;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One access token per subscriber: distinct users of one organization (each under the per-user connection limit). */
async function tokens(count: number): Promise<string[]> {
  const secret = secrets.BENCH_ACCESS_TOKEN_SECRET;
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const { token } = await signAccessToken(secret, { userId: `usr_bench_${index}`, organizationId: ORGANIZATION, sessionId: `ses_bench_${index}`, role: 'member', operator: false }, 3600);
      return token;
    }),
  );
}

/** Opens the subscribers, spread over the client processes; each process spreads its own over `urls`. */
async function connectSubscribers(urls: string[]): Promise<ClientProcess[]> {
  const all = await tokens(subscribers);
  const processes = Array.from({ length: clientProcesses }, () => spawn<ClientsRequest>('./support/fanout-clients.ts', {}));
  await Promise.all(processes.map((process) => process.ready));
  const started = performance.now();
  const answers = await Promise.all(
    processes.map((process, index) =>
      process.ask<{ connected: number; failures: number; firstFailure: string | null }>(
        { type: 'connect', urls, tokens: all.filter((_, token) => token % clientProcesses === index), concurrency: connectConcurrency },
        'connected',
      ),
    ),
  );
  const failures = answers.reduce((sum, answer) => sum + answer.failures, 0);
  if (failures > 0) throw new Error(`${failures} subscriber(s) could not connect, e.g. ${answers.find((answer) => answer.firstFailure)?.firstFailure}`);
  console.log(`  ${subscribers} subscribers connected in ${((performance.now() - started) / 1000).toFixed(1)} s from ${clientProcesses} client process(es)`);
  return processes;
}

interface EventReport {
  id: string;
  deliveredByUrl: number[];
  repeated: number;
  missing: number;
  latencies: number[];
}

async function reports(processes: ClientProcess[], eventIds: string[]): Promise<EventReport[]> {
  const answers = await Promise.all(processes.map((process) => process.ask<{ events: EventReport[] }>({ type: 'report', eventIds }, 'report')));
  return eventIds.map((id, index) => {
    const parts = answers.map((answer) => answer.events[index]!);
    return {
      id,
      deliveredByUrl: parts[0]!.deliveredByUrl.map((_, url) => parts.reduce((sum, part) => sum + part.deliveredByUrl[url]!, 0)),
      repeated: parts.reduce((sum, part) => sum + part.repeated, 0),
      missing: parts.reduce((sum, part) => sum + part.missing, 0),
      latencies: parts.flatMap((part) => part.latencies),
    };
  });
}

const delivered = (report: EventReport) => report.deliveredByUrl.reduce((sum, count) => sum + count, 0);

/** Waits until every subscriber reported the event (or the deadline passes), then returns the reports. */
async function awaitDelivery(processes: ClientProcess[], eventIds: string[], timeoutMs = 30_000): Promise<EventReport[]> {
  let last: EventReport[] = [];
  await waitFor(
    'every subscriber to receive the event(s)',
    async () => {
      last = await reports(processes, eventIds);
      return last.every((report) => delivered(report) >= subscribers);
    },
    timeoutMs,
  ).catch(() => {});
  return last;
}

const ms = (value: number) => value.toFixed(1);
const perConnection = (bytes: number) => `${(bytes / subscribers / 1024).toFixed(1)} KiB`;

function message(index: number): Omit<LiveMessage, 'data'> & { data: Record<string, unknown> } {
  return {
    id: newId('evt'),
    field: 'notificationReceived',
    organizationId: ORGANIZATION,
    userIds: null,
    data: { __typename: 'Notification', id: `ntf_bench_${index}_${randomBytes(4).toString('hex')}`, body: '' },
    occurredAt: new Date().toISOString(),
  };
}

async function singleGateway(): Promise<boolean> {
  console.log(`\n1. One gateway process, in-process pub/sub: ${subscribers} subscribers, ${events} organization-wide event(s)`);
  const gateway = await startGateway();
  const before = await memory(gateway);
  const clients = await connectSubscribers([gateway.url]);
  await waitFor('every subscription to be listening', async () => (await stats(gateway)).subscriptions >= subscribers, 60_000);
  const after = await memory(gateway);

  const rows: string[][] = [];
  const all: number[] = [];
  let correct = true;
  for (let index = 0; index < events; index += 1) {
    const event = message(index);
    await gateway.ask({ type: 'publish', message: event }, 'published');
    const [report] = await awaitDelivery(clients, [event.data.id as string]);
    const latency = summarize(Float64Array.from(report!.latencies));
    all.push(...report!.latencies);
    correct &&= delivered(report!) === subscribers && report!.repeated === 0;
    rows.push([`event ${index + 1}`, String(delivered(report!)), String(report!.missing), String(report!.repeated), ms(latency.p50), ms(latency.p99), ms(latency.max)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const overall = summarize(Float64Array.from(all));
  rows.push(['all', String(all.length), '', '', ms(overall.p50), ms(overall.p99), ms(overall.max)]);
  console.log(formatTable(['', 'delivered', 'missing', 'repeated', 'p50 ms', 'p99 ms', 'max ms'], rows));
  const { subscriptions, connections } = await stats(gateway);
  console.log(
    formatTable(
      ['gateway memory', 'before', `with ${connections} connections / ${subscriptions} subscriptions`, 'per connection'],
      [
        ['heap used', `${(before.heapUsed / 2 ** 20).toFixed(1)} MiB`, `${(after.heapUsed / 2 ** 20).toFixed(1)} MiB`, perConnection(after.heapUsed - before.heapUsed)],
        ['RSS', `${(before.rss / 2 ** 20).toFixed(1)} MiB`, `${(after.rss / 2 ** 20).toFixed(1)} MiB`, perConnection(after.rss - before.rss)],
        ['external + array buffers', `${((before.external + before.arrayBuffers) / 2 ** 20).toFixed(1)} MiB`, `${((after.external + after.arrayBuffers) / 2 ** 20).toFixed(1)} MiB`, perConnection(after.external + after.arrayBuffers - before.external - before.arrayBuffers)],
      ],
    ),
  );
  console.log(`  p99 ${ms(overall.p99)} ms (target <= 500 ms): ${overall.p99 <= 500 ? 'met' : 'NOT met'}`);
  await Promise.all(clients.map((client) => client.close()));
  await gateway.close();
  return correct;
}

async function twoGatewaysOnRedis(): Promise<boolean> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    console.log(`\n2. Skipped: no Redis at ${redisUrl} (set REDIS_URL, or BENCH_REDIS=0 to skip quietly).`);
    return true;
  } finally {
    probe.disconnect();
  }
  const namespace = `bench_fanout_${randomBytes(4).toString('hex')}`;
  console.log(`\n2. Two gateway processes sharing Redis: ${subscribers} subscribers (half on each), ${events} event(s), each published twice (two relay replicas)`);
  const env = { BENCH_REDIS_URL: redisUrl, BENCH_NAMESPACE: namespace };
  const gateways = await Promise.all([startGateway(env), startGateway(env)]);
  const logger = createLogger({ service: 'bench', level: 'silent' });
  const relays = await Promise.all([0, 1].map(() => createInfrastructure({ redisUrl, namespace, logger })));
  let correct = true;
  try {
    const clients = await connectSubscribers(gateways.map((gateway) => gateway.url));
    for (const gateway of gateways) await waitFor('every subscription to be listening', async () => (await stats(gateway)).subscriptions >= Math.floor(subscribers / 2), 60_000);
    const eventIds: string[] = [];
    for (let index = 0; index < events; index += 1) {
      const event = message(index);
      eventIds.push(event.data.id as string);
      const stamped = (): string => JSON.stringify({ ...event, data: { ...event.data, body: String(performance.timeOrigin + performance.now()) } });
      await relays[0]!.pubsub.publish(liveChannel(ORGANIZATION), stamped());
      await relays[1]!.pubsub.publish(liveChannel(ORGANIZATION), stamped());
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const results = await awaitDelivery(clients, eventIds);
    // A repeat still on its way has had time to arrive: report again after a pause.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const final = await reports(clients, eventIds);
    const rows = final.map((report, index) => {
      const latency = summarize(Float64Array.from(results[index]!.latencies));
      correct &&= delivered(report) === subscribers && report.repeated === 0 && report.missing === 0;
      return [`event ${index + 1}`, String(report.deliveredByUrl[0]), String(report.deliveredByUrl[1]), String(report.missing), String(report.repeated), ms(latency.p50), ms(latency.p99)];
    });
    console.log(formatTable(['', 'via gateway 1', 'via gateway 2', 'missing', 'repeated', 'p50 ms', 'p99 ms'], rows));
    const total = final.reduce((sum, report) => sum + delivered(report), 0);
    console.log(`  ${total} of ${subscribers * events} deliveries, ${final.reduce((sum, report) => sum + report.repeated, 0)} repeated: ${correct ? 'every subscriber got every event exactly once' : 'NOT exactly once'}`);
    await Promise.all(clients.map((client) => client.close()));
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all(relays.map((relay) => relay.close()));
  }
  return correct;
}

async function main(): Promise<number> {
  console.log(`Fan-out benchmark: graphql-ws subscribers on loopback; Node ${process.version}, ulimit -n must exceed ${subscribers}.`);
  const single = await singleGateway();
  const shared = withRedis ? await twoGatewaysOnRedis() : true;
  return single && shared ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error);
    for (const child of children) child.kill();
    process.exit(1);
  });
