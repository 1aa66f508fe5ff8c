import { forEachConcurrently, PeriodicPass, runForOrganization, type Logger, type RunningSubgraph, type SubgraphContext } from '@platform/kit';
import { systemPrincipal } from '@platform/schema';
import { Notification, NotificationDelivery, RecipientSettings } from './entities/index.ts';
import type { NotificationsDeps, NotificationsServices } from './services/index.ts';
import { latestDigestCutoff } from './services/support.ts';

const BATCH = 200;
/** Push deliveries in flight at the same time. */
const PUSH_CONCURRENCY = 4;

export interface WorkerReport {
  pushed: number;
  pushRetries: number;
  woken: number;
  digests: number;
  failures: number;
}

type Work<T> = (context: SubgraphContext<NotificationsServices>) => Promise<T>;

/**
 * The notifications subgraph's background work: push deliveries (leased, retried with backoff),
 * snoozed notifications that wake, and the daily digests. Everything it does is found in the
 * database, so a worker started after a crash picks up what the last one left.
 */
export class NotificationWorker {
  private readonly subgraph: RunningSubgraph<NotificationsServices>;
  private readonly deps: NotificationsDeps;
  private readonly log: Logger;
  private readonly periodic: PeriodicPass<WorkerReport>;
  private stopped = false;

  constructor(subgraph: RunningSubgraph<NotificationsServices>, deps: NotificationsDeps, log: Logger) {
    this.subgraph = subgraph;
    this.deps = deps;
    this.log = log.child({ component: 'notifications-worker' });
    this.periodic = new PeriodicPass(() => this.pass(), this.log, 'notifications worker');
  }

  start(intervalMs = this.deps.settings.workerIntervalMs): void {
    this.stopped = false;
    this.periodic.start(intervalMs);
  }

  /** Stops after the delivery in progress; a pass cut short leaves the rest for the next worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.periodic.stop();
  }

  /** One pass over everything due; concurrent callers share the pass in progress. */
  runOnce(): Promise<WorkerReport> {
    return this.periodic.runOnce();
  }

  /** Runs `work` for one organization in a transaction of its own; a failure is logged and retried next pass. */
  private async inTransaction<T>(organizationId: string, what: string, work: Work<T>, report: WorkerReport): Promise<T | undefined> {
    try {
      return await runForOrganization(this.subgraph, organizationId, 'notifications.worker', work);
    } catch (error) {
      report.failures += 1;
      this.log.error({ err: error, organizationId, what }, 'notifications step failed; it will be tried again');
      return undefined;
    }
  }

  private async pass(): Promise<WorkerReport> {
    const report: WorkerReport = { pushed: 0, pushRetries: 0, woken: 0, digests: 0, failures: 0 };
    await this.pushDue(report);
    if (!this.stopped) await this.wakeSnoozed(report);
    if (!this.stopped) await this.sendDigests(report);
    return report;
  }

  private async pushDue(report: WorkerReport): Promise<void> {
    const now = this.deps.clock.now();
    const due = await this.subgraph.db.em
      .fork()
      .find(
        NotificationDelivery,
        { channel: 'push', status: 'pending', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
        { filters: { tenant: false }, limit: BATCH, orderBy: { createdAt: 'asc', id: 'asc' }, fields: ['id', 'organizationId'] },
      );
    await forEachConcurrently(due, PUSH_CONCURRENCY, async (delivery) => {
      if (this.stopped) return;
      try {
        // Outside any transaction: the push service's answer is recorded whatever happens after it.
        const outcome = await this.subgraph.context(systemPrincipal(delivery.organizationId, 'notifications.worker')).services.push.attempt(delivery.id);
        if (outcome === 'sent') report.pushed += 1;
        if (outcome === 'retry') report.pushRetries += 1;
      } catch (error) {
        report.failures += 1;
        this.log.error({ err: error, deliveryId: delivery.id }, 'push delivery failed unexpectedly; its lease runs out and it is tried again');
      }
    });
  }

  private async wakeSnoozed(report: WorkerReport): Promise<void> {
    const due = await this.subgraph.db.em
      .fork()
      .find(Notification, { snoozedUntil: { $lte: this.deps.clock.now() } }, { filters: { tenant: false }, limit: BATCH, fields: ['id', 'organizationId'] });
    for (const organizationId of new Set(due.map((notification) => notification.organizationId))) {
      report.woken += (await this.inTransaction(organizationId, 'wake snoozed', (context) => context.services.inbox.wakeDue(), report)) ?? 0;
    }
  }

  private async sendDigests(report: WorkerReport): Promise<void> {
    const em = this.subgraph.db.em.fork();
    const cutoff = latestDigestCutoff(this.deps.clock.now(), this.deps.settings.digestHourUtc);
    const waiting = await em
      .createQueryBuilder(NotificationDelivery, 'd')
      .select(['d.organizationId', 'd.userId'])
      .distinct()
      .where({ channel: 'email', status: 'digest_pending' })
      .limit(BATCH)
      .execute<{ organization_id: string; user_id: string }[]>('all', false);
    if (waiting.length === 0) return;
    const done = await em.find(
      RecipientSettings,
      { userId: { $in: [...new Set(waiting.map((row) => row.user_id))] }, lastDigestAt: { $gte: cutoff } },
      { filters: { tenant: false }, fields: ['organizationId', 'userId'] },
    );
    const finished = new Set(done.map((row) => `${row.organizationId}|${row.userId}`));
    const due = new Map<string, string[]>();
    for (const row of waiting) {
      if (finished.has(`${row.organization_id}|${row.user_id}`)) continue;
      due.set(row.organization_id, [...(due.get(row.organization_id) ?? []), row.user_id]);
    }
    for (const [organizationId, userIds] of due) {
      if (this.stopped) return;
      let directory;
      try {
        directory = await this.deps.identity.members(organizationId, { userIds });
      } catch (error) {
        report.failures += 1;
        this.log.warn({ err: error, organizationId }, 'could not look up digest recipients; will retry');
        continue;
      }
      for (const userId of userIds) {
        const member = directory.members.find((entry) => entry.userId === userId) ?? null;
        const sent = await this.inTransaction(organizationId, `digest ${userId}`, (context) => context.services.digest.send(userId, member, directory.organizationName), report);
        if (sent) report.digests += 1;
      }
    }
  }
}
