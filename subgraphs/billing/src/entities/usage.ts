import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import type { MeterName } from './catalog.ts';

/** Usage the platform recorded for one organization and meter; `idempotencyKey` makes reporting safe to retry. */
export const UsageRecordSchema = defineEntity({
  name: 'UsageRecord',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    meter: p.string().length(30).$type<MeterName>(),
    quantity: p.integer(),
    recordedAt: p.datetime(),
    idempotencyKey: p.string().length(120).unique(),
  },
  indexes: [{ properties: ['organizationId', 'meter', 'recordedAt'] }],
});
export class UsageRecord extends UsageRecordSchema.class {}
UsageRecordSchema.setClass(UsageRecord);
