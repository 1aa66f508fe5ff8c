import type { QueryResolvers } from '../__generated__/resolvers.ts';
import type { NotificationCategory } from '../entities/index.ts';
import { fromEnum } from './enums.ts';

export const Query: QueryResolvers = {
  notifications: (_parent, args, context) =>
    context.services.inbox.list(args, {
      status: args.filter?.status ? fromEnum<'unread' | 'read' | 'all'>(args.filter.status) : null,
      archived: args.filter?.archived ?? false,
      category: args.filter?.category ? fromEnum<NotificationCategory>(args.filter.category) : null,
    }),
  notification: (_parent, args, context) => context.services.inbox.byId(args.id),
  notificationCounts: (_parent, _args, context) => context.services.inbox.counts(),
  notificationKinds: (_parent, _args, context) => [...context.services.preferences.kinds()],
  notificationPreferences: (_parent, _args, context) => context.services.preferences.mine(),
  organizationNotificationDefaults: (_parent, _args, context) => context.services.preferences.organizationDefaults(),
  pushConfig: (_parent, _args, context) => context.services.push.config(),
  pushSubscriptions: (_parent, _args, context) => context.services.push.list(),
  localMailbox: (_parent, args, context) => context.services.mailbox.list(args),
};
