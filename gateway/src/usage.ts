import { InternalCallError, newId, type InternalClient, type Logger } from '@platform/kit';
import { ANONYMOUS, type Principal } from '@platform/schema';
import type { GatewaySettings } from './config.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Operation names longer than this are cut (the usage subgraph keeps 120 characters). */
const MAX_OPERATION_NAME = 120;

/** The longest wait between two tries while the usage subgraph does not answer. */
const MAX_RETRY_DELAY_MS = 60_000;

/** One finished operation, as the gateway saw it. */
export interface UsageSample {
  principal: Principal;
  /** The operation's name; null or undefined for an unnamed one. */
  operationName?: string | null;
  /** SHA-256 (hex) of the document: names an unnamed operation. */
  documentHash?: string | null;
  /** Its actual cost, as extensions.cost reported it. */
  cost: number;
  /** Whether its response carried errors. */
  failed: boolean;
}

/** One organization's principal running one operation in one UTC hour: what the usage subgraph counts. */
export interface UsageEntry {
  organizationId: string;
  principalKind: 'user' | 'apiKey';
  principalId: string;
  operationName: string;
  /** The start of the UTC hour, ISO 8601. */
  hour: string;
  calls: number;
  cost: number;
  errors: number;
}

/** What the usage subgraph's ingest route takes; it counts a batchId once, however often it arrives. */
export interface UsageBatch {
  batchId: string;
  entries: UsageEntry[];
}

export interface UsageRecorderOptions {
  /** Delivers one batch; resolves once it is counted (or known counted), throws when it must be tried again. */
  send(batch: UsageBatch): Promise<void>;
  /** How often what was recorded is sent, in ms; default 5000. */
  flushIntervalMs?: number;
  /** The most entries one batch holds; default 500. Reaching it sends at once instead of waiting for the interval. */
  batchSize?: number;
  /**
   * The most entries kept unsent, waiting and aggregating together, default 100,000 (a few tens of MB).
   * While the usage subgraph is unreachable they pile up; beyond this, new ones are dropped, counted and logged.
   */
  maxPendingEntries?: number;
  logger: Logger;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
}

export interface UsageRecorderStats {
  /** Entries recorded and not yet counted by the usage subgraph. */
  pendingEntries: number;
  /** Batches cut and waiting for the usage subgraph, oldest first. */
  queuedBatches: number;
  sentBatches: number;
  /** Calls and cost that were never sent: recorded while the pending entries were at their maximum, or in a refused batch. */
  dropped: { calls: number; cost: number };
}

function principalKey(principal: Principal): { organizationId: string; principalKind: 'user' | 'apiKey'; principalId: string } | null {
  if (principal.kind === 'user') return { organizationId: principal.organizationId, principalKind: 'user', principalId: principal.userId };
  if (principal.kind === 'apiKey') return { organizationId: principal.organizationId, principalKind: 'apiKey', principalId: principal.apiKeyId };
  // Anonymous operations (sign-up, log-in, the public catalog) belong to no organization.
  return null;
}

/** 'Viewer', or 'anonymous:' and 12 hex digits of the document's hash for an unnamed operation. */
export function usageOperationName(operationName: string | null | undefined, documentHash: string | null | undefined): string {
  if (operationName) return operationName.slice(0, MAX_OPERATION_NAME);
  return documentHash ? `anonymous:${documentHash.slice(0, 12)}` : 'anonymous';
}

/** A refusal that no retry can change: the batch is malformed or too large. */
function isPermanent(error: unknown): boolean {
  return error instanceof InternalCallError && error.reason === 'HTTP_STATUS' && (error.status === 400 || error.status === 413);
}

/**
 * Counts every operation's calls, cost and errors per organization, principal, operation and UTC hour, in
 * memory, and sends them to the usage subgraph in batches, off the request path: `record()` only touches
 * a Map. A batch keeps its id until the usage subgraph accepts it, so a batch whose answer was lost is
 * sent again under the same id and counted once; it is never merged back into newer counts, which would
 * give the same usage a second id. While batches wait, new usage keeps aggregating by key, so memory
 * grows with distinct keys, not with operations, up to `maxPendingEntries`.
 */
