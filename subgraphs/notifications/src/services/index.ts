import type { RequestContext } from '@platform/kit';
import { AnnouncementService } from './announcements.ts';
import { DeliveryService } from './deliveries.ts';
import { DigestService } from './digest.ts';
import { EventNotificationService } from './events.ts';
import { InboxService } from './inbox.ts';
import { MailboxService } from './mailbox.ts';
import { NotifyService } from './notify.ts';
import { PreferenceService } from './preferences.ts';
import { PushService } from './push.ts';
import type { NotificationsDeps } from './support.ts';

export type { Clock, NotificationsDeps } from './support.ts';
export { systemClock } from './support.ts';

export function notificationsServices(context: RequestContext, deps: NotificationsDeps) {
  const notify = new NotifyService(context, deps);
  return {
    inbox: new InboxService(context, deps),
    deliveries: new DeliveryService(context, deps),
    preferences: new PreferenceService(context, deps),
    notify,
    announcements: new AnnouncementService(context, deps, notify),
    events: new EventNotificationService(context, deps, notify),
    push: new PushService(context, deps),
    mailbox: new MailboxService(context, deps),
    digest: new DigestService(context, deps),
  };
}

export type NotificationsServices = ReturnType<typeof notificationsServices>;
