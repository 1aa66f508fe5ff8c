import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/** Who ran the operations a row counts: a signed-in user or an API key (anonymous callers are not counted per organization). */
export type PrincipalKind = 'user' | 'apiKey';

/**
 * An organization's usage in one UTC hour, by principal and operation: the gateway's batches are added
 * to it with one atomic upsert per row, so concurrent batches from several gateways never lose a count.
 */
export const UsageHourSchema = defineEntity({
  name: 'UsageHour',
  tableName: 'usage_hour',
  filters: tenantScoped('organizationId'),
  properties: {
    organizationId: p.string().primary(),
    hour: p.datetime().primary(),
    principalKind: p.string().length(16).$type<PrincipalKind>().primary(),
    principalId: p.string().length(64).primary(),
    operationName: p.string().length(120).primary(),
    calls: p.integer(),
    cost: p.integer(),
    /** Operations whose response carried errors. */
    errors: p.integer(),
  },
});
export class UsageHour extends UsageHourSchema.class {}
UsageHourSchema.setClass(UsageHour);

/** An organization's usage in one UTC calendar month ('2026-11'): what its quota is checked against. */
export const UsageMonthSchema = defineEntity({
  name: 'UsageMonth',
  tableName: 'usage_month',
  filters: tenantScoped('organizationId'),
  properties: {
    organizationId: p.string().primary(),
    month: p.string().length(7).primary(),
    calls: p.bigint('number'),
    cost: p.bigint('number'),
    errors: p.bigint('number'),
  },
});
export class UsageMonth extends UsageMonthSchema.class {}
UsageMonthSchema.setClass(UsageMonth);

/** A gateway batch that was counted, by its idempotency key: a batch sent again is ignored. Spans organizations. */
export const UsageBatchSchema = defineEntity({
  name: 'UsageBatch',
  tableName: 'usage_batch',
  properties: {
    id: p.string().length(64).primary(),
    entries: p.integer(),
    receivedAt: p.datetime().index(),
  },
});
export class UsageBatch extends UsageBatchSchema.class {}
UsageBatchSchema.setClass(UsageBatch);
