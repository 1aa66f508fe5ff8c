/**
 * `npm run bench:start`: how long `npm start` (node scripts/start.ts) takes to answer its first query,
 * from spawn to the first 200 with data for `{ roles { role } }`, polled every 50 ms. A cold start uses a
 * fresh DATA_DIR (migrations, secrets, demo seed); a warm start reuses it. Target: under 20 s each.
 *
 * The subgraphs listen on the registry's fixed ports (identity: 4001), which must be free. The gateway
 * listens on BENCH_START_PORT (default 4100, or any free port if that one is taken). The embedded default
 * is measured: DATABASE_URL, REDIS_URL, NODE_ENV, SUPERGRAPH_PATH and the subgraph URLs are not passed on.
 */
import { SUBGRAPHS } from '@platform/schema';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { positiveIntegerFromEnv, watchdog } from './support/platform.ts';
import { formatTable } from './support/table.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
const TARGET_MS = 20_000;
const GIVE_UP_MS = 90_000;
const POLL_MS = 50;
const QUERY = JSON.stringify({ query: '{ roles { role } }' });

watchdog(4 * 60, 'The start-time benchmark');

/** Whether something accepts connections on 127.0.0.1:port, or we cannot listen there ourselves. */
async function portBusy(port: number): Promise<boolean> {
  const accepts = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (accepts) return true;
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let child: ChildProcess | undefined;

async function stopChild(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
  running.kill('SIGTERM');
  const forced = setTimeout(() => running.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(forced);
}

interface StartResult {
  firstAnswerMs: number;
  attempts: number;
  /** What the platform itself printed ("Platform ready in X s"), from process start. */
  selfReported?: string;
}

async function measureStart(port: number, dataDir: string): Promise<StartResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'SUPERGRAPH_PATH', ...SUBGRAPHS.map((subgraph) => `${subgraph.name.toUpperCase()}_URL`)]) {
    delete env[name];
  }
  let output = '';
  const started = performance.now();
  const spawned = spawn(NODE, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = spawned;
  spawned.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  spawned.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/graphql`;
  let attempts = 0;
  while (performance.now() - started < GIVE_UP_MS) {
    if (spawned.exitCode !== null || spawned.signalCode !== null) {
      throw new Error(`npm start exited (${spawned.exitCode ?? spawned.signalCode}) before answering:\n${output}`);
    }
    attempts += 1;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: QUERY,
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await response.json().catch(() => null)) as { data?: { roles?: unknown[] } } | null;
      if (response.status === 200 && Array.isArray(body?.data?.roles) && body.data.roles.length > 0) {
        const firstAnswerMs = performance.now() - started;
        await sleep(100); // let the ready banner reach us
        return { firstAnswerMs, attempts, selfReported: /Platform ready in ([\d.]+ s)/.exec(output)?.[1] };
      }
    } catch {
      // not listening yet
    }
    await sleep(POLL_MS);
  }
  throw new Error(`npm start did not answer within ${GIVE_UP_MS / 1000} s:\n${output}`);
}

async function main(): Promise<number> {
  for (const subgraph of SUBGRAPHS) {
    if (await portBusy(subgraph.port)) {
      console.error(
        `Port ${subgraph.port} (the ${subgraph.name} subgraph's fixed port) is in use: stop whatever listens there (another npm start?) and run the benchmark again.`,
      );
      return 1;
    }
  }
  let port = positiveIntegerFromEnv('BENCH_START_PORT', 4100);
  if (await portBusy(port)) {
    const free = await anyFreePort();
    console.log(`Port ${port} is in use; the gateway will listen on ${free} instead.`);
    port = free;
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'platform-start-bench-'));
  const rows: string[][] = [];
  let withinTarget = true;
  try {
    console.log(`Measuring npm start (${NODE} scripts/start.ts), gateway on 127.0.0.1:${port}, DATA_DIR ${dataDir}\n`);
    for (const [label, description] of [
      ['cold', 'fresh DATA_DIR: secrets, migrations, demo seed'],
      ['warm', 'same DATA_DIR again'],
    ] as const) {
      const result = await measureStart(port, dataDir);
      await stopChild();
      const ok = result.firstAnswerMs < TARGET_MS;
      withinTarget &&= ok;
      rows.push([`${label} start`, description, `${Math.round(result.firstAnswerMs)} ms`, result.selfReported ?? 'n/a', `${result.attempts}`, ok ? 'yes' : 'NO']);
      console.log(`  ${label} start: first answer after ${Math.round(result.firstAnswerMs)} ms`);
    }
  } finally {
    await stopChild();
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log('');
  console.log(formatTable(['run', 'data', 'spawn -> first answer', '"ready in" (self-reported)', 'polls', `< ${TARGET_MS / 1000} s`], rows, 2));
  console.log(`\nTarget: first answer in under ${TARGET_MS / 1000} s -> ${withinTarget ? 'met' : 'MISSED'}`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopChild().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`Start-time benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopChild();
}
process.exit(code);
