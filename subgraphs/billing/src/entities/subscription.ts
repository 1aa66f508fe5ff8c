import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import { Coupon, Plan, Price } from './catalog.ts';
import type { InvoiceLineData } from './invoice.ts';

export type SubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | 'incomplete' | 'incomplete_expired';


export interface ScheduledChangeData {
  priceId: string;
  seats: number;
  seatsFollowMembers: boolean;
}

/**
 * An organization's subscription to one price. `version` is an optimistic lock: two changes read
 * the same version and only the first to write it wins.
 */
export const SubscriptionSchema = defineEntity({
  name: 'Subscription',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string().index(),
    /** The organization id while the subscription is live, null once it ended: one live subscription per organization. */
    liveKey: p.string().nullable().unique(),
    plan: () => p.manyToOne(Plan).ref(),
    price: () => p.manyToOne(Price).ref(),
    status: p.string().length(20).$type<SubscriptionStatus>().index(),
    seats: p.integer(),
    seatsFollowMembers: p.boolean(),
    currency: p.string().length(3),
    /** Periods are counted from this instant, so month ends never drift (Jan 31, Feb 28, Mar 31). */
    billingCycleAnchor: p.datetime(),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime().index(),
    trialEnd: p.datetime().nullable(),
    trialWillEndNotifiedAt: p.datetime().nullable(),
    cancelAtPeriodEnd: p.boolean(),
    canceledAt: p.datetime().nullable(),
    cancellationReason: p.string().length(30).nullable(),
    cancellationFeedback: p.text().nullable(),
    endedAt: p.datetime().nullable(),
    scheduledChange: p.json<ScheduledChangeData>().nullable(),
    /** Prorations of seat changes made during the period, billed with the next renewal (Stripe's pending invoice items). */
    pendingLines: p.json<InvoiceLineData[]>().nullable(),
    incompleteExpiresAt: p.datetime().nullable(),
    coupon: () => p.manyToOne(Coupon).ref().nullable(),
    discountEndsAt: p.datetime().nullable(),
    latestInvoiceId: p.string().nullable(),
    version: p.integer().version(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class Subscription extends SubscriptionSchema.class {}
SubscriptionSchema.setClass(Subscription);
