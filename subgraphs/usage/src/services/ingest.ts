import { raw } from '@mikro-orm/core';
import { DomainService, newId, recordLiveMessage } from '@platform/kit';
import { QuotaAlert, UsageBatch, UsageHour, UsageMonth, type PrincipalKind, type QuotaThreshold } from '../entities/index.ts';
import { HOUR_MS, monthOf } from './periods.ts';
import type { MonthlyQuota, UsageDeps } from './support.ts';

/** The most entries one batch may carry; the gateway sends at most its USAGE_BATCH_SIZE. */
export const MAX_BATCH_ENTRIES = 1000;

/** How far back a batch's hours may reach: a gateway cut off from this subgraph keeps its batches in memory, not for months. */
const MAX_AGE_MS = 35 * 24 * HOUR_MS;

/** Rows per INSERT statement: far below SQLite's limit on bound parameters. */
const ROWS_PER_STATEMENT = 200;

/** Organizations whose quota is asked of billing at the same time. */
const QUOTA_LOOKUPS_AT_ONCE = 8;

/** The shares of the month's quota at which alerts are raised, and their events. */
export const QUOTA_THRESHOLDS: readonly { threshold: QuotaThreshold; event: string }[] = [
  { threshold: 80, event: 'usage.quota_warning' },
  { threshold: 100, event: 'usage.quota_exceeded' },
];

/** One aggregate of a gateway's batch: an organization's principal running one operation in one UTC hour. */
export interface UsageEntry {
  organizationId: string;
  principalKind: PrincipalKind;
  principalId: string;
  operationName: string;
  hour: Date;
  calls: number;
  cost: number;
  errors: number;
}

export interface UsageBatchInput {
  /** The gateway's idempotency key: a batch sent again (after a lost answer) is counted once. */
  batchId: string;
  entries: UsageEntry[];
}

export interface IngestOutcome {
  /** False when the batch had been counted already. */
  counted: boolean;
  entries: number;
  alerts: number;
}

const BATCH_ID = /^[A-Za-z0-9_.:-]{8,40}$/;
const ORGANIZATION_ID = /^org_[0-9a-z]{1,64}$/;
const PRINCIPAL_ID = /^[a-z]+_[0-9a-z]{1,58}$/;
// eslint-disable-next-line no-control-regex
const OPERATION_NAME = /^[^\u0000-\u001f\u007f]{1,120}$/;
const MAX_COUNT = 2 ** 31 - 1;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT;
}

function entryKey(entry: UsageEntry): string {
  return `${entry.organizationId}\u0000${entry.hour.getTime()}\u0000${entry.principalKind}\u0000${entry.principalId}\u0000${entry.operationName}`;
}

/**
 * Reads a batch as the gateway sends it, or says what is wrong with it (answered with 400: the gateway
 * drops a batch it can never get counted). Entries with the same key are added up, and sorted, so
 * concurrent batches lock their rows in the same order.
 */
export function parseUsageBatch(body: unknown, now: Date): UsageBatchInput | string {
  const { batchId, entries } = (body ?? {}) as Record<string, unknown>;
  if (typeof batchId !== 'string' || !BATCH_ID.test(batchId)) return "'batchId' must be 8 to 40 characters from [A-Za-z0-9_.:-].";
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_BATCH_ENTRIES) return `'entries' must hold 1 to ${MAX_BATCH_ENTRIES} entries.`;
  const merged = new Map<string, UsageEntry>();
  for (const [index, raw] of entries.entries()) {
    const { organizationId, principalKind, principalId, operationName, hour, calls, cost, errors } = (raw ?? {}) as Record<string, unknown>;
    const at = `entries[${index}]`;
    if (typeof organizationId !== 'string' || !ORGANIZATION_ID.test(organizationId)) return `${at}.organizationId must be an organization id (org_...).`;
    if (principalKind !== 'user' && principalKind !== 'apiKey') return `${at}.principalKind must be 'user' or 'apiKey'.`;
    if (typeof principalId !== 'string' || !PRINCIPAL_ID.test(principalId)) return `${at}.principalId must be a user or API key id.`;
    if (typeof operationName !== 'string' || !OPERATION_NAME.test(operationName)) return `${at}.operationName must be 1 to 120 printable characters.`;
    const time = typeof hour === 'string' ? new Date(hour) : new Date(Number.NaN);
    if (Number.isNaN(time.getTime()) || time.getTime() % HOUR_MS !== 0) return `${at}.hour must be the start of a UTC hour (ISO 8601).`;
    if (time.getTime() > now.getTime() + HOUR_MS || time.getTime() < now.getTime() - MAX_AGE_MS) return `${at}.hour must lie within the last 35 days.`;
    if (!isCount(calls) || !isCount(cost) || !isCount(errors) || errors > calls) return `${at}: calls, cost and errors must be whole numbers of at least 0, errors at most calls.`;
    const entry: UsageEntry = { organizationId, principalKind, principalId, operationName, hour: time, calls, cost, errors };
    const key = entryKey(entry);
    const known = merged.get(key);
    if (known) {
      known.calls += calls;
      known.cost += cost;
      known.errors += errors;
    } else {
      merged.set(key, entry);
    }
  }
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
  return { batchId, entries: sorted };
}

