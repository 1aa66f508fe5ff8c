import { ref } from '@mikro-orm/core';
import { DomainService } from '@platform/kit';
import { Invoice, Price, Subscription } from '../entities/index.ts';
import { addInterval, priceLines, prorationLines, usageLines } from '../pricing/index.ts';
import type { CustomerService } from './customers.ts';
import type { InvoiceService } from './invoices.ts';
import type { SubscriptionService } from './subscriptions.ts';
import { DAY_MS, type BillingDeps } from './support.ts';
import type { UsageService } from './usage.ts';

/** How long before a trial ends the organization is told (Stripe's trial_will_end). */
export const TRIAL_WILL_END_NOTICE_MS = 3 * DAY_MS;

interface Collaborators {
  subscriptions: SubscriptionService;
  customers: CustomerService;
  invoices: InvoiceService;
  usage: UsageService;
}

/**
 * What time does to a subscription: renewals, trial ends, retries and expiries. Each method handles
 * one subscription or invoice inside the caller's transaction, checks again that the work is still
 * due, and is safe to run twice: a renewal's invoice is unique per period, and a charge repeats its
 * idempotency key.
 */
export class LifecycleService extends DomainService<BillingDeps> {
  private readonly services: Collaborators;

  constructor(context: ConstructorParameters<typeof DomainService<BillingDeps>>[0], deps: BillingDeps, services: Collaborators) {
    super(context, deps);
    this.services = services;
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  async renew(subscriptionId: string): Promise<'renewed' | 'ended' | 'skipped'> {
    const subscription = await this.em.findOne(Subscription, { id: subscriptionId, liveKey: { $ne: null } }, { populate: ['plan', 'price'] });
    if (!subscription || subscription.currentPeriodEnd > this.now() || !['trialing', 'active', 'past_due'].includes(subscription.status)) return 'skipped';
    const { subscriptions, customers, invoices, usage } = this.services;
    await subscriptions.claim(subscription);
    const customer = await customers.current();
    const ended = { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd };
    const wasTrial = subscription.status === 'trialing';
    const endedPrice = subscription.price.getEntity();
    const endedPlan = subscription.plan.getEntity();
    const usageOfEndedPeriod = wasTrial ? [] : usageLines(endedPrice, { api_points: await usage.total('api_points', ended.start, ended.end) }, ended);

    if (subscription.cancelAtPeriodEnd) {
      if (usageOfEndedPeriod.some((line) => line.amount > 0)) {
        const invoice = await invoices.finalize({
          subscription,
          customer,
          reason: 'subscription_cancel',
          lines: usageOfEndedPeriod,
          periodStart: ended.start,
          periodEnd: ended.end,
          periodKey: `${subscription.id}:final:${ended.end.toISOString()}`,
          coupon: subscriptions.activeCoupon(subscription, ended.start),
        });
        if (invoice.status === 'open') await subscriptions.collect(invoice, subscription, customer);
      }
      subscriptions.end(subscription, 'period_end');
      subscription.endedAt = ended.end;
      return 'ended';
    }

    if (subscription.scheduledChange) {
      const change = subscription.scheduledChange;
      const price = await this.em.findOne(Price, { id: change.priceId }, { populate: ['plan'] });
      if (price) {
        const from = { plan: endedPlan.key, seats: subscription.seats };
        subscription.price = ref(price);
        subscription.plan = price.plan;
        subscription.seats = change.seats;
        subscription.seatsFollowMembers = change.seatsFollowMembers;
        subscriptions.emitChanged(subscription, { change: 'scheduled_change_applied', from, to: { plan: price.plan.getEntity().key, seats: change.seats } });
      }
      subscription.scheduledChange = null;
    }
    if (subscription.seatsFollowMembers) subscription.seats = Math.max(await customers.activeMembers(customer, { fresh: true }), 1);
    const price = subscription.price.getEntity();
    const plan = subscription.plan.getEntity();
    const start = ended.end;
    const end = addInterval(start, price.interval, 1, subscription.billingCycleAnchor);
    subscription.currentPeriodStart = start;
    subscription.currentPeriodEnd = end;
    if (wasTrial) {
      subscription.status = 'active';
      subscriptions.emitChanged(subscription, { from: 'trialing', to: 'active', reason: 'trial_ended' });
    }
    const pending = subscription.pendingLines ?? [];
    subscription.pendingLines = null;
    const invoice = await invoices.finalize({
      subscription,
      customer,
      reason: 'subscription_cycle',
      lines: [...priceLines(price, subscription.seats, { start, end }, plan.name), ...pending, ...usageOfEndedPeriod],
      periodStart: start,
      periodEnd: end,
      periodKey: `${subscription.id}:cycle:${start.toISOString()}`,
      coupon: subscriptions.activeCoupon(subscription, start),
    });
    this.context.emit('subscription.renewed', { subscriptionId: subscription.id, invoiceId: invoice.id, periodStart: start.toISOString(), periodEnd: end.toISOString() });
    if (invoice.status === 'open') {
      await this.em.flush();
      await subscriptions.collect(invoice, subscription, customer);
    }
    return 'renewed';
  }

  /**
   * Brings seats that follow the members in line with identity's count, as soon as someone joins or
   * leaves. Like a Stripe quantity update: during a paid period the difference is prorated to the
   * second and billed with the next renewal; during a trial it is free.
   */
  async syncSeats(): Promise<'synced' | 'unchanged'> {
    const subscription = await this.em.findOne(Subscription, { liveKey: { $ne: null }, seatsFollowMembers: true }, { populate: ['plan', 'price'] });
    if (!subscription || !['trialing', 'active', 'past_due'].includes(subscription.status)) return 'unchanged';
    const customer = await this.services.customers.current();
    const seats = Math.max(await this.services.customers.activeMembers(customer, { fresh: true }), 1);
    if (seats === subscription.seats) return 'unchanged';
    await this.services.subscriptions.claim(subscription);
    const price = subscription.price.getEntity();
    const planName = subscription.plan.getEntity().name;
    const now = this.now();
    if (subscription.status !== 'trialing' && now < subscription.currentPeriodEnd) {
      const lines = prorationLines({
        from: { price, seats: subscription.seats, planName },
        to: { price, seats, planName },
        periodStart: subscription.currentPeriodStart,
        periodEnd: subscription.currentPeriodEnd,
        at: now,
      });
      subscription.pendingLines = [...(subscription.pendingLines ?? []), ...lines];
    }
    const from = subscription.seats;
    subscription.seats = seats;
    this.services.subscriptions.emitChanged(subscription, { change: 'seats_synced', from: { seats: from }, to: { seats } });
    return 'synced';
  }

  /** One more try at an open renewal invoice whose retry is due. */
  async retry(invoiceId: string): Promise<'paid' | 'failed' | 'skipped'> {
    const invoice = await this.em.findOne(Invoice, { id: invoiceId, status: 'open', nextPaymentAttemptAt: { $lte: this.now() } });
    if (!invoice) return 'skipped';
    const subscription = await this.em.findOneOrFail(Subscription, { id: invoice.subscriptionId }, { populate: ['plan', 'price'] });
    if (!subscription.liveKey) {
      invoice.nextPaymentAttemptAt = null;
      return 'skipped';
    }
    await this.services.subscriptions.claim(subscription);
    const customer = await this.services.customers.current();
    const outcome = await this.services.subscriptions.collect(invoice, subscription, customer);
    return outcome.status === 'succeeded' ? 'paid' : 'failed';
  }

  /** A first invoice left unpaid for INCOMPLETE_EXPIRY_SECONDS ends the subscription (incomplete_expired). */
  async expireIncomplete(subscriptionId: string): Promise<boolean> {
    const subscription = await this.em.findOne(Subscription, { id: subscriptionId, status: 'incomplete', incompleteExpiresAt: { $lte: this.now() } }, { populate: ['plan', 'price'] });
    if (!subscription) return false;
    await this.services.subscriptions.claim(subscription);
    for (const invoice of await this.services.invoices.openInvoicesOf(subscription.id)) this.services.invoices.void(invoice);
    subscription.status = 'incomplete_expired';
    subscription.liveKey = null;
    subscription.endedAt = this.now();
    subscription.incompleteExpiresAt = null;
    this.services.subscriptions.emitChanged(subscription, { from: 'incomplete', to: 'incomplete_expired', reason: 'first_payment_not_made' });
    return true;
  }

  /** Tells the organization its trial ends soon, once. */
  async trialWillEnd(subscriptionId: string): Promise<boolean> {
    const subscription = await this.em.findOne(Subscription, { id: subscriptionId, status: 'trialing', trialWillEndNotifiedAt: null });
    if (!subscription?.trialEnd || subscription.trialEnd.getTime() - TRIAL_WILL_END_NOTICE_MS > this.now().getTime()) return false;
    subscription.trialWillEndNotifiedAt = this.now();
    this.context.emit('trial.will_end', { subscriptionId: subscription.id, trialEnd: subscription.trialEnd.toISOString() });
    return true;
  }
}