export class UsageRecorder {
  private readonly options: UsageRecorderOptions;
  private readonly clock: () => number;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxPendingEntries: number;
  private readonly log: Logger;
  private readonly timer: NodeJS.Timeout;
  /** Usage not yet cut into a batch, by key. */
  private aggregate = new Map<string, UsageEntry>();
  /** Batches cut and not yet accepted, oldest first; each keeps its id. */
  private readonly queue: UsageBatch[] = [];
  private queuedEntries = 0;
  private running: Promise<void> | null = null;
  private failures = 0;
  private retryAt = 0;
  private sentBatches = 0;
  private readonly dropped = { calls: 0, cost: 0 };
  /** Dropped since the last warning, so the log says it once per pass rather than once per operation. */
  private readonly unreported = { calls: 0, cost: 0 };
  private closed = false;

  constructor(options: UsageRecorderOptions) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.flushIntervalMs = options.flushIntervalMs ?? 5_000;
    this.batchSize = options.batchSize ?? 500;
    this.maxPendingEntries = options.maxPendingEntries ?? 100_000;
    this.log = options.logger.child({ component: 'usage' });
    this.timer = setInterval(() => void this.pass(false), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Adds one finished operation to the counts. Synchronous and cheap: nothing here waits for I/O. */
  record(sample: UsageSample): void {
    const who = principalKey(sample.principal);
    if (!who || this.closed) return;
    const operationName = usageOperationName(sample.operationName, sample.documentHash);
    const hour = Math.floor(this.clock() / HOUR_MS) * HOUR_MS;
    const key = `${who.organizationId}\u0000${who.principalKind}\u0000${who.principalId}\u0000${operationName}\u0000${hour}`;
    const cost = Math.max(0, Math.round(sample.cost));
    const known = this.aggregate.get(key);
    if (known) {
      known.calls += 1;
      known.cost += cost;
      if (sample.failed) known.errors += 1;
      return;
    }
    if (this.aggregate.size + this.queuedEntries >= this.maxPendingEntries) {
      this.dropped.calls += 1;
      this.dropped.cost += cost;
      this.unreported.calls += 1;
      this.unreported.cost += cost;
      return;
    }
    this.aggregate.set(key, { ...who, operationName, hour: new Date(hour).toISOString(), calls: 1, cost, errors: sample.failed ? 1 : 0 });
    if (this.aggregate.size >= this.batchSize && !this.running) void this.pass(false);
  }

  /**
   * Sends everything recorded before the call, now, whatever the retry delay says. Resolves true once the
   * usage subgraph has counted all of it, false when it did not answer (what is left stays queued for the
   * next try). Usage recorded while the flush runs waits for the next one.
   */
  async flush(): Promise<boolean> {
    // A pass already running may have cut its batches before the caller's operations were recorded.
    while (this.running) await this.running;
    await this.pass(true);
    return this.queue.length === 0;
  }

  stats(): UsageRecorderStats {
    return {
      pendingEntries: this.aggregate.size + this.queuedEntries,
      queuedBatches: this.queue.length,
      sentBatches: this.sentBatches,
      dropped: { ...this.dropped },
    };
  }

  /**
   * Stops the timer and sends what is left (a graceful shutdown loses nothing while the usage subgraph
   * answers), trying a few times. What still cannot be sent is logged with its size.
   */
  async close(attempts = 3): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      // Nothing is recorded any more, so a successful flush leaves nothing behind.
      if (await this.flush()) return;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
    const lost = [...this.aggregate.values(), ...this.queue.flatMap((batch) => batch.entries)].reduce(
      (sum, entry) => ({ calls: sum.calls + entry.calls, cost: sum.cost + entry.cost }),
      { calls: 0, cost: 0 },
    );
    this.log.error({ entries: this.stats().pendingEntries, ...lost }, 'shutting down with usage the usage subgraph did not accept; it is lost');
  }

