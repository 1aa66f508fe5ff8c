import { ref } from '@mikro-orm/core';
import { DomainService, errors, newId, UserInputError, userError, type UserError } from '@platform/kit';
import type { Plan} from '../entities/index.ts';
import { Invoice, Price, Subscription, type CouponDuration, type Customer, type Coupon, type InvoiceLineData } from '../entities/index.ts';
import { addInterval, classifyChange, invoiceTotals, licensedAmount, priceLines, prorationLines, unusedTimeLine } from '../pricing/index.ts';
import type { CatalogService } from './catalog.ts';
import type { CustomerService } from './customers.ts';
import type { InvoiceService } from './invoices.ts';
import type { PaymentService } from './payments.ts';
import { addSeconds, DAY_MS, type BillingDeps } from './support.ts';

export type ChangeKind = 'UPGRADE' | 'DOWNGRADE' | 'SEATS_INCREASE' | 'SEATS_DECREASE' | 'NONE';

export interface Collaborators {
  catalog: CatalogService;
  customers: CustomerService;
  invoices: InvoiceService;
  payments: PaymentService;
}

export interface ChangeInput {
  priceId?: string | null;
  seats?: number | null;
  followMembers?: boolean | null;
  expectedVersion?: number | null;
}

interface PlannedChange {
  subscription: Subscription;
  customer: Customer;
  price: Price;
  plan: Plan;
  seats: number;
  followMembers: boolean;
  kind: ChangeKind;
  /** Lines charged now (upgrades), empty for scheduled changes. */
  lines: InvoiceLineData[];
  /** For an interval change the period restarts now. */
  newPeriod: { start: Date; end: Date } | null;
  effectiveAt: Date;
}

const CANCELLATION_REASONS = ['too_expensive', 'missing_features', 'switched_service', 'unused', 'customer_service', 'too_complex', 'low_quality', 'other'];

/** The subscription lifecycle, with Stripe Billing's rules. */
export class SubscriptionService extends DomainService<BillingDeps> {
  private readonly services: Collaborators;

  constructor(context: ConstructorParameters<typeof DomainService<BillingDeps>>[0], deps: BillingDeps, services: Collaborators) {
    super(context, deps);
    this.services = services;
  }

