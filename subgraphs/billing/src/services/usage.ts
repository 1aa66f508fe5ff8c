import { raw } from '@mikro-orm/core';
import { DomainService, HttpError, newId, type DomainEvent } from '@platform/kit';
import { UsageRecord, type MeterName } from '../entities/index.ts';
import type { BillingDeps } from './support.ts';

const METERS: readonly MeterName[] = ['api_points'];

/** Metered usage: what the platform reports (API cost points first), summed per billing period. */
export class UsageService extends DomainService<BillingDeps> {
  /** Records usage once per idempotency key; a retried report is ignored. */
  async record(input: { meter: string; quantity: number; idempotencyKey: string; recordedAt?: Date }): Promise<{ recorded: boolean }> {
    const organizationId = this.context.organizationId;
    if (!organizationId) throw new HttpError(400, 'BAD_REQUEST', 'Usage is recorded for an organization: sign the call with its principal.');
    if (!(METERS as readonly string[]).includes(input.meter)) throw new HttpError(400, 'BAD_REQUEST', `There is no meter '${input.meter}'.`);
    if (!Number.isInteger(input.quantity) || input.quantity < 0) throw new HttpError(400, 'BAD_REQUEST', 'A usage quantity is a whole number of at least 0.');
    if (!input.idempotencyKey || input.idempotencyKey.length > 120) throw new HttpError(400, 'BAD_REQUEST', 'Usage needs an idempotency key of at most 120 characters.');
    if (await this.em.findOne(UsageRecord, { idempotencyKey: input.idempotencyKey }, { filters: { tenant: false } })) return { recorded: false };
    this.em.create(UsageRecord, {
      id: newId('usage'),
      organizationId,
      meter: input.meter as MeterName,
      quantity: input.quantity,
      recordedAt: input.recordedAt ?? this.deps.clock.now(),
      idempotencyKey: input.idempotencyKey,
    });
    await this.em.flush();
    return { recorded: true };
  }

  /**
   * Meters the cost the usage subgraph counted from one gateway batch (its `usage.recorded` event): one
   * record per hour, keyed by the event, so the meter and the usage pages add up the same numbers.
   */
  async recordCounted(event: DomainEvent): Promise<void> {
    const hours = (event.payload as { hours?: unknown }).hours;
    if (!Array.isArray(hours)) throw new Error(`usage.recorded event ${event.id} carries no hours`);
    for (const entry of hours as { hour?: unknown; cost?: unknown }[]) {
      const recordedAt = new Date(typeof entry.hour === 'string' ? entry.hour : Number.NaN);
      if (Number.isNaN(recordedAt.getTime()) || typeof entry.cost !== 'number') throw new Error(`usage.recorded event ${event.id} has a malformed hour`);
      if (entry.cost === 0) continue;
      await this.record({ meter: 'api_points', quantity: entry.cost, idempotencyKey: `usage:${event.id}:${recordedAt.getTime() / 3_600_000}`, recordedAt });
    }
  }

  /** Usage of a meter from `start` (inclusive) to `end` (exclusive). */
  async total(meter: MeterName, start: Date, end: Date): Promise<number> {
    // Query builders skip entity filters, so the tenant is spelled out here.
    const organizationId = this.context.organizationId;
    if (!organizationId) return 0;
    const rows = await this.em
      .createQueryBuilder(UsageRecord, 'u')
      .select([raw('coalesce(sum(u.quantity), 0) as total')])
      .where({ organizationId, meter, recordedAt: { $gte: start, $lt: end } })
      .execute<{ total: number | string }[]>();
    return Number(rows[0]?.total ?? 0);
  }
}
