import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createSubgraph, HttpError, startSubgraph, type EventConsumer, type Infrastructure, type Logger, type RunningSubgraph, type SubgraphRuntimeOptions } from '@platform/kit';
import type { Agent } from 'node:https';
import { z } from 'zod';
import { migrations as postgresql } from '../migrations/postgresql/index.ts';
import { migrations as sqlite } from '../migrations/sqlite/index.ts';
import type { NotificationsSettings } from './config.ts';
import { entities } from './entities/index.ts';
import { createIdentityDirectory, type IdentityDirectory } from './identity-client.ts';
import { createPushSender, resolveVapidKeys } from './push-sender.ts';
import { EVENT_SOURCES, eventTypesOf } from './registry.ts';
import type { NotificationsContext } from './resolvers/context.ts';
import { resolvers } from './resolvers/index.ts';
import { createSecretBox } from './secret-box.ts';
import { notificationsServices, systemClock, type Clock, type NotificationsDeps, type NotificationsServices } from './services/index.ts';
import { NotificationWorker } from './worker.ts';

export { notificationsEnvironment, notificationsSettings, type NotificationsSettings } from './config.ts';
export type { IdentityDirectory, MemberEntry } from './identity-client.ts';
export { NOTIFICATION_KINDS, kindOf } from './registry.ts';
export type { Clock, NotificationsDeps, NotificationsServices } from './services/index.ts';
export { NotificationWorker, type WorkerReport } from './worker.ts';
export { seedDemoNotifications } from './seed.ts';

const mailboxDelivery = z.object({
  mailId: z.string().min(1).max(64),
  organizationId: z.string().max(64).nullable(),
  source: z.string().min(1).max(32),
  kind: z.string().min(1).max(64),
  to: z.string().min(1).max(320),
  subject: z.string().max(500),
  text: z.string().max(512 * 1024),
  html: z.string().max(512 * 1024).nullable(),
  attachments: z.array(z.string().max(200)).max(20),
});

/** Identity's and billing's events that become notifications, each source read through its own cursor. */
export const notificationConsumers: EventConsumer<NotificationsServices, NotificationsDeps>[] = EVENT_SOURCES.map((source) => ({
  name: `notifications.${source}`,
  source,
  types: eventTypesOf(source),
  async handle(event, context) {
    await context.services.events.handle(event);
  },
}));

export const notifications = createSubgraph<NotificationsServices, NotificationsDeps>({
  name: 'notifications',
  resolvers: resolvers as unknown as GraphQLResolverMap<NotificationsContext>,
  entities,
  migrations: { sqlite, postgresql },
  services: notificationsServices,
  consumers: notificationConsumers,
  routes: {
    /** The local mailbox transport of every subgraph (the embedded default) delivers each mail here. */
    '/internal/mailbox/deliver': async (body, context) => {
      const parsed = mailboxDelivery.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'BAD_REQUEST', 'Send a mail as the local mailbox transport does.');
      return context.services.mailbox.store(parsed.data);
    },
  },
});

export interface StartNotificationsOptions extends Omit<SubgraphRuntimeOptions<NotificationsDeps>, 'deps'> {
  settings: NotificationsSettings;
  logger: Logger;
  infra: Infrastructure;
  /** Default: the system clock. Tests move time forward with their own. */
  clock?: Clock;
  /** Default: identity's internal route at settings.identityUrl. */
  identity?: IdentityDirectory;
  /** Default true: the worker runs every settings.workerIntervalMs. Tests drive it by hand. */
  work?: boolean;
  /** True when every subgraph's mail goes to this subgraph's local mailbox (the embedded default); default false. */
  localMailbox?: boolean;
  /** The TLS agent for push services; tests trust a local push service's certificate with it. */
  pushAgent?: Agent;
}

export interface RunningNotifications {
  subgraph: RunningSubgraph<NotificationsServices>;
  worker: NotificationWorker;
  deps: NotificationsDeps;
  close(): Promise<void>;
}

/** Starts the notifications subgraph, its event consumers and its worker (push, snoozes, digests). */
export async function startNotifications(options: StartNotificationsOptions): Promise<RunningNotifications> {
  const { settings, clock = systemClock, work = true, localMailbox = false, pushAgent, identity, ...runtime } = options;
  const deps: NotificationsDeps = {
    settings,
    clock,
    identity: identity ?? createIdentityDirectory({ identityUrl: settings.identityUrl, signingSecret: settings.internalSigningSecret }),
    pushBox: createSecretBox(settings.internalSigningSecret, 'push-subscriptions'),
    push: null as never,
    localMailbox,
  };
  const subgraph = await startSubgraph(notifications, {
    ...runtime,
    deps,
    eventSources: runtime.eventSources ?? { identity: settings.identityUrl, billing: settings.billingUrl, usage: settings.usageUrl },
  });
  const vapid = await resolveVapidKeys(subgraph.db.em.fork(), settings.push.vapid, createSecretBox(settings.internalSigningSecret, 'vapid-private-key'));
  deps.push = createPushSender({ ...vapid, subject: settings.push.subject, agent: pushAgent, allowPrivate: settings.push.allowPrivateEndpoints });
  const worker = new NotificationWorker(subgraph, deps, options.logger);
  if (work) worker.start();
  return {
    subgraph,
    worker,
    deps,
    async close() {
      await worker.stop();
      await subgraph.close();
    },
  };
}
