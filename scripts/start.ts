/** `npm start`: the whole platform on its embedded default (or PostgreSQL and Redis when their URLs are set). */
import { ensureWebAppBuilt, WEB_APP_DIST } from '@platform/client/build';
import { createLogger, createMailTransport, mailSettings } from '@platform/kit';
import { platformSettings } from './platform-config.ts';
import { DEMO_MEMBERS, startPlatform } from './platform.ts';

let settings: ReturnType<typeof platformSettings>;
try {
  settings = platformSettings();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const { gateway, identity, billing, notifications, usage, demo } = settings;
const logger = createLogger({ service: 'platform', level: identity.env.LOG_LEVEL });

// Production images build the app when they are made; everywhere else it is built here when stale.
if (gateway.settings.webAppDir === WEB_APP_DIST && gateway.settings.nodeEnv !== 'production') {
  await ensureWebAppBuilt((message) => console.log(message));
}

const mail = createMailTransport(mailSettings(identity.env));
const platform = await startPlatform({
  gateway: gateway.settings,
  identity: identity.settings,
  billing: billing.settings,
  notifications: notifications.settings,
  usage: usage.settings,
  logger,
  mail,
  redisUrl: gateway.env.REDIS_URL,
  database: { databaseUrl: gateway.env.DATABASE_URL, dataDir: gateway.env.DATA_DIR },
  port: gateway.env.PORT,
  host: gateway.env.HOST,
  fixedSubgraphPorts: demo.SUBGRAPH_PORTS === 'registry',
  demo: demo.seed
    ? { organizationName: demo.DEMO_ORGANIZATION_NAME, ownerEmail: demo.DEMO_OWNER_EMAIL, ownerPassword: demo.DEMO_OWNER_PASSWORD, ownerName: demo.DEMO_OWNER_NAME }
    : undefined,
});

const base = platform.gateway.url;
const lines = [
  '',
  `Platform ready in ${process.uptime().toFixed(1)} s (${gateway.env.DATABASE_URL ? 'PostgreSQL' : `SQLite in ${gateway.env.DATA_DIR}`}, ${platform.infra.driver === 'redis' ? 'Redis' : 'in-process pub/sub'})`,
  `  Web app       ${base}/`,
  `  GraphQL API   ${base}/graphql`,
  `  Explorer      ${base}/explorer`,
  `  Health        ${base}/healthz   ${base}/readyz`,
  `  identity      ${platform.identity.url} (subgraph: accepts only requests signed by the gateway)`,
  `  billing       ${platform.billing.subgraph.url} (subgraph; payments: ${billing.settings.provider.kind === 'stripe' ? 'Stripe' : 'sandbox, Stripe test cards such as 4242 4242 4242 4242'})`,
  `  usage         ${platform.usage.subgraph.url} (subgraph; API usage, quotas, reports)`,
  `  notifications ${platform.notifications.subgraph.url} (subgraph; mail: ${mail.kind === 'smtp' ? 'SMTP' : `local mailbox, shown at ${base}/outbox`})`,
];
if (demo.seed) {
  lines.push(
    '',
    `Demo organization "${demo.DEMO_ORGANIZATION_NAME}": sign in as ${demo.DEMO_OWNER_EMAIL} / ${demo.DEMO_OWNER_PASSWORD}`,
    `  members (same password): ${DEMO_MEMBERS.map((member) => `${member.email} (${member.role})`).join(', ')}`,
    `  ${identity.settings.platformOperatorEmails.join(', ')} is also a platform operator (manages the plan catalog)`,
  );
}
console.log(lines.join('\n') + '\n');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await platform.close();
  await mail.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
