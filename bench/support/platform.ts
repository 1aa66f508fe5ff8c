/** The platform in-process, as the benchmarks start it: test settings, silent logs, a temporary data folder. */
import { billingSettings } from '@platform/billing';
import { gatewaySettings, type GatewaySettings } from '@platform/gateway';
import { identitySettings, type IdentitySettings } from '@platform/identity';
import { createLogger } from '@platform/kit';
import { notificationsSettings } from '@platform/notifications';
import { usageSettings } from '@platform/usage';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type RunningPlatform } from '../../scripts/platform.ts';

export const BENCH_OWNER = {
  organizationName: 'Bench Company',
  ownerEmail: 'owner@bench.test',
  ownerPassword: 'bench-owner-password',
  ownerName: 'Olivia Owner',
};

export interface BenchPlatform {
  platform: RunningPlatform;
  /** The gateway's GraphQL endpoint, on 127.0.0.1. */
  graphqlUrl: string;
  signingSecret: string;
  identitySettings: IdentitySettings;
  /** The gateway's settings as parsed (its subgraph URLs are the defaults; the platform wires the real ones). */
  gatewaySettings: GatewaySettings;
  close(): Promise<void>;
}

export async function startBenchPlatform(options: { seedDemo: boolean; onQuery?: (sql: string) => void }): Promise<BenchPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'platform-bench-'));
  const env = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    INTERNAL_SIGNING_SECRET: randomBytes(32).toString('base64url'),
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    // The load measures what pricing and limiting cost per request, with buckets too big to ever refuse.
    RATE_LIMIT_BURST_SECONDS: '100000000',
    // BENCH_USAGE_RECORDING=false separates what recording costs from what pricing and limiting cost.
    USAGE_RECORDING: process.env.BENCH_USAGE_RECORDING ?? 'true',
  };
  const gateway = gatewaySettings(env).settings;
  const identity = identitySettings(env).settings;
  const billing = billingSettings(env).settings;
  let platform: RunningPlatform;
  try {
    platform = await startPlatform({
      gateway,
      identity,
      billing,
      notifications: notificationsSettings(env).settings,
      usage: usageSettings(env).settings,
      logger: createLogger({ service: 'bench', level: 'silent' }),
      database: { dataDir, onQuery: options.onQuery },
      port: 0,
      host: '127.0.0.1',
      fixedSubgraphPorts: false,
      demo: options.seedDemo ? BENCH_OWNER : undefined,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = (platform.gateway.server.address() as AddressInfo).port;
  return {
    platform,
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    signingSecret: gateway.secrets.internalSigningSecret,
    identitySettings: identity,
    gatewaySettings: gateway,
    async close() {
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLAnswer {
  status: number;
  /** The raw response body. */
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export async function postGraphQL(url: string, query: string, token?: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(variables ? { query, variables } : { query }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: GraphQLAnswer['json'];
  try {
    json = JSON.parse(text) as GraphQLAnswer['json'];
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: response.status, text, json };
}

/** Fails loudly unless the answer is a 200 with data and no errors. */
export function expectData(answer: GraphQLAnswer, what: string): Record<string, unknown> {
  if (answer.status !== 200 || answer.json.errors?.length || !answer.json.data) {
    throw new Error(`${what} failed (HTTP ${answer.status}): ${answer.text.slice(0, 1000)}`);
  }
  return answer.json.data;
}

/** Signs in through the gateway; returns the access token. */
export async function signIn(graphqlUrl: string, email: string, password: string): Promise<string> {
  const answer = await postGraphQL(
    graphqlUrl,
    'mutation SignIn($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } userErrors { code message } } }',
    undefined,
    { input: { email, password } },
  );
  const data = expectData(answer, 'sessionCreate') as {
    sessionCreate: { session: { accessToken: string } | null; userErrors: { code: string; message: string }[] };
  };
  const token = data.sessionCreate.session?.accessToken;
  if (!token) throw new Error(`sessionCreate refused ${email}: ${JSON.stringify(data.sessionCreate.userErrors)}`);
  return token;
}

/** Ends the process if it is still running after `seconds` (a benchmark must stop by itself). */
export function watchdog(seconds: number, what: string): void {
  setTimeout(() => {
    console.error(`${what} did not finish within ${seconds} s; giving up.`);
    process.exit(1);
  }, seconds * 1000).unref();
}

export function positiveIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive integer; got '${raw}'.`);
    process.exit(1);
  }
  return value;
}
