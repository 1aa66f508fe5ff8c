import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

export type NotificationCategory = 'announcement' | 'membership' | 'billing' | 'security' | 'support' | 'system';
export type NotificationChannel = 'in_app' | 'email' | 'push';
export const CHANNELS: readonly NotificationChannel[] = ['in_app', 'email', 'push'];

/**
 * One notification for one recipient in one organization: what the bell and the center show. It is
 * kept even when the recipient muted the kind in the app (then it starts archived), as the anchor of
 * its channels' deliveries.
 */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  filters: tenantScoped('organizationId'),
  indexes: [{ properties: ['organizationId', 'userId', 'createdAt'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    userId: p.string(),
    /** The kind's key in the registry (member.joined, announcement, ...). */
    kind: p.string().length(64),
    category: p.string().length(16).$type<NotificationCategory>(),
    critical: p.boolean(),
    title: p.string().length(200),
    body: p.text(),
    /** A path in the web app, starting with '/'. */
    link: p.string().length(500).nullable(),
    /** The user who caused it, when a person did. */
    actorId: p.string().nullable(),
    /** What the kind's templates were rendered from (the event's payload, the announcement's audience). */
    data: p.json<Record<string, unknown>>(),
    /** The event that caused it (`<source>:<event id>`), or null for an announcement. */
    sourceEventId: p.string().length(80).nullable(),
    createdAt: p.datetime(),
    seenAt: p.datetime().nullable(),
    readAt: p.datetime().nullable(),
    archivedAt: p.datetime().nullable(),
    /** Hidden from the inbox until then; the worker wakes it (unread again) once the time has come. */
    snoozedUntil: p.datetime().nullable().index(),
  },
});
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped' | 'digest_pending';

/**
 * One channel of one notification, written in the same transaction as the notification. Email goes
 * through the kit's mail outbox (`mailId`: its real outcome is the mail row's); push is delivered by
 * the worker, claimed with a lease and retried with backoff.
 */
export const NotificationDeliverySchema = defineEntity({
  name: 'NotificationDelivery',
  tableName: 'notification_delivery',
  filters: tenantScoped('organizationId'),
  indexes: [{ properties: ['channel', 'status', 'nextAttemptAt'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    notificationId: p.string().index(),
    userId: p.string(),
    channel: p.string().length(8).$type<NotificationChannel>(),
    status: p.string().length(16).$type<DeliveryStatus>(),
    attempts: p.integer().default(0),
    lastAttemptAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    /** Why the last attempt failed, or why it was skipped; never a secret (no endpoint, no credentials). */
    lastError: p.string().length(255).nullable(),
    /** Not before this time: the retry delay after a failure, or the lease of an attempt in flight. */
    nextAttemptAt: p.datetime().nullable(),
    /** The queued mail (the kit's mail_message) that carries an email delivery, alone or in a digest. */
    mailId: p.string().nullable().index(),
    createdAt: p.datetime(),
  },
});
export class NotificationDelivery extends NotificationDeliverySchema.class {}
NotificationDeliverySchema.setClass(NotificationDelivery);
