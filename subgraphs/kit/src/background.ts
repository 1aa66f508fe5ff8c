import { systemPrincipal } from '@platform/schema';
import type { Logger } from './logger.ts';
import type { RunningSubgraph, SubgraphContext } from './subgraph.ts';

/**
 * Runs `work` for one organization as the platform itself (the system principal, named `actor` in
 * logs), in one transaction: it commits with its events and mail, or rolls back entirely.
 */
export async function runForOrganization<Services, T>(
  subgraph: Pick<RunningSubgraph<Services>, 'context'>,
  organizationId: string,
  actor: string,
  work: (context: SubgraphContext<Services>) => Promise<T>,
): Promise<T> {
  const context = subgraph.context(systemPrincipal(organizationId, actor));
  await context.em.begin();
  try {
    const result = await work(context);
    await context.em.commit();
    return result;
  } catch (error) {
    await context.em.rollback();
    throw error;
  }
}

/**
 * A pass of background work run on an interval, never two at once: a call to runOnce() while a pass
 * is going shares it. A failed pass is logged and the next interval tries again.
 */
export class PeriodicPass<Report> {
  private readonly pass: () => Promise<Report>;
  private readonly log: Logger;
  private readonly what: string;
  private running: Promise<Report> | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** `what` names the work in the log line of a failed pass, e.g. 'billing scheduler'. */
  constructor(pass: () => Promise<Report>, log: Logger, what: string) {
    this.pass = pass;
    this.log = log;
    this.what = what;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runOnce().catch((error: unknown) => this.log.error({ err: error }, `${this.what} run failed`)), intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over everything due; concurrent callers share the pass in progress. */
  runOnce(): Promise<Report> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time. */
export async function forEachConcurrently<Item>(items: readonly Item[], concurrency: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
