import { raw } from '@mikro-orm/core';
import { DomainService } from '@platform/kit';
import { ApiKeyName, UsageHour } from '../entities/index.ts';
import { bucketMs, bucketStart, usageRange, type Granularity, type UsageRange } from './periods.ts';
import type { UsageDeps } from './support.ts';

export interface UsageTotalsModel {
  calls: number;
  cost: number;
  errors: number;
}

export interface UsageBucketModel extends UsageTotalsModel {
  start: Date;
}

export interface UsageSeriesModel extends UsageRange {
  buckets: UsageBucketModel[];
  total: UsageTotalsModel;
}

export interface OperationUsageModel extends UsageTotalsModel {
  operationName: string;
}

export interface ApiKeyUsageModel extends UsageTotalsModel {
  apiKeyId: string;
  name: string | null;
}

/** One row of a report: a period, an operation and who ran it. */
export interface ReportRow extends UsageBucketModel {
  operationName: string;
  principalKind: 'user' | 'apiKey';
  principalId: string;
}

type SumRow = { calls: number | string; cost: number | string; errors: number | string };

const SUMS = [raw('sum(u.calls) as calls'), raw('sum(u.cost) as cost'), raw('sum(u.errors) as errors')];

/** Sums come back as numbers from SQLite and as strings (bigint) from PostgreSQL. */
function totalsOf(row: SumRow): UsageTotalsModel {
  return { calls: Number(row.calls), cost: Number(row.cost), errors: Number(row.errors) };
}

/** The organization's usage as the usage pages read it: over time, by operation, by API key. */
export class UsageQueryService extends DomainService<UsageDeps> {
  /** The caller's organization; query builders skip the tenant filter, so every query names it. */
  private get organizationId(): string {
    const organizationId = this.context.organizationId;
    if (!organizationId) throw new Error('Usage is read for an organization; the caller has none.');
    return organizationId;
  }

  async series(input: { from: Date; to: Date; granularity: Granularity; operationName?: string | null; apiKeyId?: string | null }): Promise<UsageSeriesModel> {
    const range = usageRange(input.from, input.to, input.granularity);
    const where: Record<string, unknown> = { organizationId: this.organizationId, hour: { $gte: range.from, $lt: range.to } };
    if (input.operationName) where.operationName = input.operationName;
    if (input.apiKeyId) Object.assign(where, { principalKind: 'apiKey', principalId: input.apiKeyId });
    const rows = await this.em
      .createQueryBuilder(UsageHour, 'u')
      .select(['u.hour', ...SUMS])
      .where(where)
      .groupBy('u.hour')
      .execute<(SumRow & { hour: Date })[]>();
    const size = bucketMs(range.granularity);
    const buckets: UsageBucketModel[] = [];
    for (let start = range.from.getTime(); start < range.to.getTime(); start += size) buckets.push({ start: new Date(start), calls: 0, cost: 0, errors: 0 });
    const total: UsageTotalsModel = { calls: 0, cost: 0, errors: 0 };
    for (const row of rows) {
      const bucket = buckets[Math.floor((new Date(row.hour).getTime() - range.from.getTime()) / size)];
      const sums = totalsOf(row);
      for (const into of bucket ? [bucket, total] : [total]) {
        into.calls += sums.calls;
        into.cost += sums.cost;
        into.errors += sums.errors;
      }
    }
    return { ...range, buckets, total };
  }

  async topOperations(input: { from: Date; to: Date; first: number }): Promise<OperationUsageModel[]> {
    const range = usageRange(input.from, input.to, 'hour');
    const rows = await this.em
      .createQueryBuilder(UsageHour, 'u')
      .select(['u.operationName', ...SUMS])
      .where({ organizationId: this.organizationId, hour: { $gte: range.from, $lt: range.to } })
      .groupBy('u.operationName')
      .orderBy([{ [raw('sum(u.cost)')]: 'desc' }, { [raw('sum(u.calls)')]: 'desc' }, { operationName: 'asc' }])
      .limit(input.first)
      .execute<(SumRow & { operationName: string })[]>();
    return rows.map((row) => ({ operationName: row.operationName, ...totalsOf(row) }));
  }

  async byApiKey(input: { from: Date; to: Date; first: number }): Promise<ApiKeyUsageModel[]> {
    const range = usageRange(input.from, input.to, 'hour');
    const rows = await this.em
      .createQueryBuilder(UsageHour, 'u')
      .select(['u.principalId', ...SUMS])
      .where({ organizationId: this.organizationId, principalKind: 'apiKey', hour: { $gte: range.from, $lt: range.to } })
      .groupBy('u.principalId')
      .orderBy([{ [raw('sum(u.cost)')]: 'desc' }, { [raw('sum(u.calls)')]: 'desc' }, { principalId: 'asc' }])
      .limit(input.first)
      .execute<(SumRow & { principalId: string })[]>();
    const names = await this.apiKeyNames(rows.map((row) => row.principalId));
    return rows.map((row) => ({ apiKeyId: row.principalId, name: names.get(row.principalId) ?? null, ...totalsOf(row) }));
  }

  /**
   * Every period, operation and principal of a range, oldest first, for reports. Hours are added up into
   * days here rather than in SQL, where bucketing by day differs between SQLite and PostgreSQL.
   */
  async reportRows(range: UsageRange, organizationId: string, limit: number): Promise<ReportRow[] | null> {
    const rows = await this.em
      .createQueryBuilder(UsageHour, 'u')
      .select(['u.hour', 'u.operationName', 'u.principalKind', 'u.principalId', ...SUMS])
      .where({ organizationId, hour: { $gte: range.from, $lt: range.to } })
      .groupBy(['u.hour', 'u.operationName', 'u.principalKind', 'u.principalId'])
      .orderBy([{ hour: 'asc' }, { operationName: 'asc' }, { principalKind: 'asc' }, { principalId: 'asc' }])
      .limit(limit + 1)
      .execute<(SumRow & { hour: Date; operationName: string; principalKind: 'user' | 'apiKey'; principalId: string })[]>();
    if (rows.length > limit) return null;
    const merged = new Map<string, ReportRow>();
    for (const row of rows) {
      const start = bucketStart(new Date(row.hour), range.granularity);
      const key = `${start.getTime()}\u0000${row.operationName}\u0000${row.principalKind}\u0000${row.principalId}`;
      const sums = totalsOf(row);
      const known = merged.get(key);
      if (known) {
        known.calls += sums.calls;
        known.cost += sums.cost;
        known.errors += sums.errors;
      } else {
        merged.set(key, { start, operationName: row.operationName, principalKind: row.principalKind, principalId: row.principalId, ...sums });
      }
    }
    const order = (row: ReportRow) => `${String(row.start.getTime()).padStart(15, '0')}\u0000${row.operationName}\u0000${row.principalKind}\u0000${row.principalId}`;
    return [...merged.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  /** The names API keys were created with, by id; keys identity never told us about are left out. */
  async apiKeyNames(ids: readonly string[], organizationId = this.organizationId): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const found = await this.em.find(ApiKeyName, { organizationId, apiKeyId: { $in: [...new Set(ids)] } }, { filters: { tenant: false } });
    return new Map(found.map((key) => [key.apiKeyId, key.name]));
  }
}
