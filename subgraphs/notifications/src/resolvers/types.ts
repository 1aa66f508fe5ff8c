import type * as Types from '../__generated__/resolvers.ts';
import type { Notification as NotificationEntity } from '../entities/index.ts';
import type { NotificationsContext } from './context.ts';
import { toEnum } from './enums.ts';

type Reference<Model> = { __resolveReference(reference: { id: string }, context: NotificationsContext): Promise<Model | null> | Model | null };

export const Notification: Types.NotificationResolvers & Reference<NotificationEntity> = {
  // Only the caller's own: the gateway resolves live messages through here, per subscriber.
  __resolveReference: (reference, context) => context.services.inbox.byId(reference.id),
  category: (notification) => toEnum(notification.category),
  actor: (notification) => (notification.actorId ? { id: notification.actorId } : null),
  deliveries: (notification, _args, context) => context.services.deliveries.of(notification.id),
};

export const NotificationDelivery: Types.NotificationDeliveryResolvers = {
  channel: (delivery) => toEnum(delivery.channel),
  status: (delivery) => toEnum(delivery.status),
};

export const NotificationKind: Types.NotificationKindResolvers = {
  category: (kind) => toEnum(kind.category),
  defaultChannels: (kind) => kind.defaultChannels.map((channel) => toEnum(channel)),
};

export const NotificationPreferences: Types.NotificationPreferencesResolvers = {
  emailDelivery: (preferences) => toEnum(preferences.emailDelivery),
};

export const NotificationPreference: Types.NotificationPreferenceResolvers = {
  channel: (preference) => toEnum(preference.channel),
  source: (preference) => toEnum(preference.source),
};

export const NotificationChannelSetting: Types.NotificationChannelSettingResolvers = {
  channel: (setting) => toEnum(setting.channel),
};

export const PushSubscription: Types.PushSubscriptionResolvers = {
  lastDeliveredAt: (registration) => registration.lastDeliveredAt ?? null,
};
