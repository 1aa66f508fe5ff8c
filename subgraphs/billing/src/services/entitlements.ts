import { DomainService } from '@platform/kit';
import { Plan, Subscription, type EntitlementsData } from '../entities/index.ts';
import { addInterval } from '../pricing/index.ts';
import type { CustomerService } from './customers.ts';
import type { SubscriptionService } from './subscriptions.ts';
import type { UsageService } from './usage.ts';
import type { BillingDeps } from './support.ts';

/** Statuses whose plan the organization may use; any other falls back to the free plan. */
const ENTITLED = new Set(['trialing', 'active', 'past_due']);

/** Used when even the free plan is missing from the catalog: the least anyone gets. */
const FLOOR: EntitlementsData = { seats: 1, apiPointsPerMonth: 1_000, apiPointsPerSecond: 10, storageBytes: 0, features: [] };

/** An organization's API rate limits and quota, as the gateway's rate limiter reads them. */
export interface ApiLimits {
  /** The plan whose limits apply: the entitled subscription's, else 'free'. */
  plan: string;
  apiPointsPerSecond: number;
  /** null: unlimited. */
  apiPointsPerMonth: number | null;
}

function entitled(subscription: Subscription | null): Subscription | null {
  return subscription && subscription.liveKey && ENTITLED.has(subscription.status) ? subscription : null;
}

/** What the organization may use now, and how much of it it uses. */
export class EntitlementService extends DomainService<BillingDeps> {
  private readonly subscriptions: SubscriptionService;
  private readonly customers: CustomerService;
  private readonly usage: UsageService;

  constructor(context: ConstructorParameters<typeof DomainService<BillingDeps>>[0], deps: BillingDeps, collaborators: { subscriptions: SubscriptionService; customers: CustomerService; usage: UsageService }) {
    super(context, deps);
    this.subscriptions = collaborators.subscriptions;
    this.customers = collaborators.customers;
    this.usage = collaborators.usage;
  }

  private async entitledSubscription(): Promise<Subscription | null> {
    return entitled(await this.subscriptions.current());
  }

  async current(): Promise<EntitlementsData> {
    return (await this.planOf(await this.entitledSubscription())).entitlements;
  }

  /**
   * The API limits of the named organization, for the gateway (billing's `/internal/entitlements`).
   * The caller names the organization rather than being in it, so this one lookup crosses the tenant
   * filter on purpose; it reads the same subscription `current()` would for that organization.
   */
  async apiLimitsOf(organizationId: string): Promise<ApiLimits> {
    const [latest] = await this.em.find(Subscription, { organizationId }, { filters: { tenant: false }, orderBy: { createdAt: 'desc', id: 'desc' }, limit: 1, populate: ['plan'] });
    const { key, entitlements } = await this.planOf(entitled(latest ?? null));
    return { plan: key, apiPointsPerSecond: entitlements.apiPointsPerSecond, apiPointsPerMonth: entitlements.apiPointsPerMonth };
  }

  /** The entitled subscription's plan, else the free plan, else the floor. */
  private async planOf(subscription: Subscription | null): Promise<{ key: string; entitlements: EntitlementsData }> {
    const plan = subscription ? subscription.plan.getEntity() : await this.em.findOne(Plan, { key: 'free' });
    return plan ? { key: plan.key, entitlements: plan.entitlements } : { key: 'free', entitlements: FLOOR };
  }

  async seatUsage(): Promise<{ inUse: number; billed: number; limit: number | null }> {
    const [inUse, subscription, entitlements] = await Promise.all([this.customers.activeMembers(), this.entitledSubscription(), this.current()]);
    return { inUse, billed: subscription?.seats ?? 0, limit: entitlements.seats };
  }

  /** The current usage period: the subscription's, or the calendar month for organizations without one. */
  private async period(): Promise<{ start: Date; end: Date }> {
    const subscription = await this.entitledSubscription();
    if (subscription) return { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd };
    const now = this.deps.clock.now();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return { start, end: addInterval(start, 'month', 1, start) };
  }

  async usageFigures(): Promise<{ meter: 'api_points'; used: number; limit: number | null; periodStart: Date; periodEnd: Date }[]> {
    const [period, entitlements] = await Promise.all([this.period(), this.current()]);
    const used = await this.usage.total('api_points', period.start, period.end);
    return [{ meter: 'api_points', used, limit: entitlements.apiPointsPerMonth, periodStart: period.start, periodEnd: period.end }];
  }
}
