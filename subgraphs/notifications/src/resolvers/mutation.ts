import { mutation } from '@platform/kit';
import type * as Types from '../__generated__/resolvers.ts';
import type { EmailDelivery, NotificationCategory, NotificationChannel } from '../entities/index.ts';
import type { NotificationsContext } from './context.ts';
import { fromEnum } from './enums.ts';

const setting = (input: { kind: string; channel: Types.NotificationChannel; enabled: boolean }) => ({
  kind: input.kind,
  channel: fromEnum<NotificationChannel>(input.channel),
  enabled: input.enabled,
});

type BulkResult = { updated: number; counts: { unread: number; unseen: number } };

/** A bulk action: refused as a whole, the payload still tells the inbox's counts (its fields are non-null). */
function bulk<Input>(run: (context: NotificationsContext, input: Input) => Promise<BulkResult>) {
  const resolve = mutation(run);
  return async (parent: unknown, args: { input?: Input | null }, context: NotificationsContext) => {
    const payload = await resolve(parent, args, context);
    if (payload.updated !== undefined && payload.counts !== undefined) return { ...payload, updated: payload.updated, counts: payload.counts };
    return { userErrors: payload.userErrors, updated: 0, counts: await context.services.inbox.counts() };
  };
}

export const Mutation = {
  notificationMarkRead: bulk((context: NotificationsContext, input: Types.NotificationIdsInput) => context.services.inbox.bulk('read', input.ids)),
  notificationMarkUnread: bulk((context: NotificationsContext, input: Types.NotificationIdsInput) => context.services.inbox.bulk('unread', input.ids)),
  notificationMarkSeen: bulk((context: NotificationsContext, input: Types.NotificationIdsInput) => context.services.inbox.bulk('seen', input.ids)),
  notificationArchive: bulk((context: NotificationsContext, input: Types.NotificationIdsInput) => context.services.inbox.bulk('archive', input.ids)),
  notificationUnarchive: bulk((context: NotificationsContext, input: Types.NotificationIdsInput) => context.services.inbox.bulk('unarchive', input.ids)),
  notificationMarkAllRead: bulk((context: NotificationsContext, input: Types.NotificationMarkAllReadInput) =>
    context.services.inbox.markAllRead(input.category ? fromEnum<NotificationCategory>(input.category) : null),
  ),
  notificationMarkAllSeen: bulk((context: NotificationsContext, input: Types.NotificationMarkAllSeenInput) =>
    context.services.inbox.markAllSeen(input.category ? fromEnum<NotificationCategory>(input.category) : null),
  ),
  notificationSnooze: bulk((context: NotificationsContext, input: Types.NotificationSnoozeInput) => context.services.inbox.snooze(input.ids, input.until)),
  notificationSend: mutation((context: NotificationsContext, input: Types.NotificationSendInput) => context.services.announcements.send(input)),
  notificationPreferenceSet: mutation((context: NotificationsContext, input: Types.NotificationPreferenceSetInput) => context.services.preferences.set(setting(input))),
  notificationPreferenceReset: mutation((context: NotificationsContext, input: Types.NotificationPreferenceResetInput) =>
    context.services.preferences.reset({ kind: input.kind, channel: fromEnum<NotificationChannel>(input.channel) }),
  ),
  notificationSettingsUpdate: mutation((context: NotificationsContext, input: Types.NotificationSettingsUpdateInput) =>
    context.services.preferences.updateSettings({ emailDelivery: input.emailDelivery ? fromEnum<EmailDelivery>(input.emailDelivery) : null, locale: input.locale }),
  ),
  organizationNotificationDefaultSet: mutation((context: NotificationsContext, input: Types.OrganizationNotificationDefaultSetInput) =>
    context.services.preferences.setOrganizationDefault(setting(input)),
  ),
  organizationNotificationDefaultReset: mutation((context: NotificationsContext, input: Types.OrganizationNotificationDefaultResetInput) =>
    context.services.preferences.resetOrganizationDefault({ kind: input.kind, channel: fromEnum<NotificationChannel>(input.channel) }),
  ),
  pushSubscriptionRegister: mutation((context: NotificationsContext, input: Types.PushSubscriptionRegisterInput) => context.services.push.register(input)),
  pushSubscriptionRemove: mutation((context: NotificationsContext, input: Types.PushSubscriptionRemoveInput) => context.services.push.remove(input.id)),
} satisfies Types.MutationResolvers;
