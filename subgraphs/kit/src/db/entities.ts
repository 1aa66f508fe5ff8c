import { defineEntity, p } from '@mikro-orm/core';

/**
 * The transactional outbox: domain events are persisted in the same transaction as the state change
 * that causes them, then relayed to the event bus (at least once; consumers dedupe by id).
 */
export const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  properties: {
    id: p.string().primary(),
    type: p.string(),
    organizationId: p.string().nullable(),
    payload: p.json<Record<string, unknown>>(),
    requestId: p.string().nullable(),
    occurredAt: p.datetime(),
    publishedAt: p.datetime().nullable().index(),
  },
});
export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);

/** A file sent with a mail, its bytes in base64 (an invoice PDF, say). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/**
 * Mail waiting to be delivered, written in the same transaction as what it announces. The relay hands
 * it to the mail transport (SMTP, or the log in the embedded default) and retries failures with a
 * growing delay; the row stays, so a newcomer can read what the platform sends.
 */
export const MailMessageSchema = defineEntity({
  name: 'MailMessage',
  tableName: 'mail_message',
  properties: {
    id: p.string().primary(),
    organizationId: p.string().nullable(),
    to: p.string().fieldName('recipient'),
    subject: p.string(),
    text: p.text(),
    html: p.text().nullable(),
    attachments: p.json<MailAttachment[]>().nullable(),
    kind: p.string(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable().index(),
    /** Delivery attempts so far, successful or not. */
    attempts: p.integer().default(0),
    /** Why the last attempt failed: the transport's error code and reply, shortened, never credentials. */
    lastError: p.string().length(255).nullable(),
    /** Not before this time: the retry delay after a failure, or the lease of an attempt in flight. */
    nextAttemptAt: p.datetime().nullable(),
    /** Set when the last allowed attempt failed; the relay leaves the mail alone from then on. */
    failedAt: p.datetime().nullable(),
  },
});
export class MailMessage extends MailMessageSchema.class {}
MailMessageSchema.setClass(MailMessage);

/**
 * An event from another subgraph's outbox that one of this subgraph's consumers has dealt with,
 * written in the same transaction as the handler's own writes: an event takes effect once.
 */
export const ConsumedEventSchema = defineEntity({
  name: 'ConsumedEvent',
  tableName: 'consumed_event',
  properties: {
    consumer: p.string().primary(),
    eventId: p.string().primary(),
    /** handled, or failed when the handler kept failing and the event was set aside. */
    outcome: p.string().length(16),
    /** Why the handler failed, for an event set aside; never credentials. */
    lastError: p.string().length(255).nullable(),
    consumedAt: p.datetime().index(),
  },
});
export class ConsumedEvent extends ConsumedEventSchema.class {}
ConsumedEventSchema.setClass(ConsumedEvent);

/** How far a consumer has read its source's outbox: the last event id it got past. */
export const EventCursorSchema = defineEntity({
  name: 'EventCursor',
  tableName: 'event_cursor',
  properties: {
    consumer: p.string().primary(),
    position: p.string(),
    updatedAt: p.datetime(),
  },
});
export class EventCursor extends EventCursorSchema.class {}
EventCursorSchema.setClass(EventCursor);

/** Entities the kit adds to every subgraph's database. */
export const KIT_ENTITIES = [OutboxEventSchema, MailMessageSchema, ConsumedEventSchema, EventCursorSchema];