/** The thresholds `used` has reached under `quota` (none for an unlimited plan or before any use). */
export function reachedThresholds(used: number, quota: number | null): QuotaThreshold[] {
  if (quota === null || used <= 0) return [];
  return QUOTA_THRESHOLDS.filter(({ threshold }) => used * 100 >= quota * threshold).map(({ threshold }) => threshold);
}

interface Totals {
  calls: number;
  cost: number;
  errors: number;
}

function add(totals: Totals, entry: Totals): void {
  totals.calls += entry.calls;
  totals.cost += entry.cost;
  totals.errors += entry.errors;
}

/** A batch's totals per organization and month (quotas), and per organization and hour (billing's meter). */
function totalsOf(entries: readonly UsageEntry[]) {
  const months = new Map<string, Totals & { organizationId: string; month: string }>();
  const hours = new Map<string, Map<number, Totals>>();
  for (const entry of entries) {
    const month = monthOf(entry.hour);
    const monthKey = `${entry.organizationId}\u0000${month}`;
    let monthTotals = months.get(monthKey);
    if (!monthTotals) months.set(monthKey, (monthTotals = { organizationId: entry.organizationId, month, calls: 0, cost: 0, errors: 0 }));
    add(monthTotals, entry);
    let byHour = hours.get(entry.organizationId);
    if (!byHour) hours.set(entry.organizationId, (byHour = new Map()));
    let hourTotals = byHour.get(entry.hour.getTime());
    if (!hourTotals) byHour.set(entry.hour.getTime(), (hourTotals = { calls: 0, cost: 0, errors: 0 }));
    add(hourTotals, entry);
  }
  return { months, hours };
}

/**
 * Counts the gateway's batches. A batch spans organizations, so this service names each organization
 * explicitly (query builders skip the tenant filter); it is reached only through the signed ingest route.
 */
export class IngestService extends DomainService<UsageDeps> {
  now(): Date {
    return this.deps.clock.now();
  }

  /**
   * The quotas of the batch's organizations, asked of billing before the transaction opens (a few at a
   * time); an organization billing cannot answer for now is left out.
   */
  async quotasOf(batch: UsageBatchInput): Promise<Map<string, MonthlyQuota>> {
    const organizationIds = [...new Set(batch.entries.map((entry) => entry.organizationId))];
    const quotas = new Map<string, MonthlyQuota>();
    for (let start = 0; start < organizationIds.length; start += QUOTA_LOOKUPS_AT_ONCE) {
      const chunk = organizationIds.slice(start, start + QUOTA_LOOKUPS_AT_ONCE);
      const answers = await Promise.allSettled(chunk.map((organizationId) => this.deps.quotas.quotaOf(organizationId, this.context.requestId)));
      answers.forEach((answer, index) => {
        if (answer.status === 'fulfilled') quotas.set(chunk[index]!, answer.value);
        else this.context.log.warn({ err: (answer.reason as Error)?.message, organizationId: chunk[index] }, "could not read the organization's quota from billing; its alerts wait for its next batch");
      });
    }
    return quotas;
  }