  /** The live subscription, else the most recent one that ended; null if the organization never subscribed. */
  async current(): Promise<Subscription | null> {
    return this.context.loaders
      .get<string, Subscription | null>('currentSubscription', async (keys) => {
        const [latest] = await this.em.find(Subscription, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 1, populate: ['plan', 'price'] });
        return keys.map(() => latest ?? null);
      })
      .load('current');
  }

  async live(): Promise<Subscription | null> {
    const subscription = await this.em.findOne(Subscription, { liveKey: { $ne: null } }, { populate: ['plan', 'price'] });
    return subscription;
  }

  private async requireLive(expectedVersion?: number | null): Promise<Subscription> {
    const subscription = await this.live();
    if (!subscription) throw UserInputError.of('NO_SUBSCRIPTION', 'The organization has no active subscription.');
    if (expectedVersion != null && expectedVersion !== subscription.version) {
      throw UserInputError.of('CONCURRENT_CHANGE', 'The subscription changed since you loaded it. Review it again before changing it.', ['input', 'expectedVersion']);
    }
    return subscription;
  }

  /**
   * Claims the subscription for this transaction: the version check runs now (not at commit), and on
   * PostgreSQL the row stays locked until commit, so of two concurrent changes one wins and the other
   * gets CONCURRENT_CHANGE before anything is charged.
   */
  async claim(subscription: Subscription): Promise<void> {
    await this.em.flush();
    const claimed = await this.em.nativeUpdate(Subscription, { id: subscription.id, version: subscription.version }, { version: subscription.version + 1, updatedAt: this.deps.clock.now() });
    if (claimed === 0) {
      throw UserInputError.of('CONCURRENT_CHANGE', 'Another change to the subscription was made at the same time. Review it again before changing it.');
    }
    await this.em.refresh(subscription, { populate: ['plan', 'price'] });
  }

  private async activePrice(priceId: string, field: string[]): Promise<Price> {
    const price = await this.em.findOne(Price, { id: priceId }, { populate: ['plan'] });
    if (!price || price.archivedAt || price.plan.getEntity().archivedAt) {
      throw UserInputError.of('UNKNOWN_PRICE', `There is no price '${priceId}' on sale. Pick one from the plans list.`, field);
    }
    return price;
  }

  private async validateSeats(plan: Plan, seats: number, inUse: number, field: string[]): Promise<void> {
    const problems: UserError[] = [];
    if (!Number.isInteger(seats) || seats < 1 || seats > 100_000) problems.push(userError('INVALID', 'Seats must be a whole number from 1 to 100,000.', field));
    else if (seats < inUse) {
      problems.push(userError('SEATS_BELOW_USAGE', `${inUse} members are active. Choose at least ${inUse} seats, or remove members first.`, field));
    }
    const limit = plan.entitlements.seats;
    if (limit !== null && Math.max(inUse, seats) > limit) {
      problems.push(userError('PLAN_SEAT_LIMIT', `${plan.name} allows at most ${limit} seats and ${Math.max(inUse, seats)} are needed. Pick a larger plan or remove members first.`, field));
    }
    if (problems.length > 0) throw new UserInputError(problems);
  }

  private async coupon(code: string | null | undefined, currency: string): Promise<Coupon | null> {
    if (!code) return null;
    const coupon = await this.services.catalog.couponByCode(code);
    if (!coupon) throw UserInputError.of('INVALID_COUPON', `'${code}' is not a valid coupon code.`, ['input', 'couponCode']);
    if (coupon.amountOff !== null && coupon.currency !== currency) {
      throw UserInputError.of('INVALID_COUPON', `The coupon '${coupon.code}' is in ${coupon.currency}; this subscription is in ${currency}.`, ['input', 'couponCode']);
    }
    return coupon;
  }

  private discountEnd(duration: CouponDuration, months: number | null, start: Date, interval: 'month' | 'year'): Date | null {
    if (duration === 'forever') return null;
    if (duration === 'once') return addSeconds(addInterval(start, interval, 1, start), -1);
    return addInterval(start, 'month', months ?? 1, start);
  }

  /** Whether the subscription's coupon still applies to an invoice for a period starting at `at`. */
  activeCoupon(subscription: Subscription, at: Date): Coupon | null {
    const coupon = subscription.coupon?.getEntity() ?? null;
    if (!coupon) return null;
    if (subscription.discountEndsAt && subscription.discountEndsAt <= at) return null;
    return coupon;
  }

  async create(input: { priceId: string; seats?: number | null; paymentMethodId?: string | null; couponCode?: string | null }): Promise<{ subscription: Subscription; invoice: Invoice | null; userErrors: UserError[] }> {
    if (!this.context.organizationId) throw errors.unauthenticated();
    if (await this.live()) throw UserInputError.of('ALREADY_SUBSCRIBED', 'The organization already has a subscription. Change its plan instead.');
    const price = await this.activePrice(input.priceId, ['input', 'priceId']);
    const plan = price.plan.getEntity();
    const customer = await this.services.customers.current();
    if (customer.currency && customer.currency !== price.currency) {
      throw UserInputError.of('CURRENCY_MISMATCH', `This organization is billed in ${customer.currency}; choose a ${customer.currency} price.`, ['input', 'priceId']);
    }
    const inUse = await this.services.customers.activeMembers(customer, { fresh: true });
    const followMembers = input.seats == null;
    const seats = input.seats ?? Math.max(inUse, 1);
    await this.validateSeats(plan, seats, inUse, ['input', 'seats']);
    const coupon = await this.coupon(input.couponCode, price.currency);
    if (input.paymentMethodId) await this.services.payments.findMethod(input.paymentMethodId, ['input', 'paymentMethodId']);

    const now = this.deps.clock.now();
    const trial = plan.trialDays > 0 && !customer.trialUsed;
    const periodEnd = trial ? new Date(now.getTime() + plan.trialDays * DAY_MS) : addInterval(now, price.interval, 1, now);
    const amount = licensedAmount(price.components, seats);
    if (!trial && amount > 0 && !input.paymentMethodId && !customer.defaultPaymentMethodId) {
      throw UserInputError.of('PAYMENT_METHOD_REQUIRED', 'Add a payment method before subscribing to a paid plan.', ['input', 'paymentMethodId']);
    }
    const subscription = this.em.create(Subscription, {
      id: newId('sub'),
      organizationId: customer.organizationId,
      liveKey: customer.organizationId,
      plan,
      price,
      status: trial || amount === 0 ? (trial ? 'trialing' : 'active') : 'incomplete',
      seats,
      seatsFollowMembers: followMembers,
      currency: price.currency,
      billingCycleAnchor: trial ? periodEnd : now,
      currentPeriodStart: now,
      currentPeriodEnd: periodEnd,
      trialEnd: trial ? periodEnd : null,
      trialWillEndNotifiedAt: null,
      cancelAtPeriodEnd: false,
      canceledAt: null,
      cancellationReason: null,
      cancellationFeedback: null,
      endedAt: null,
      scheduledChange: null,
      pendingLines: null,
      incompleteExpiresAt: null,
      coupon,
      discountEndsAt: coupon ? this.discountEnd(coupon.duration, coupon.durationInMonths ?? null, trial ? periodEnd : now, price.interval) : null,
      latestInvoiceId: null,
      createdAt: now,
      updatedAt: now,
    });
    if (trial) customer.trialUsed = true;
    this.context.emit('subscription.created', { subscriptionId: subscription.id, plan: plan.key, priceId: price.id, status: subscription.status, seats, trialEnd: subscription.trialEnd?.toISOString() ?? null });
    if (trial || amount === 0) return { subscription, invoice: null, userErrors: [] };

    customer.currency ??= price.currency;
    const invoice = await this.services.invoices.finalize({
      subscription,
      customer,
      reason: 'subscription_create',
      lines: priceLines(price, seats, { start: now, end: periodEnd }, plan.name),
      periodStart: now,
      periodEnd,
      coupon: this.activeCoupon(subscription, now),
    });
    if (invoice.status === 'paid') {
      subscription.status = 'active';
      return { subscription, invoice, userErrors: [] };
    }
    await this.em.flush();
    const outcome = await this.collect(invoice, subscription, customer, input.paymentMethodId);
    if (outcome.status === 'succeeded') return { subscription, invoice, userErrors: [] };
    subscription.incompleteExpiresAt = addSeconds(now, this.deps.settings.incompleteExpirySeconds);
    return {
      subscription,
      invoice,
      userErrors: [userError(outcome.code === 'no_payment_method' ? 'PAYMENT_METHOD_REQUIRED' : 'CARD_DECLINED', `${outcome.message} The subscription waits for payment until ${subscription.incompleteExpiresAt.toISOString()}; pay the open invoice with another card.`, ['input', 'paymentMethodId'])],
    };
  }

  /** Charges an invoice and moves the subscription with the outcome. */
  async collect(invoice: Invoice, subscription: Subscription, customer: Customer, paymentMethodId?: string | null) {
    const providerCustomerId = await this.services.customers.providerCustomerId(customer);
    const outcome = await this.services.payments.attempt(invoice, customer, providerCustomerId, paymentMethodId);
    if (outcome.status === 'succeeded') {
      this.services.invoices.markPaid(invoice, invoice.amountDue);
      await this.onInvoicePaid(subscription, invoice);
    } else {
      this.onPaymentFailed(invoice, subscription, outcome.retriesLeft);
    }
    return outcome;
  }

  /** A paid invoice brings an incomplete, past-due or unpaid subscription back to active once nothing else is open. */
  async onInvoicePaid(subscription: Subscription, paid: Invoice): Promise<void> {
    if (!['incomplete', 'past_due', 'unpaid'].includes(subscription.status)) return;
    const stillOpen = await this.em.count(Invoice, { subscriptionId: subscription.id, status: 'open', id: { $ne: paid.id } });
    if (stillOpen > 0) return;
    const from = subscription.status;
    subscription.status = 'active';
    subscription.incompleteExpiresAt = null;
    this.emitChanged(subscription, { from, to: 'active', reason: 'payment_succeeded' });
  }

  onPaymentFailed(invoice: Invoice, subscription: Subscription, retriesLeft: boolean): void {
    if (invoice.reason === 'subscription_create') return;
    if (subscription.status === 'active' || subscription.status === 'trialing') {
      const from = subscription.status;
      subscription.status = 'past_due';
      this.emitChanged(subscription, { from, to: 'past_due', reason: 'payment_failed' });
    }
    if (!retriesLeft && subscription.status === 'past_due') this.finalDunningAction(invoice, subscription);
  }

  /** The retries are spent: what DUNNING_FINAL_ACTION says. */
  private finalDunningAction(invoice: Invoice, subscription: Subscription): void {
    const action = this.deps.settings.dunning.finalAction;
    if (action === 'cancel') {
      this.services.invoices.markUncollectible(invoice);
      this.end(subscription, 'payment_failed');
    } else if (action === 'unpaid') {
      subscription.status = 'unpaid';
      this.emitChanged(subscription, { from: 'past_due', to: 'unpaid', reason: 'payment_failed' });
    }
  }

  /** Ends the subscription now. */
  end(subscription: Subscription, reason: string): void {
    const now = this.deps.clock.now();
    const from = subscription.status;
    subscription.status = 'canceled';
    subscription.endedAt = now;
    subscription.canceledAt ??= now;
    subscription.liveKey = null;
    subscription.scheduledChange = null;
    subscription.cancelAtPeriodEnd = false;
    this.context.emit('subscription.canceled', { subscriptionId: subscription.id, plan: subscription.plan.getEntity().key, from, reason, cancellationReason: subscription.cancellationReason });
  }

  emitChanged(subscription: Subscription, details: Record<string, unknown>): void {
    this.context.emit('subscription.changed', { subscriptionId: subscription.id, status: subscription.status, plan: subscription.plan.getEntity().key, seats: subscription.seats, ...details });
  }

  /** Works out what a change would do, without doing it. */
  private async plan(input: ChangeInput): Promise<PlannedChange> {
    const subscription = await this.requireLive(input.expectedVersion);
    if (subscription.status === 'incomplete') throw UserInputError.of('SUBSCRIPTION_INCOMPLETE', 'Pay the open first invoice before changing the subscription.');
    const customer = await this.services.customers.current();
    const price = input.priceId ? await this.activePrice(input.priceId, ['input', 'priceId']) : subscription.price.getEntity();
    const plan = price.plan.getEntity();
    if (price.currency !== subscription.currency) {
      throw UserInputError.of('CURRENCY_MISMATCH', `The subscription is billed in ${subscription.currency}; choose a ${subscription.currency} price.`, ['input', 'priceId']);
    }
    const inUse = await this.services.customers.activeMembers(customer, { fresh: true });
    const followMembers = input.followMembers ?? (input.seats == null ? subscription.seatsFollowMembers : false);
    const seats = followMembers ? Math.max(inUse, 1) : (input.seats ?? subscription.seats);
    await this.validateSeats(plan, seats, inUse, ['input', 'seats']);
    const current = subscription.price.getEntity();
    const currentPlan = subscription.plan.getEntity();
    const now = this.deps.clock.now();
    const kind = classifyChange({
      from: { planRank: currentPlan.rank, perPeriodAmount: licensedAmount(current.components, 1), interval: current.interval, seats: subscription.seats },
      to: { planRank: plan.rank, perPeriodAmount: licensedAmount(price.components, 1), interval: price.interval, seats },
    });
    const base = { subscription, customer, price, plan, seats, followMembers, kind, lines: [] as InvoiceLineData[], newPeriod: null, effectiveAt: now };
    if (kind === 'NONE' || subscription.status === 'trialing') return base;
    if (kind === 'DOWNGRADE' || kind === 'SEATS_DECREASE') return { ...base, effectiveAt: subscription.currentPeriodEnd };
    if (price.interval !== current.interval) {
      // Stripe restarts the billing cycle on an interval change: credit the unused time, charge a whole new period.
      const end = addInterval(now, price.interval, 1, now);
      const lines = [
        unusedTimeLine({ price: current, seats: subscription.seats, planName: currentPlan.name }, { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd }, now),
        ...priceLines(price, seats, { start: now, end }, plan.name),
      ];
      return { ...base, lines, newPeriod: { start: now, end } };
    }
    const lines = prorationLines({
      from: { price: current, seats: subscription.seats, planName: currentPlan.name },
      to: { price, seats, planName: plan.name },
      periodStart: subscription.currentPeriodStart,
      periodEnd: subscription.currentPeriodEnd,
      at: now,
    });
    return { ...base, lines };
  }

  async preview(input: ChangeInput) {
    const currency = (await this.live())?.currency ?? 'USD';
    try {
      const planned = await this.plan(input);
      const { subscription } = planned;
      const coupon = this.activeCoupon(subscription, planned.effectiveAt);
      const now = invoiceTotals(planned.lines, { coupon: null, currency, creditBalance: planned.customer.creditBalance });
      const nextPrice = planned.price;
      const nextStart = planned.newPeriod?.end ?? subscription.currentPeriodEnd;
      const nextEnd = addInterval(nextStart, nextPrice.interval, 1, planned.newPeriod?.start ?? subscription.billingCycleAnchor);
      const next = invoiceTotals(priceLines(nextPrice, planned.seats, { start: nextStart, end: nextEnd }, planned.plan.name), {
        coupon: this.activeCoupon(subscription, nextStart) ?? coupon,
        currency,
        creditBalance: now.creditBalanceAfter,
      });
      return {
        kind: planned.kind,
        effectiveAt: planned.effectiveAt,
        lines: planned.lines,
        amountDueNow: { amount: now.amountDue, currency },
        nextInvoiceTotal: { amount: next.amountDue, currency },
        nextInvoiceAt: nextStart,
        userErrors: [],
      };
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      const now = this.deps.clock.now();
      return { kind: 'NONE' as const, effectiveAt: now, lines: [], amountDueNow: { amount: 0, currency }, nextInvoiceTotal: { amount: 0, currency }, nextInvoiceAt: now, userErrors: error.userErrors };
    }
  }

  async change(input: ChangeInput): Promise<{ subscription: Subscription; invoice: Invoice | null }> {
    const planned = await this.plan(input);
    const { subscription, customer, price, plan, seats, followMembers, kind } = planned;
    await this.claim(subscription);
    const previous = { plan: subscription.plan.getEntity().key, priceId: subscription.price.id, seats: subscription.seats };
    if (kind === 'NONE') {
      if (subscription.seatsFollowMembers !== followMembers) subscription.seatsFollowMembers = followMembers;
      return { subscription, invoice: null };
    }
    if (kind === 'DOWNGRADE' || kind === 'SEATS_DECREASE') {
      if (subscription.status !== 'trialing') {
        subscription.scheduledChange = { priceId: price.id, seats, seatsFollowMembers: followMembers };
        this.emitChanged(subscription, { change: kind.toLowerCase(), scheduled: true, effectiveAt: subscription.currentPeriodEnd.toISOString(), to: { plan: plan.key, priceId: price.id, seats }, from: previous });
        return { subscription, invoice: null };
      }
    }
    const apply = () => {
      subscription.price = ref(price);
      subscription.plan = ref(plan);
      subscription.seats = seats;
      subscription.seatsFollowMembers = followMembers;
      subscription.scheduledChange = null;
    };
    if (subscription.status === 'trialing' || planned.lines.length === 0) {
      apply();
      this.emitChanged(subscription, { change: kind.toLowerCase(), scheduled: false, from: previous, to: { plan: plan.key, priceId: price.id, seats } });
      return { subscription, invoice: null };
    }
    if (subscription.status === 'unpaid') throw UserInputError.of('PAYMENT_REQUIRED', 'Pay the open invoice before upgrading.');
    const periodStart = planned.newPeriod?.start ?? this.deps.clock.now();
    const periodEnd = planned.newPeriod?.end ?? subscription.currentPeriodEnd;
    const invoice = await this.services.invoices.finalize({
      subscription,
      customer,
      reason: 'subscription_update',
      lines: planned.lines,
      periodStart,
      periodEnd,
      coupon: this.activeCoupon(subscription, periodStart),
    });
    if (invoice.status !== 'paid') {
      await this.em.flush();
      const providerCustomerId = await this.services.customers.providerCustomerId(customer);
      const outcome = await this.services.payments.attempt(invoice, customer, providerCustomerId);
      if (outcome.status === 'failed') {
        // Like Stripe's pending_if_incomplete: an upgrade that cannot be paid does not happen at all.
        throw UserInputError.of(outcome.code === 'no_payment_method' ? 'PAYMENT_METHOD_REQUIRED' : 'CARD_DECLINED', `${outcome.message} Your plan did not change.`, ['input', 'priceId']);
      }
      this.services.invoices.markPaid(invoice, invoice.amountDue);
    }
    apply();
    if (planned.newPeriod) {
      subscription.billingCycleAnchor = planned.newPeriod.start;
      subscription.currentPeriodStart = planned.newPeriod.start;
      subscription.currentPeriodEnd = planned.newPeriod.end;
    }
    this.emitChanged(subscription, { change: kind.toLowerCase(), scheduled: false, from: previous, to: { plan: plan.key, priceId: price.id, seats }, invoiceId: invoice.id });
    return { subscription, invoice };
  }

  async cancelScheduledChange(input: { expectedVersion?: number | null }): Promise<{ subscription: Subscription }> {
    const subscription = await this.requireLive(input.expectedVersion);
    if (!subscription.scheduledChange) throw UserInputError.of('NOTHING_SCHEDULED', 'No change is scheduled for the end of the period.');
    await this.claim(subscription);
    subscription.scheduledChange = null;
    this.emitChanged(subscription, { change: 'scheduled_change_canceled' });
    return { subscription };
  }

  async cancel(input: { atPeriodEnd: boolean; reason: string; feedback?: string | null }): Promise<{ subscription: Subscription }> {
    const subscription = await this.requireLive();
    const reason = input.reason.toLowerCase();
    if (!CANCELLATION_REASONS.includes(reason)) throw UserInputError.of('INVALID', 'Choose a reason for cancelling.', ['input', 'reason']);
    if ((input.feedback?.length ?? 0) > 1000) throw UserInputError.of('TOO_LONG', 'Keep the feedback under 1,000 characters.', ['input', 'feedback']);
    await this.claim(subscription);
    subscription.cancellationReason = reason;
    subscription.cancellationFeedback = input.feedback?.trim() || null;
    subscription.canceledAt = this.deps.clock.now();
    if (input.atPeriodEnd && subscription.status !== 'incomplete') {
      if (subscription.cancelAtPeriodEnd) throw UserInputError.of('ALREADY_CANCELING', `The subscription already ends on ${subscription.currentPeriodEnd.toISOString()}.`);
      subscription.cancelAtPeriodEnd = true;
      subscription.scheduledChange = null;
      this.emitChanged(subscription, { change: 'cancel_scheduled', effectiveAt: subscription.currentPeriodEnd.toISOString(), cancellationReason: reason });
      return { subscription };
    }
    for (const invoice of await this.services.invoices.openInvoicesOf(subscription.id)) this.services.invoices.void(invoice);
    this.end(subscription, 'customer_request');
    return { subscription };
  }

  async resume(input: { expectedVersion?: number | null }): Promise<{ subscription: Subscription }> {
    const subscription = await this.requireLive(input.expectedVersion);
    if (!subscription.cancelAtPeriodEnd) throw UserInputError.of('NOT_CANCELING', 'The subscription is not set to cancel.');
    await this.claim(subscription);
    subscription.cancelAtPeriodEnd = false;
    subscription.canceledAt = null;
    subscription.cancellationReason = null;
    subscription.cancellationFeedback = null;
    this.emitChanged(subscription, { change: 'resumed' });
    return { subscription };
  }

  /** Pays an open invoice now: the customer's way out of incomplete, past due and unpaid. */
  async payInvoice(input: { id: string; paymentMethodId?: string | null }): Promise<{ invoice: Invoice; subscription: Subscription | null; userErrors: UserError[] }> {
    const invoice = await this.em.findOne(Invoice, { id: input.id });
    if (!invoice) throw UserInputError.of('NOT_FOUND', `No invoice with id '${input.id}'.`, ['input', 'id']);
    if (invoice.status !== 'open') throw UserInputError.of('NOT_OPEN', `Invoice ${invoice.number} is ${invoice.status}; only open invoices can be paid.`, ['input', 'id']);
    if (input.paymentMethodId) await this.services.payments.findMethod(input.paymentMethodId, ['input', 'paymentMethodId']);
    const subscription = await this.em.findOneOrFail(Subscription, { id: invoice.subscriptionId }, { populate: ['plan', 'price'] });
    await this.claim(subscription);
    const customer = await this.services.customers.current();
    const outcome = await this.collect(invoice, subscription, customer, input.paymentMethodId);
    if (outcome.status === 'succeeded') return { invoice, subscription, userErrors: [] };
    return { invoice, subscription, userErrors: [userError(outcome.code === 'no_payment_method' ? 'PAYMENT_METHOD_REQUIRED' : 'CARD_DECLINED', outcome.message, ['input', 'paymentMethodId'])] };
  }

}
