import type { Interval } from '../entities/catalog.ts';
import { assertValidDate, PricingError } from './errors.ts';

/** A billing period: `start` included, `end` excluded. */
export interface Period {
  start: Date;
  end: Date;
}

const MONTHS: Record<Interval, number> = { month: 1, year: 12 };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * Moves `date` by `count` months or years in UTC, landing on the day (and time of day) of `anchor`,
 * or on the last day of a month too short for it, as Stripe's billing cycle anchor does: with an
 * anchor on Jan 31 the periods end Feb 28 (29), Mar 31, Apr 30, ... and never drift to the 28th.
 * `anchor` defaults to `date` itself.
 */
export function addInterval(date: Date, interval: Interval, count = 1, anchor: Date = date): Date {
  assertValidDate(date, 'The date');
  assertValidDate(anchor, 'The anchor');
  if (!Number.isSafeInteger(count)) throw new PricingError('INVALID_COUNT', `The number of intervals must be an integer, got ${String(count)}.`);
  const months = date.getUTCMonth() + MONTHS[interval] * count;
  const year = date.getUTCFullYear() + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  const result = new Date(0);
  result.setUTCFullYear(year, month, Math.min(anchor.getUTCDate(), daysInMonth(year, month)));
  result.setUTCHours(anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds());
  return result;
}

/** The `index`th period of a subscription whose billing cycle starts at `anchor` (index 0 starts at the anchor). */
export function billingPeriod(anchor: Date, interval: Interval, index: number): Period {
  return { start: addInterval(anchor, interval, index), end: addInterval(anchor, interval, index + 1) };
}

/** The period after `period`, kept on the anchor's day. */
export function nextPeriod(period: Period, interval: Interval, anchor: Date): Period {
  return { start: period.end, end: addInterval(period.end, interval, 1, anchor) };
}

/** The period of the billing cycle anchored at `anchor` that contains `at`. */
export function periodContaining(anchor: Date, interval: Interval, at: Date): Period {
  assertValidDate(at, 'The instant');
  assertValidDate(anchor, 'The anchor');
  const elapsedMonths = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  let index = Math.floor(elapsedMonths / MONTHS[interval]);
  // The month count is off by at most one period when the day of the month has not been reached yet.
  while (addInterval(anchor, interval, index).getTime() > at.getTime()) index -= 1;
  while (addInterval(anchor, interval, index + 1).getTime() <= at.getTime()) index += 1;
  return billingPeriod(anchor, interval, index);
}

/** Whole seconds since the epoch, as Stripe counts time for proration. */
export function unixSeconds(date: Date): number {
  assertValidDate(date, 'The date');
  return Math.floor(date.getTime() / 1000);
}

/** A day as it reads on an invoice, in UTC: `Nov 21, 2026`. */
export function formatDate(date: Date, locale = 'en-US'): string {
  assertValidDate(date, 'The date');
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date);
}

/** `Nov 21, 2026 – Dec 21, 2026`. */
export function formatPeriod(period: Period, locale = 'en-US'): string {
  return `${formatDate(period.start, locale)} – ${formatDate(period.end, locale)}`;
}
