import { DateTime } from '@platform/kit';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { Notification, NotificationChannelSetting, NotificationDelivery, NotificationKind, NotificationPreference, NotificationPreferences, PushSubscription } from './types.ts';

export const resolvers = {
  DateTime,
  Query,
  Mutation,
  Notification,
  NotificationDelivery,
  NotificationKind,
  NotificationPreferences,
  NotificationPreference,
  NotificationChannelSetting,
  PushSubscription,
};
