import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
let child: ChildProcess;
let output = '';
let base = '';
const dataDir = mkdtempSync(join(tmpdir(), 'platform-e2e-'));

function started(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up in 30 s:\n${output}`)), 30_000);
    process.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL API\s+(http:\/\/\S+)\/graphql/.exec(output);
      if (match && output.includes('sign in as')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    process.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    process.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  child = spawn(process.execPath, ['scripts/start.ts'], {
    cwd: root,
    // NODE_ENV as a user has it: Jest's 'test' would hide how signals are handled in development.
    env: { ...process.env, NODE_ENV: 'development', PORT: '0', SUBGRAPH_PORTS: 'ephemeral', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  base = (await started(child)).replace('localhost', '127.0.0.1');
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('npm start', () => {
  it('prints every address it listens on and the demo credentials', () => {
    expect(output).toMatch(/GraphQL API\s+http:\/\/localhost:\d+\/graphql/);
    expect(output).toMatch(/Explorer\s+http:\/\/localhost:\d+\/explorer/);
    expect(output).toMatch(/identity\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(output).toMatch(/sign in as owner@demo\.test \/ demo-password/);
  });

  it('serves the API with the seeded demo organization, and the demo log-in works', async () => {
    const signIn = await graphql('mutation($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } userErrors { message } } }', {
      input: { email: 'owner@demo.test', password: 'demo-password' },
    });
    const token = signIn.data.sessionCreate.session.accessToken;
    const viewer = await graphql('{ viewer { user { email } role organization { name members { totalCount } } } }', {}, token);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data.viewer).toEqual({ user: { email: 'owner@demo.test' }, role: 'OWNER', organization: { name: 'Demo Company', members: { totalCount: 6 } } });
  });

  it('serves the explorer', async () => {
    const page = await fetch(`${base}/explorer`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('API explorer');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
