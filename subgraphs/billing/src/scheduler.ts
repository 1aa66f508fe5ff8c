import { ProviderEvent, Invoice, Subscription } from './entities/index.ts';
import { PeriodicPass, runForOrganization, type Logger, type RunningSubgraph, type SubgraphContext } from '@platform/kit';
import type { BillingDeps, BillingServices } from './services/index.ts';
import { TRIAL_WILL_END_NOTICE_MS } from './services/lifecycle.ts';

/** Gives up on a provider event that still matches nothing after this many tries. */
const MAX_EVENT_ATTEMPTS = 20;
const BATCH = 200;

export interface SchedulerReport {
  renewed: number;
  ended: number;
  retried: number;
  expired: number;
  trialNotices: number;
  providerEvents: number;
  failures: number;
}

function emptyReport(): SchedulerReport {
  return { renewed: 0, ended: 0, retried: 0, expired: 0, trialNotices: 0, providerEvents: 0, failures: 0 };
}

type Work<T> = (context: SubgraphContext<BillingServices>) => Promise<T>;

/**
 * The billing clock: renewals at period end, trial notices, dunning retries, incomplete expiry and
 * provider events that arrived early. Every step re-checks that it is still due inside its own
 * transaction, so two schedulers (or a scheduler restarted mid-run) never bill twice.
 */
export class BillingScheduler {
  private readonly billing: RunningSubgraph<BillingServices>;
  private readonly deps: BillingDeps;
  private readonly log: Logger;
  private readonly periodic: PeriodicPass<SchedulerReport>;

  constructor(billing: RunningSubgraph<BillingServices>, deps: BillingDeps, log: Logger) {
    this.billing = billing;
    this.deps = deps;
    this.log = log.child({ component: 'billing-scheduler' });
    this.periodic = new PeriodicPass(() => this.pass(), this.log, 'billing scheduler');
  }

  start(intervalMs = this.deps.settings.schedulerIntervalSeconds * 1000): void {
    this.periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass over everything due; concurrent callers share the pass in progress. */
  runOnce(): Promise<SchedulerReport> {
    return this.periodic.runOnce();
  }

  private async step<T>(organizationId: string, what: string, work: Work<T>, report: SchedulerReport): Promise<T | undefined> {
    try {
      return await runForOrganization(this.billing, organizationId, 'billing.scheduler', work);
    } catch (error) {
      report.failures += 1;
      this.log.error({ err: error, organizationId, what }, 'billing step failed; it will be tried again');
      return undefined;
    }
  }

  private async pass(): Promise<SchedulerReport> {
    const report = emptyReport();
    const now = this.deps.clock.now();
    const em = this.billing.db.em.fork();
    const across = { filters: { tenant: false }, limit: BATCH } as const;

    const dueTrialNotices = await em.find(Subscription, { status: 'trialing', trialWillEndNotifiedAt: null, trialEnd: { $lte: new Date(now.getTime() + TRIAL_WILL_END_NOTICE_MS) } }, across);
    for (const { id, organizationId } of dueTrialNotices) {
      if (await this.step(organizationId, `trial notice ${id}`, (context) => context.services.lifecycle.trialWillEnd(id), report)) report.trialNotices += 1;
    }

    const dueRenewals = await em.find(Subscription, { liveKey: { $ne: null }, status: { $in: ['trialing', 'active', 'past_due'] }, currentPeriodEnd: { $lte: now } }, { ...across, orderBy: { currentPeriodEnd: 'asc' } });
    for (const { id, organizationId } of dueRenewals) {
      const outcome = await this.step(organizationId, `renewal ${id}`, (context) => context.services.lifecycle.renew(id), report);
      if (outcome === 'renewed') report.renewed += 1;
      if (outcome === 'ended') report.ended += 1;
    }

    const dueRetries = await em.find(Invoice, { status: 'open', nextPaymentAttemptAt: { $lte: now }, reason: 'subscription_cycle' }, { ...across, orderBy: { nextPaymentAttemptAt: 'asc' } });
    for (const { id, organizationId } of dueRetries) {
      const outcome = await this.step(organizationId, `retry ${id}`, (context) => context.services.lifecycle.retry(id), report);
      if (outcome && outcome !== 'skipped') report.retried += 1;
    }

    const dueExpiries = await em.find(Subscription, { status: 'incomplete', incompleteExpiresAt: { $lte: now } }, across);
    for (const { id, organizationId } of dueExpiries) {
      if (await this.step(organizationId, `expiry ${id}`, (context) => context.services.lifecycle.expireIncomplete(id), report)) report.expired += 1;
    }

    const waitingEvents = await em.find(ProviderEvent, { processedAt: null }, { limit: BATCH, orderBy: { createdAt: 'asc' } });
    for (const event of waitingEvents) {
      if (await this.applyProviderEvent(event.id, report)) report.providerEvents += 1;
    }
    return report;
  }

  /** Applies one stored provider event for the organization it concerns; true when it was applied. */
  async applyProviderEvent(eventId: string, report?: SchedulerReport): Promise<boolean> {
    const em = this.billing.db.em.fork();
    const event = await em.findOne(ProviderEvent, { id: eventId });
    if (!event || event.processedAt) return false;
    const anonymous = this.billing.context({ kind: 'anonymous' });
    const organizationId = await anonymous.services.webhooks.organizationOf(event.type, event.payload);
    if (!organizationId) {
      event.attempts += 1;
      if (event.attempts >= MAX_EVENT_ATTEMPTS) {
        event.processedAt = new Date();
        event.lastError = 'no organization matches this event';
        this.log.warn({ eventId, type: event.type }, 'gave up on a provider event that matches no organization');
      }
      await em.flush();
      return false;
    }
    const outcome = await this.step(organizationId, `provider event ${eventId}`, (context) => context.services.webhooks.apply(eventId), report ?? emptyReport());
    return outcome === 'applied';
  }
}
