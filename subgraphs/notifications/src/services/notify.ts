import { DomainService, newId } from '@platform/kit';
import { CHANNELS, Notification, NotificationDelivery, type DeliveryStatus, type Locale, type NotificationChannel } from '../entities/index.ts';
import type { NotificationKind } from '../registry.ts';
import { renderNotificationMail } from '../templates/render.ts';
import { publishCounts } from './inbox.ts';
import { loadPreferenceBook } from './preferences.ts';
import type { NotificationsDeps } from './support.ts';

/** One notification to make for one recipient. */
export interface NotificationDraft {
  kind: NotificationKind;
  recipient: { userId: string; email: string | null; name: string | null };
  /** The channels this recipient may get at all (an audience's restriction); default every channel. */
  channels?: readonly NotificationChannel[];
  /** Critical announcements: in the app and by email whatever the preferences. The kind's own criticality always applies. */
  critical?: boolean;
  /** Title and body in the recipient's language. */
  content(locale: Locale): { title: string; body: string };
  link: string | null;
  actorId: string | null;
  data: Record<string, unknown>;
  sourceEventId: string | null;
  organizationName: string;
}

/** A delivery as `NotificationDelivery` serializes it: enums in upper case, times in ISO 8601. */
function deliveryMessage(delivery: NotificationDelivery): Record<string, unknown> {
  return {
    __typename: 'NotificationDelivery',
    channel: delivery.channel.toUpperCase(),
    status: delivery.status.toUpperCase(),
    attempts: delivery.attempts,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    lastError: delivery.lastError ?? null,
  };
}

/**
 * The value of `Subscription.notificationReceived`: the notification's own fields and its deliveries
 * as they were made, in channel order (so a subscriber selecting them needs no query), the actor as a
 * reference.
 */
export function notificationMessage(notification: Notification, deliveries: readonly NotificationDelivery[]): Record<string, unknown> {
  return {
    __typename: 'Notification',
    id: notification.id,
    kind: notification.kind,
    category: notification.category.toUpperCase(),
    critical: notification.critical,
    title: notification.title,
    body: notification.body,
    link: notification.link ?? null,
    actor: notification.actorId ? { __typename: 'User', id: notification.actorId } : null,
    createdAt: notification.createdAt.toISOString(),
    seenAt: notification.seenAt?.toISOString() ?? null,
    readAt: notification.readAt?.toISOString() ?? null,
    archivedAt: notification.archivedAt?.toISOString() ?? null,
    snoozedUntil: notification.snoozedUntil?.toISOString() ?? null,
    deliveries: deliveries.map(deliveryMessage),
  };
}

const CRITICAL_ANNOUNCEMENT_CHANNELS: readonly NotificationChannel[] = ['in_app', 'email'];

/**
 * Makes notifications and their channels' deliveries, in the caller's transaction: the in-app row,
 * the email queued in the kit's mail outbox (or left for the digest), push left for the worker. What
 * the preferences turn off is recorded as skipped. Publishes each new in-app notification and the
 * recipients' new counts.
 */
export class NotifyService extends DomainService<NotificationsDeps> {
  async deliver(drafts: readonly NotificationDraft[]): Promise<Notification[]> {
    if (drafts.length === 0) return [];
    const organizationId = this.context.organizationId!;
    const book = await loadPreferenceBook(
      this.em,
      drafts.map((draft) => draft.recipient.userId),
    );
    const now = this.deps.clock.now();
    const made: Notification[] = [];
    const delivered: Notification[] = [];
    const deliveriesOf = new Map<string, NotificationDelivery[]>();
    for (const draft of drafts) {
      const { userId } = draft.recipient;
      const settings = book.settingsOf(userId);
      const critical = draft.kind.critical || Boolean(draft.critical);
      const channelOn = (channel: NotificationChannel): boolean => {
        if (draft.channels && !draft.channels.includes(channel)) return false;
        if (draft.critical && CRITICAL_ANNOUNCEMENT_CHANNELS.includes(channel)) return true;
        return book.enabled(userId, draft.kind, channel);
      };
      const inApp = channelOn('in_app');
      const { title, body } = draft.content(settings.locale);
      const notification = this.em.create(Notification, {
        id: newId('ntf'),
        organizationId,
        userId,
        kind: draft.kind.key,
        category: draft.kind.category,
        critical,
        title,
        body,
        link: draft.link,
        actorId: draft.actorId,
        data: draft.data,
        sourceEventId: draft.sourceEventId,
        createdAt: now,
        seenAt: null,
        readAt: null,
        // Muted in the app: kept as the anchor of the other channels, straight in the archive.
        archivedAt: inApp ? null : now,
        snoozedUntil: null,
      });
      this.em.persist(notification);
      made.push(notification);
      if (inApp) delivered.push(notification);

      const deliveries: NotificationDelivery[] = [];
      deliveriesOf.set(notification.id, deliveries);
      for (const channel of CHANNELS) {
        const on = channelOn(channel);
        const delivery = this.em.create(NotificationDelivery, {
          id: newId('ndl'),
          organizationId,
          notificationId: notification.id,
          userId,
          channel,
          status: 'skipped' as DeliveryStatus,
          attempts: 0,
          lastAttemptAt: null,
          deliveredAt: null,
          lastError: null,
          nextAttemptAt: null,
          mailId: null,
          createdAt: now,
        });
        if (!on) {
          delivery.lastError = draft.channels && !draft.channels.includes(channel) ? 'Not sent on this channel for this kind.' : 'Turned off in the preferences.';
        } else if (channel === 'in_app') {
          Object.assign(delivery, { status: 'sent', attempts: 1, lastAttemptAt: now, deliveredAt: now });
        } else if (channel === 'email') {
          if (!draft.recipient.email) delivery.lastError = 'No email address.';
          else if (!critical && settings.emailDelivery === 'daily_digest') delivery.status = 'digest_pending';
          else {
            const mail = renderNotificationMail(
              { locale: settings.locale, recipientName: draft.recipient.name, organizationName: draft.organizationName, publicUrl: this.deps.settings.publicUrl },
              { title, body, link: draft.link },
            );
            delivery.mailId = this.context.sendMail({ to: draft.recipient.email, ...mail, kind: `notification:${draft.kind.key}` });
            delivery.status = 'pending';
          }
        } else {
          delivery.status = 'pending';
        }
        this.em.persist(delivery);
        deliveries.push(delivery);
      }
    }
    await this.em.flush();
    for (const notification of delivered) {
      this.context.publish('notificationReceived', notificationMessage(notification, deliveriesOf.get(notification.id) ?? []), { userIds: [notification.userId] });
    }
    if (delivered.length > 0) await publishCounts(this.em, organizationId, delivered.map((notification) => notification.userId), this.context.requestId);
    return made;
  }
}
