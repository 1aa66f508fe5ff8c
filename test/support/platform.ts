import { gatewaySettings } from '@platform/gateway';
import { billingSettings } from '@platform/billing';
import { identitySettings, type IdentityServices } from '@platform/identity';
import { notificationsSettings, type Clock as NotificationsClock } from '@platform/notifications';
import { usageSettings } from '@platform/usage';
import type { Agent } from 'node:https';
import type { Clock } from '@platform/billing';
import { createLogger, createScratchDatabase, MailMessage, type MailTransport, type RunningSubgraph } from '@platform/kit';
import { backing } from './test-env.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type RunningPlatform } from '../../scripts/platform.ts';

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: Data | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

export interface TestPlatform {
  url: string;
  platform: RunningPlatform;
  identity: RunningSubgraph<IdentityServices>;
  graphql<Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResult<Data>>;
  /** Mail the platform queued for this address, newest last. */
  mailTo(email: string): Promise<MailMessage[]>;
  /** This platform's prefix of Redis keys and channels (a second gateway on the same Redis shares it). */
  namespace: string;
  close(): Promise<void>;
}

export { backing };

/**
 * The whole platform for one test file: gateway and subgraphs on free ports, its own database
 * (SQLite in memory, or a fresh PostgreSQL database) and its own Redis namespace.
 */
export async function startTestPlatform(env: Record<string, string> = {}, options: { onQuery?: (sql: string) => void; billingClock?: Clock; mail?: MailTransport; notificationsClock?: NotificationsClock; notificationsWork?: boolean; pushAgent?: Agent } = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  const baseEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: backing.logLevel,
    DATA_DIR: dataDir,
    INTERNAL_SIGNING_SECRET: randomBytes(32).toString('base64url'),
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    PASSWORD_HASH_COST: '1024',
    // Tests run many operations per organization in a burst; their buckets hold an hour of the plan's
    // rate, so only test/rate-limits.int.test.ts (which sets its own) meets a limit.
    RATE_LIMIT_BURST_SECONDS: '3600',
    ...env,
  };
  const scratch = backing.databaseUrl ? await createScratchDatabase(backing.databaseUrl, 'test') : undefined;
  const logger = createLogger({ service: 'test', level: baseEnv.LOG_LEVEL });
  const namespace = `test_${randomBytes(6).toString('hex')}`;
  const platform = await startPlatform({
    gateway: gatewaySettings(baseEnv).settings,
    identity: identitySettings(baseEnv).settings,
    billing: billingSettings(baseEnv).settings,
    billingClock: options.billingClock,
    billingSchedule: false,
    notifications: notificationsSettings(baseEnv).settings,
    usage: usageSettings(baseEnv).settings,
    notificationsClock: options.notificationsClock,
    // Tests run the notifications worker by hand, unless they ask for it.
    notificationsWork: options.notificationsWork ?? false,
    pushAgent: options.pushAgent,
    mail: options.mail,
    logger,
    redisUrl: backing.redisUrl,
    namespace,
    database: scratch ? { databaseUrl: scratch.url, onQuery: options.onQuery } : { inMemory: true, onQuery: options.onQuery },
    port: 0,
    host: '127.0.0.1',
    fixedSubgraphPorts: false,
  });
  const url = platform.gateway.url.replace('localhost', '127.0.0.1');
  return {
    url,
    platform,
    namespace,
    identity: platform.identity,
    async graphql(query, variables, requestOptions = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(requestOptions.token ? { authorization: `Bearer ${requestOptions.token}` } : {}),
          ...requestOptions.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult['body'] } as never;
    },
    async mailTo(email) {
      const where = { to: email.toLowerCase() };
      const [fromIdentity, fromBilling] = await Promise.all([
        platform.identity.db.em.fork().find(MailMessage, where),
        platform.billing.subgraph.db.em.fork().find(MailMessage, where),
      ]);
      return [...fromIdentity, ...fromBilling].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    },
    async close() {
      await platform.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The response's data, failing the test on any GraphQL error. */
export function dataOf<Data>(result: GraphQLResult<Data>): Data {
  if (result.body.errors?.length || !result.body.data) {
    throw new Error(`Expected data without errors, got HTTP ${result.status}: ${JSON.stringify(result.body.errors ?? result.body)}`);
  }
  return result.body.data;
}

/** The code of the first GraphQL error. */
export function errorCode(result: GraphQLResult<unknown>): unknown {
  return result.body.errors?.[0]?.extensions?.code;
}