  /**
   * Counts a batch in one transaction: the batch's key, the hourly rows, each organization's month,
   * the quota alerts it crossed and their events, and a `usage.recorded` event per organization that
   * billing's API-points meter consumes. A batch already counted changes nothing. The quotas are asked
   * of billing before the transaction; an organization whose quota is unknown now is checked with its
   * next batch (the check compares the month's total, so nothing is missed, only later).
   */
  async ingest(batch: UsageBatchInput, quotas: ReadonlyMap<string, MonthlyQuota>): Promise<IngestOutcome> {
    const em = this.em;
    if (await em.findOne(UsageBatch, { id: batch.batchId })) return { counted: false, entries: batch.entries.length, alerts: 0 };
    await em.begin();
    try {
      await em.createQueryBuilder(UsageBatch).insert({ id: batch.batchId, entries: batch.entries.length, receivedAt: this.deps.clock.now() }).execute();
      for (let start = 0; start < batch.entries.length; start += ROWS_PER_STATEMENT) {
        await em
          .createQueryBuilder(UsageHour)
          .insert(batch.entries.slice(start, start + ROWS_PER_STATEMENT))
          .onConflict(['organizationId', 'hour', 'principalKind', 'principalId', 'operationName'])
          .merge({
            calls: raw('usage_hour.calls + excluded.calls'),
            cost: raw('usage_hour.cost + excluded.cost'),
            errors: raw('usage_hour.errors + excluded.errors'),
          })
          .execute();
      }
      const { months, hours } = totalsOf(batch.entries);
      let alerts = 0;
      for (const totals of months.values()) {
        await em
          .createQueryBuilder(UsageMonth)
          .insert(totals)
          .onConflict(['organizationId', 'month'])
          .merge({
            calls: raw('usage_month.calls + excluded.calls'),
            cost: raw('usage_month.cost + excluded.cost'),
            errors: raw('usage_month.errors + excluded.errors'),
          })
          .execute();
        const quota = quotas.get(totals.organizationId);
        if (quota) alerts += await this.raiseAlerts(totals.organizationId, totals.month, quota);
      }
      const recordedAt = this.deps.clock.now().toISOString();
      for (const [organizationId, byHour] of hours) {
        const perHour = [...byHour.entries()].sort(([a], [b]) => a - b).map(([hour, totals]) => ({ hour: new Date(hour).toISOString(), ...totals }));
        const total: Totals = { calls: 0, cost: 0, errors: 0 };
        for (const hour of perHour) add(total, hour);
        // Billing meters cost points; a batch of free operations has nothing for it.
        if (total.cost > 0) this.context.emit('usage.recorded', { batchId: batch.batchId, cost: total.cost, hours: perHour }, organizationId);
        recordLiveMessage(em, { field: 'usageRecorded', organizationId, data: { __typename: 'UsageRecorded', recordedAt, ...total } }, this.context.requestId);
      }
      await em.flush();
      await em.commit();
      return { counted: true, entries: batch.entries.length, alerts };
    } catch (error) {
      await em.rollback();
      em.clear();
      // The same batch counted meanwhile by a concurrent request (a retry racing the first attempt): its key now exists.
      if (await em.fork().findOne(UsageBatch, { id: batch.batchId })) {
        return { counted: false, entries: batch.entries.length, alerts: 0 };
      }
      throw error;
    }
  }

  /** Raises the alerts the organization's month has reached and not had yet; returns how many. */
  private async raiseAlerts(organizationId: string, month: string, quota: MonthlyQuota): Promise<number> {
    const em = this.em;
    const row = await em.createQueryBuilder(UsageMonth).select(['cost']).where({ organizationId, month }).execute<{ cost: number | string }[]>();
    const used = Number(row[0]?.cost ?? 0);
    const reached = reachedThresholds(used, quota.apiPointsPerMonth);
    if (reached.length === 0) return 0;
    const raised = new Set(
      (await em.find(QuotaAlert, { organizationId, month }, { filters: { tenant: false }, fields: ['threshold'] })).map((alert) => alert.threshold),
    );
    let count = 0;
    for (const { threshold, event } of QUOTA_THRESHOLDS) {
      if (!reached.includes(threshold) || raised.has(threshold)) continue;
      const alert = em.create(QuotaAlert, {
        id: newId('qal'),
        organizationId,
        month,
        threshold,
        plan: quota.plan,
        quota: quota.apiPointsPerMonth!,
        used,
        createdAt: this.deps.clock.now(),
      });
      this.context.emit(event, { alertId: alert.id, month, threshold, plan: quota.plan, quota: quota.apiPointsPerMonth, used }, organizationId);
      count += 1;
    }
    return count;
  }
}
