import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/** The share of the month's quota at which an alert is raised, in percent. */
export type QuotaThreshold = 80 | 100;

/**
 * A quota alert: raised once per organization, month and threshold, in the transaction of the batch that
 * crossed it, together with its domain event (`usage.quota_warning` at 80 %, `usage.quota_exceeded` at 100 %).
 */
export const QuotaAlertSchema = defineEntity({
  name: 'QuotaAlert',
  tableName: 'quota_alert',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    /** The UTC calendar month, '2026-11'. */
    month: p.string().length(7),
    threshold: p.integer().$type<QuotaThreshold>(),
    /** The plan and its monthly quota when the alert was raised. */
    plan: p.string().length(40),
    quota: p.bigint('number'),
    /** Cost points used in the month when the alert was raised. */
    used: p.bigint('number'),
    createdAt: p.datetime(),
  },
  uniques: [{ properties: ['organizationId', 'month', 'threshold'] }],
  indexes: [{ properties: ['organizationId', 'createdAt'] }],
});
export class QuotaAlert extends QuotaAlertSchema.class {}
QuotaAlertSchema.setClass(QuotaAlert);
