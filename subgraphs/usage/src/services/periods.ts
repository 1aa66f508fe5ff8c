import { errors } from '@platform/kit';

export type Granularity = 'hour' | 'day';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** The longest range a usage query or report may span: a quarter, and a little more. */
export const MAX_RANGE_DAYS = 93;

export function bucketMs(granularity: Granularity): number {
  return granularity === 'hour' ? HOUR_MS : DAY_MS;
}

/** The start of the UTC hour or day `time` falls in. */
export function bucketStart(time: Date | number, granularity: Granularity): Date {
  const ms = typeof time === 'number' ? time : time.getTime();
  const size = bucketMs(granularity);
  return new Date(Math.floor(ms / size) * size);
}

/** The UTC calendar month of `time`: '2026-11'. */
export function monthOf(time: Date): string {
  return time.toISOString().slice(0, 7);
}

/** The first instant of the UTC month of `time`, and of the month after. */
export function monthRange(time: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1));
  const end = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() + 1, 1));
  return { start, end };
}

/** A range of whole buckets, as queries and reports use it. */
export interface UsageRange {
  from: Date;
  to: Date;
  granularity: Granularity;
}

/**
 * The caller's range widened to whole hours or days (UTC). Refused as BAD_USER_INPUT when `to` is not
 * after `from` or the range spans more than MAX_RANGE_DAYS.
 */
export function usageRange(from: Date, to: Date, granularity: Granularity): UsageRange {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw errors.badUserInput("'from' and 'to' must be times such as 2026-11-01T00:00:00Z.");
  if (to.getTime() <= from.getTime()) throw errors.badUserInput(`'to' (${to.toISOString()}) must be after 'from' (${from.toISOString()}).`);
  const size = bucketMs(granularity);
  const start = bucketStart(from, granularity);
  const end = new Date(Math.ceil(to.getTime() / size) * size);
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw errors.badUserInput(`A usage range spans at most ${MAX_RANGE_DAYS} days; ${start.toISOString()} to ${end.toISOString()} is longer.`);
  }
  return { from: start, to: end, granularity };
}
