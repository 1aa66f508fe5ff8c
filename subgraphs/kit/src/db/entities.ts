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

/**
 * Mail waiting to be delivered, written in the same transaction as what it announces. The embedded
 * default keeps it here (and logs it) so that a newcomer can read what the platform sends.
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
    kind: p.string(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
});
export class MailMessage extends MailMessageSchema.class {}
MailMessageSchema.setClass(MailMessage);

/** Entities the kit adds to every subgraph's database. */
export const KIT_ENTITIES = [OutboxEventSchema, MailMessageSchema];
