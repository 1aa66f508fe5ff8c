import { defineEntity, p } from '@mikro-orm/core';

/**
 * A webhook event from the payment provider, kept by its id: a replay is recognised and ignored, and
 * an event that arrives before what it refers to waits here until it can be applied.
 */
export const ProviderEventSchema = defineEntity({
  name: 'ProviderEvent',
  properties: {
    id: p.string().primary(),
    type: p.string().length(80),
    /** When the provider created the event; older events never undo newer state. */
    createdAt: p.datetime(),
    receivedAt: p.datetime(),
    payload: p.json<Record<string, unknown>>(),
    processedAt: p.datetime().nullable().index(),
    attempts: p.integer(),
    lastError: p.string().length(300).nullable(),
  },
});
export class ProviderEvent extends ProviderEventSchema.class {}
ProviderEventSchema.setClass(ProviderEvent);
