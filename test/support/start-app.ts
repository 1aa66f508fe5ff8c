/**
 * `npm start` as a user runs it, for the end-to-end tests: the embedded default (SQLite in a
 * throwaway DATA_DIR, in-process pub/sub, demo data) on free ports. Resolves once the start-up
 * banner names the API and the demo log-in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inheritedEnvironment } from './test-env.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface StartedApp {
  /** The gateway's address, e.g. http://127.0.0.1:41234 (the web app at /, the API at /graphql). */
  url: string;
  /** Where the platform keeps its SQLite files (identity.sqlite, ...). */
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, waits for the exit, removes DATA_DIR; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** A port nothing listens on now, so that the links the platform mails and signs can name it before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startApp(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<StartedApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-e2e-'));
  const port = String(await freePort());
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.ts'], {
    cwd: root,
    env: { ...inheritedEnvironment, PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}`, SUBGRAPH_PORTS: 'ephemeral', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', RATE_LIMIT_BURST_SECONDS: '600', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited;
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
      const check = () => {
        const match = /GraphQL API\s+(http:\/\/\S+)\/graphql/.exec(output);
        if (match && output.includes('sign in as')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code}:\n${output}`));
      });
    });
    return { url: url.replace('localhost', '127.0.0.1'), dataDir, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
