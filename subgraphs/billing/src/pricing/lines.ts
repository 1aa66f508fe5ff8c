import type { Interval, MeterName, PriceComponentData } from '../entities/catalog.ts';
import type { InvoiceLineData } from '../entities/invoice.ts';
import { billableQuantity, componentAmount, hasSeats, isLicensed, licensedAmount } from './components.ts';
import { assertNonNegativeInteger, assertValidDate, PricingError } from './errors.ts';
import { formatQuantity, mulDivRound } from './money.ts';
import { formatDate, formatPeriod, unixSeconds, type Period } from './periods.ts';

/** The parts of a Price the billing math reads. */
export interface PriceTerms {
  components: readonly PriceComponentData[];
  currency: string;
  interval: Interval;
}

/** Units used in a period, per meter. */
export type UsageQuantities = Record<MeterName, number>;

const METER_LABELS: Record<MeterName, string> = { api_points: 'API points' };

function assertPeriod(period: Period): void {
  assertValidDate(period.start, 'The period start');
  assertValidDate(period.end, 'The period end');
  if (period.end.getTime() <= period.start.getTime()) {
    throw new PricingError('INVALID_PERIOD', `The period must end after it starts (${period.start.toISOString()} – ${period.end.toISOString()}).`);
  }
}

/** The unit price a line shows: only per-unit pricing has one; flat and tiered lines leave it null. */
function lineUnitAmount(component: PriceComponentData): number | null {
  return component.scheme === 'per_unit' ? component.unitAmount : null;
}

function licensedLine(component: PriceComponentData, seats: number, period: Period, planName: string): InvoiceLineData {
  const amount = componentAmount(component, seats);
  const range = formatPeriod(period);
  const periodStart = period.start.toISOString();
  const periodEnd = period.end.toISOString();
  if (component.kind === 'base') {
    return { kind: 'plan', description: `${planName} (${range})`, quantity: 1, unitAmount: amount, amount, periodStart, periodEnd };
  }
  return {
    kind: 'seats',
    description: `${formatQuantity(seats)} × ${planName} ${seats === 1 ? 'seat' : 'seats'} (${range})`,
    quantity: seats,
    unitAmount: lineUnitAmount(component),
    amount,
    periodStart,
    periodEnd,
  };
}

/**
 * The lines of one period of a price, billed in advance: one `plan` line for the base fee and one
 * `seats` line, e.g. `5 × Pro seats (Nov 21, 2026 – Dec 21, 2026)`. Usage is billed in arrears:
 * at a renewal bill the ended period with usageLines. Pass `usage` only when it was measured over
 * this same `period` (a final invoice at cancellation); its lines are then added.
 */
export function priceLines(price: PriceTerms, seats: number, period: Period, planName: string, usage?: UsageQuantities): InvoiceLineData[] {
  assertNonNegativeInteger(seats, 'The number of seats');
  assertPeriod(period);
  const lines = price.components.filter(isLicensed).map((component) => licensedLine(component, seats, period, planName));
  return usage ? [...lines, ...usageLines(price, usage, period)] : lines;
}

/**
 * The usage lines of a period that has ended, one per usage component, even when nothing is owed
 * (the customer sees what was included). Descriptions read `API points: 12,345 beyond 100,000
 * included`, with `, billed as 13 × 1,000` when units are sold in packages. The quantity is the
 * number of units (or packages) priced.
 */
export function usageLines(price: PriceTerms, usage: UsageQuantities, period: Period): InvoiceLineData[] {
  assertPeriod(period);
  return price.components
    .filter((component) => component.kind === 'usage')
    .map((component) => {
      const meter = component.meter!;
      const used = usage[meter];
      assertNonNegativeInteger(used, `The usage of ${meter}`);
      const included = component.includedUnits ?? 0;
      const packageSize = component.packageSize ?? 1;
      const billable = billableQuantity(component, used);
      const label = METER_LABELS[meter];
      let description: string;
      if (included > 0 && used <= included) description = `${label}: ${formatQuantity(used)} of ${formatQuantity(included)} included`;
      else if (included > 0) description = `${label}: ${formatQuantity(used - included)} beyond ${formatQuantity(included)} included`;
      else description = `${label}: ${formatQuantity(used)}`;
      if (packageSize > 1 && billable > 0) description += `, billed as ${formatQuantity(billable)} × ${formatQuantity(packageSize)}`;
      return {
        kind: 'usage',
        description: `${description} (${formatPeriod(period)})`,
        quantity: billable,
        unitAmount: lineUnitAmount(component),
        amount: componentAmount(component, used),
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
      };
    });
}

