import { MailMessage, parseLiveMessage, liveChannel, type LiveMessage } from '@platform/kit';
import { LocalMail, Notification, NotificationDelivery } from '@platform/notifications/entities/index.ts';
import { dataOf, type TestPlatform } from './platform.ts';
import type { SignedIn } from './seed.ts';

const USER_ERRORS = 'userErrors { code message field }';
const COUNTS = 'counts { unread unseen }';
const NOTIFICATION = 'id kind category critical title body link actor { id } createdAt seenAt readAt archivedAt snoozedUntil';

export const notificationDocuments = {
  list: `query($first: Int, $after: String, $filter: NotificationFilter) { notifications(first: $first, after: $after, filter: $filter) { edges { cursor node { id } } nodes { ${NOTIFICATION} deliveries { channel status attempts lastAttemptAt deliveredAt lastError } } pageInfo { hasNextPage endCursor } } }`,
  one: `query($id: ID!) { notification(id: $id) { ${NOTIFICATION} deliveries { channel status attempts lastError } } }`,
  counts: `{ notificationCounts { unread unseen } }`,
  kinds: `{ notificationKinds { key category description critical defaultChannels } }`,
  preferences: `{ notificationPreferences { emailDelivery locale preferences { kind channel enabled source editable } } }`,
  send: `mutation($input: NotificationSendInput!) { notificationSend(input: $input) { recipients ${USER_ERRORS} } }`,
  markRead: `mutation($input: NotificationIdsInput!) { notificationMarkRead(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  markUnread: `mutation($input: NotificationIdsInput!) { notificationMarkUnread(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  markSeen: `mutation($input: NotificationIdsInput!) { notificationMarkSeen(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  markAllRead: `mutation($input: NotificationMarkAllReadInput) { notificationMarkAllRead(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  markAllSeen: `mutation($input: NotificationMarkAllSeenInput) { notificationMarkAllSeen(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  archive: `mutation($input: NotificationIdsInput!) { notificationArchive(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  unarchive: `mutation($input: NotificationIdsInput!) { notificationUnarchive(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  snooze: `mutation($input: NotificationSnoozeInput!) { notificationSnooze(input: $input) { updated ${COUNTS} ${USER_ERRORS} } }`,
  preferenceSet: `mutation($input: NotificationPreferenceSetInput!) { notificationPreferenceSet(input: $input) { preferences { preferences { kind channel enabled source editable } } ${USER_ERRORS} } }`,
  preferenceReset: `mutation($input: NotificationPreferenceResetInput!) { notificationPreferenceReset(input: $input) { preferences { preferences { kind channel enabled source } } ${USER_ERRORS} } }`,
  settings: `mutation($input: NotificationSettingsUpdateInput!) { notificationSettingsUpdate(input: $input) { preferences { emailDelivery locale } ${USER_ERRORS} } }`,
  organizationDefaults: `{ organizationNotificationDefaults { kind channel enabled } }`,
  organizationDefaultSet: `mutation($input: OrganizationNotificationDefaultSetInput!) { organizationNotificationDefaultSet(input: $input) { defaults { kind channel enabled } ${USER_ERRORS} } }`,
  organizationDefaultReset: `mutation($input: OrganizationNotificationDefaultResetInput!) { organizationNotificationDefaultReset(input: $input) { defaults { kind channel enabled } ${USER_ERRORS} } }`,
  pushConfig: `{ pushConfig { enabled vapidPublicKey } }`,
  pushSubscriptions: `{ pushSubscriptions { id endpointHost userAgent createdAt lastDeliveredAt } }`,
  pushRegister: `mutation($input: PushSubscriptionRegisterInput!) { pushSubscriptionRegister(input: $input) { pushSubscription { id endpointHost } ${USER_ERRORS} } }`,
  pushRemove: `mutation($input: PushSubscriptionRemoveInput!) { pushSubscriptionRemove(input: $input) { removedId ${USER_ERRORS} } }`,
  localMailbox: `query($first: Int, $after: String) { localMailbox(first: $first, after: $after) { nodes { id to subject text html source kind attachments createdAt } pageInfo { hasNextPage endCursor } } }`,
};

/** The notifications API as one signed-in person uses it. */
export function notificationsOf(platform: TestPlatform, who: SignedIn) {
  const call = async <Data = any>(query: string, variables?: Record<string, unknown>) => dataOf(await platform.graphql<Data>(query, variables, { token: who.accessToken }));
  return {
    call,
    raw: (query: string, variables?: Record<string, unknown>) => platform.graphql<any>(query, variables, { token: who.accessToken }),
    async list(variables: Record<string, unknown> = {}) {
      return (await call<any>(notificationDocuments.list, { first: 50, ...variables })).notifications;
    },
    async inbox(filter: Record<string, unknown> = {}) {
      return (await this.list({ filter })).nodes as any[];
    },
    async counts(): Promise<{ unread: number; unseen: number }> {
      return (await call<any>(notificationDocuments.counts)).notificationCounts;
    },
    async send(input: Record<string, unknown>) {
      return (await call<any>(notificationDocuments.send, { input })).notificationSend as { recipients: number | null; userErrors: { code: string; message: string; field: string[] }[] };
    },
    async bulk(action: 'markRead' | 'markUnread' | 'markSeen' | 'archive' | 'unarchive', ids: string[]) {
      return (await call<any>(notificationDocuments[action], { input: { ids } }))[`notification${action[0]!.toUpperCase()}${action.slice(1)}`];
    },
    async setPreference(kind: string, channel: string, enabled: boolean) {
      return (await call<any>(notificationDocuments.preferenceSet, { input: { kind, channel, enabled } })).notificationPreferenceSet;
    },
    async settings(input: Record<string, unknown>) {
      return (await call<any>(notificationDocuments.settings, { input })).notificationSettingsUpdate;
    },
  };
}

/**
 * Lets every committed event become notifications and every queued mail leave: the sources' relays
 * publish, the notifications consumers read them, and its own relay sends the mail (into the local mailbox).
 */
export async function settle(platform: TestPlatform): Promise<void> {
  const { identity, billing, notifications } = platform.platform;
  await Promise.all([identity.flushOutbox(), billing.subgraph.flushOutbox()]);
  await notifications.subgraph.drainEvents();
  await notifications.subgraph.flushOutbox();
  await Promise.all([identity.flushOutbox(), billing.subgraph.flushOutbox()]);
}

export const notificationsDb = (platform: TestPlatform) => platform.platform.notifications.subgraph.db.em.fork();

/** Mail the notifications subgraph queued for an address, oldest first. */
export function notificationMailTo(platform: TestPlatform, email: string): Promise<MailMessage[]> {
  return notificationsDb(platform).find(MailMessage, { to: email }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** What the local mailbox holds for an address, across organizations. */
export function localMailTo(platform: TestPlatform, email: string): Promise<LocalMail[]> {
  return notificationsDb(platform).find(LocalMail, { to: email }, { filters: { tenant: false }, orderBy: { createdAt: 'asc', id: 'asc' } });
}

export function notificationRows(platform: TestPlatform, userId: string): Promise<Notification[]> {
  return notificationsDb(platform).find(Notification, { userId }, { filters: { tenant: false }, orderBy: { createdAt: 'asc', id: 'asc' } });
}

export function deliveryRows(platform: TestPlatform, notificationId: string): Promise<NotificationDelivery[]> {
  return notificationsDb(platform).find(NotificationDelivery, { notificationId }, { filters: { tenant: false } });
}

/** Every live message published for an organization from now on, as the gateway would receive it. */
export async function captureLive(platform: TestPlatform, organizationId: string) {
  const messages: LiveMessage[] = [];
  const unsubscribe = await platform.platform.infra.pubsub.subscribe(liveChannel(organizationId), (json) => {
    const message = parseLiveMessage(json);
    if (message) messages.push(message);
  });
  return {
    messages,
    of: (field: string, userId?: string) => messages.filter((message) => message.field === field && (!userId || message.userIds?.includes(userId))),
    stop: unsubscribe,
  };
}

export async function waitFor<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The user id inside an access token (tests read what the gateway would verify). */
export function userIdOf(who: SignedIn): string {
  const payload = JSON.parse(Buffer.from(who.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub?: string; uid?: string; userId?: string };
  return (payload.sub ?? payload.uid ?? payload.userId)!;
}
