import { createGateway, createRateLimiter, RedisRateLimiter, type GatewaySettings, type RunningGateway } from '@platform/gateway';
import { startBilling, type BillingSettings, type Clock, type RunningBilling } from '@platform/billing';
import { identity, seedDemo, type IdentitySettings, type IdentityServices } from '@platform/identity';
import { createInfrastructure, type Infrastructure, type Logger, type MailTransport, type RunningSubgraph, startSubgraph } from '@platform/kit';
import { SUBGRAPHS } from '@platform/schema';

export interface PlatformOptions {
  gateway: GatewaySettings;
  identity: IdentitySettings;
  billing: BillingSettings;
  /** Billing's clock; tests move it forward. Default: the system clock. */
  billingClock?: Clock;
  /** Run billing's scheduler on its interval (default true); tests run it by hand. */
  billingSchedule?: boolean;
  logger: Logger;
  /** Where mail goes: SMTP, or the outbox (the log) by default. */
  mail?: MailTransport;
  redisUrl?: string;
  /** Prefix of Redis keys and channels; tests give each file its own. */
  namespace?: string;
  database: { databaseUrl?: string; dataDir?: string; inMemory?: boolean; onQuery?: (sql: string) => void };
  /** Gateway port; 0 for any free one. */
  port: number;
  host: string;
  /** Subgraph ports from the registry (true), or any free ones (false, for tests). */
  fixedSubgraphPorts: boolean;
  demo?: { organizationName: string; ownerEmail: string; ownerPassword: string; ownerName: string };
}

export interface RunningPlatform {
  gateway: RunningGateway;
  identity: RunningSubgraph<IdentityServices>;
  billing: RunningBilling;
  infra: Infrastructure;
  demoOrganizationId?: string;
  close(): Promise<void>;
}

const DEMO_MEMBERS = [
  { email: 'admin@demo.test', name: 'Adam Admin', role: 'admin' as const },
  { email: 'member@demo.test', name: 'Mia Member', role: 'member' as const },
  { email: 'billing@demo.test', name: 'Bill Manager', role: 'billing_manager' as const },
  { email: 'support@demo.test', name: 'Sam Support', role: 'support_agent' as const },
  { email: 'analyst@demo.test', name: 'Ana Analyst', role: 'analyst' as const },
];

/** Every subgraph and the gateway in one process: the embedded default, and the shape tests use. */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const infra = await createInfrastructure({ redisUrl: options.redisUrl, namespace: options.namespace, logger: options.logger });
  const port = (name: string) => (options.fixedSubgraphPorts ? SUBGRAPHS.find((subgraph) => subgraph.name === name)!.port : 0);
  const identityDeps = { settings: options.identity };
  const identitySubgraph = await startSubgraph(identity, {
    deps: identityDeps,
    logger: options.logger,
    infra,
    signingSecret: options.gateway.secrets.internalSigningSecret,
    database: options.database,
    mail: options.mail,
    port: port('identity'),
  });
  let demoOrganizationId: string | undefined;
  if (options.demo) {
    demoOrganizationId = await seedDemo(identitySubgraph, identityDeps, {
      organizationName: options.demo.organizationName,
      owner: { email: options.demo.ownerEmail, password: options.demo.ownerPassword, name: options.demo.ownerName },
      members: DEMO_MEMBERS,
    });
  }
  const billing = await startBilling({
    settings: { ...options.billing, identityUrl: identitySubgraph.url },
    clock: options.billingClock,
    schedule: options.billingSchedule,
    logger: options.logger,
    infra,
    signingSecret: options.gateway.secrets.internalSigningSecret,
    database: options.database,
    mail: options.mail,
    port: port('billing'),
  });
  const gatewaySettings = {
    ...options.gateway,
    subgraphUrls: { ...options.gateway.subgraphUrls, identity: identitySubgraph.url, billing: billing.subgraph.url },
  };
  // Several gateways share their buckets through the same Redis as everything else.
  const rateLimiter = options.redisUrl ? createRateLimiter({ redis: options.redisUrl, namespace: options.namespace, logger: options.logger }) : createRateLimiter();
  if (rateLimiter instanceof RedisRateLimiter) await rateLimiter.ready();
  const gateway = await (await createGateway({ settings: gatewaySettings, infra, logger: options.logger, rateLimiter })).listen(options.port, options.host);
  return {
    gateway,
    identity: identitySubgraph,
    billing,
    infra,
    demoOrganizationId,
    async close() {
      await gateway.close();
      await billing.close();
      await identitySubgraph.close();
      await infra.close();
    },
  };
}

export { DEMO_MEMBERS };