  /** One run at a time; a timer or size trigger waits out the retry delay, a flush does not. */
  private pass(force: boolean): Promise<void> {
    if (!this.running) {
      this.running = this.sendPending(force)
        .catch((error: unknown) => this.log.error({ err: error }, 'usage flush failed unexpectedly'))
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }

  /**
   * Sends the batches that were waiting, then cuts what was recorded meanwhile into batches and sends
   * those. Usage recorded during the pass waits for the next one, so a busy gateway still sends few,
   * full batches.
   */
  private async sendPending(force: boolean): Promise<void> {
    if (!force && this.clock() < this.retryAt) return;
    if (await this.drainQueue()) {
      this.cut();
      await this.drainQueue();
    }
    if (this.unreported.calls > 0) {
      this.log.warn({ ...this.unreported, maxPendingEntries: this.maxPendingEntries }, 'usage dropped: too much was waiting for the usage subgraph');
      this.unreported.calls = 0;
      this.unreported.cost = 0;
    }
  }

  /** Sends the queued batches, oldest first; false when the usage subgraph did not answer (they stay queued). */
  private async drainQueue(): Promise<boolean> {
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      try {
        await this.options.send(batch);
        this.sentBatches += 1;
        this.failures = 0;
        this.retryAt = 0;
      } catch (error) {
        if (!isPermanent(error)) {
          this.failures += 1;
          const delay = Math.min(this.flushIntervalMs * 2 ** (this.failures - 1), MAX_RETRY_DELAY_MS);
          this.retryAt = this.clock() + delay;
          this.log.warn({ err: (error as Error).message, batchId: batch.batchId, failures: this.failures, pendingEntries: this.stats().pendingEntries, retryInMs: delay }, 'could not send usage; keeping it to try again');
          return false;
        }
        const refused = batch.entries.reduce((sum, entry) => ({ calls: sum.calls + entry.calls, cost: sum.cost + entry.cost }), { calls: 0, cost: 0 });
        this.dropped.calls += refused.calls;
        this.dropped.cost += refused.cost;
        this.log.error({ err: (error as Error).message, batchId: batch.batchId, ...refused }, 'the usage subgraph refused a usage batch; dropping it');
      }
      this.queue.shift();
      this.queuedEntries -= batch.entries.length;
    }
    return true;
  }

  /** Moves the aggregate into batches of at most batchSize entries, each with its own id. */
  private cut(): void {
    const entries = [...this.aggregate.values()];
    this.aggregate = new Map();
    for (let start = 0; start < entries.length; start += this.batchSize) {
      const batch = { batchId: newId('ubt'), entries: entries.slice(start, start + this.batchSize) };
      this.queue.push(batch);
      this.queuedEntries += batch.entries.length;
    }
  }
}

/** Sends batches to the usage subgraph's signed ingest route, as the gateway makes its other internal calls. */
export function usageIngestSender(options: { internal: InternalClient; usageUrl: string; timeoutMs: number }): (batch: UsageBatch) => Promise<void> {
  return async (batch) => {
    // A batch spans organizations: it carries no one's authority, and the route trusts only the signature.
    await options.internal.post(options.usageUrl, '/internal/usage/ingest', batch, { principal: ANONYMOUS, requestId: batch.batchId, timeoutMs: options.timeoutMs });
  };
}

/** The gateway's recorder, sending to the usage subgraph at `subgraphUrls.usage`; null when recording is off. */
export function createUsageRecorder(options: { settings: GatewaySettings; internal: InternalClient; logger: Logger }): UsageRecorder | null {
  const { settings } = options;
  const usageUrl = settings.subgraphUrls.usage;
  if (!settings.usage.enabled || !usageUrl) return null;
  return new UsageRecorder({
    send: usageIngestSender({ internal: options.internal, usageUrl, timeoutMs: settings.subgraphTimeoutMs }),
    flushIntervalMs: settings.usage.flushIntervalMs,
    batchSize: settings.usage.batchSize,
    maxPendingEntries: settings.usage.maxPendingEntries,
    logger: options.logger,
  });
}
