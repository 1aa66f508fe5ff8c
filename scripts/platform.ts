import { createGateway, createRateLimiter, RedisRateLimiter, type GatewaySettings, type RunningGateway } from '@platform/gateway';
import { startBilling, type BillingSettings, type Clock, type RunningBilling } from '@platform/billing';
import { identity, seedDemo, type IdentitySettings, type IdentityServices } from '@platform/identity';
import { createInfrastructure, createLocalMailboxTransport, type Infrastructure, type Logger, type MailTransport, type RunningSubgraph, startSubgraph } from '@platform/kit';
import { seedDemoNotifications, startNotifications, type Clock as NotificationsClock, type NotificationsSettings, type RunningNotifications } from '@platform/notifications';
import { startUsage, type RunningUsage, type UsageSettings } from '@platform/usage';
import type { Agent } from 'node:https';
import { SUBGRAPHS } from '@platform/schema';

export interface PlatformOptions {
  gateway: GatewaySettings;
  identity: IdentitySettings;
  billing: BillingSettings;
  /** Billing's clock; tests move it forward. Default: the system clock. */
  billingClock?: Clock;
  /** Run billing's scheduler on its interval (default true); tests run it by hand. */
  billingSchedule?: boolean;
  notifications: NotificationsSettings;
  usage: UsageSettings;
  /** The notifications worker's clock (snoozes, digests); tests move it forward. Default: the system clock. */
  notificationsClock?: NotificationsClock;
  /** Run the notifications worker on its interval (default true); tests run it by hand. */
  notificationsWork?: boolean;
  /** The TLS agent for push services; tests trust a local push service with it. */
  pushAgent?: Agent;
  logger: Logger;
  /** Where mail goes: SMTP; by default (or with the outbox transport) every subgraph's mail lands in the local mailbox. */
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
  notifications: RunningNotifications;
  usage: RunningUsage;
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
  const signingSecret = options.gateway.secrets.internalSigningSecret;
  // Without SMTP, every subgraph's mail goes to the notifications subgraph's local mailbox, which the web app shows.
  const localMailbox = !options.mail || options.mail.kind === 'outbox' ? createLocalMailboxTransport({ signingSecret }) : undefined;
  const mail = localMailbox ?? options.mail;
  const identityDeps = { settings: options.identity };
  const identitySubgraph = await startSubgraph(identity, {
    deps: identityDeps,
    logger: options.logger,
    infra,
    signingSecret: options.gateway.secrets.internalSigningSecret,
    database: options.database,
    mail,
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
  // Usage starts before billing, whose API-points meter reads usage's events; it learns billing's URL (for quotas) below.
  const usage = await startUsage({
    settings: { ...options.usage, identityUrl: identitySubgraph.url },
    logger: options.logger,
    infra,
    signingSecret,
    database: options.database,
    mail,
    port: port('usage'),
  });
  const billing = await startBilling({
    settings: { ...options.billing, identityUrl: identitySubgraph.url, usageUrl: usage.subgraph.url },
    clock: options.billingClock,
    schedule: options.billingSchedule,
    logger: options.logger,
    infra,
    signingSecret: options.gateway.secrets.internalSigningSecret,
    database: options.database,
    mail,
    port: port('billing'),
  });
  usage.setBillingUrl(billing.subgraph.url);
  const notifications = await startNotifications({
    settings: { ...options.notifications, identityUrl: identitySubgraph.url, billingUrl: billing.subgraph.url, usageUrl: usage.subgraph.url },
    eventSources: { identity: identitySubgraph.url, billing: billing.subgraph.url, usage: usage.subgraph.url },
    clock: options.notificationsClock,
    work: options.notificationsWork,
    localMailbox: localMailbox !== undefined,
    pushAgent: options.pushAgent,
    logger: options.logger,
    infra,
    signingSecret,
    database: options.database,
    mail,
    port: port('notifications'),
  });
  localMailbox?.connect(notifications.subgraph.url);
  if (demoOrganizationId) await seedDemoNotifications(notifications, demoOrganizationId);
  const gatewaySettings = {
    ...options.gateway,
    subgraphUrls: { ...options.gateway.subgraphUrls, identity: identitySubgraph.url, billing: billing.subgraph.url, notifications: notifications.subgraph.url, usage: usage.subgraph.url },
  };
  // Several gateways share their buckets through the same Redis as everything else.
  const rateLimiter = options.redisUrl ? createRateLimiter({ redis: options.redisUrl, namespace: options.namespace, logger: options.logger }) : createRateLimiter();
  if (rateLimiter instanceof RedisRateLimiter) await rateLimiter.ready();
  const gateway = await (await createGateway({ settings: gatewaySettings, infra, logger: options.logger, rateLimiter })).listen(options.port, options.host);
  return {
    gateway,
    identity: identitySubgraph,
    billing,
    notifications,
    usage,
    infra,
    demoOrganizationId,
    async close() {
      await gateway.close();
      await notifications.close();
      await billing.close();
      await usage.close();
      await identitySubgraph.close();
      await localMailbox?.close();
      await infra.close();
    },
  };
}

export { DEMO_MEMBERS };