/**
 * `amount` for the part of `period` left after `at`, to the second, rounded half away from zero:
 * Stripe's time-based proration.
 */
export function prorate(amount: number, period: Period, at: Date): number {
  assertPeriod(period);
  assertValidDate(at, 'The change time');
  const start = unixSeconds(period.start);
  const end = unixSeconds(period.end);
  const now = unixSeconds(at);
  if (now < start || now > end) {
    throw new PricingError('OUTSIDE_PERIOD', `The change time ${at.toISOString()} is outside the period ${period.start.toISOString()} – ${period.end.toISOString()}.`);
  }
  return mulDivRound(amount, end - now, end - start);
}

/** A subscription item as proration sees it: the price, the seats billed, and the plan's name. */
export interface ProrationItem {
  price: PriceTerms;
  seats: number;
  planName: string;
}

function prorationLine(direction: 'Unused' | 'Remaining', item: ProrationItem, period: Period, at: Date): InvoiceLineData {
  assertNonNegativeInteger(item.seats, 'The number of seats');
  const seated = hasSeats(item.price.components);
  const amount = prorate(licensedAmount(item.price.components, item.seats), period, at);
  return {
    kind: 'proration',
    description: `${direction} time on ${item.planName}${seated ? ` × ${formatQuantity(item.seats)}` : ''} after ${formatDate(at)}`,
    quantity: seated ? item.seats : 1,
    unitAmount: null,
    // 0 − amount rather than −amount: a credit of nothing stays 0, not -0.
    amount: direction === 'Unused' ? 0 - amount : amount,
    periodStart: at.toISOString(),
    periodEnd: period.end.toISOString(),
  };
}

/** The credit for the part of `period` after `at` that `item` was paid for: `Unused time on Pro × 5 after Nov 21, 2026`, negative. */
export function unusedTimeLine(item: ProrationItem, period: Period, at: Date): InvoiceLineData {
  return prorationLine('Unused', item, period, at);
}

/** The charge for the rest of `period` after `at` on `item`: `Remaining time on Business × 5 after Nov 21, 2026`. */
export function remainingTimeLine(item: ProrationItem, period: Period, at: Date): InvoiceLineData {
  return prorationLine('Remaining', item, period, at);
}

export interface ProrationInput {
  from: ProrationItem;
  to: ProrationItem;
  periodStart: Date;
  periodEnd: Date;
  /** When the change takes effect; within the period. */
  at: Date;
}

/**
 * Stripe's `create_prorations` for a change within the current period: a negative `Unused time on
 * <old plan> × N after <date>` line and a positive `Remaining time on <new plan> × N after <date>`
 * line, each the licensed amount for the period × remaining seconds ÷ period seconds. Usage does
 * not prorate. Lines of 0 (a free plan, or a change at the very end) are left out. Both prices
 * must share currency and interval: an interval change starts a new period instead (credit the old
 * one with unusedTimeLine and bill the new one with priceLines).
 */
export function prorationLines(input: ProrationInput): InvoiceLineData[] {
  const { from, to, at } = input;
  if (from.price.currency.toUpperCase() !== to.price.currency.toUpperCase()) {
    throw new PricingError('CURRENCY_MISMATCH', `Cannot prorate between ${from.price.currency} and ${to.price.currency}.`);
  }
  if (from.price.interval !== to.price.interval) {
    throw new PricingError('INTERVAL_MISMATCH', `A change from a ${from.price.interval}ly to a ${to.price.interval}ly price starts a new period; it does not prorate.`);
  }
  const period = { start: input.periodStart, end: input.periodEnd };
  return [unusedTimeLine(from, period, at), remainingTimeLine(to, period, at)].filter((line) => line.amount !== 0);
}
