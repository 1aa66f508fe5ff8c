import type { Interval } from '../entities/catalog.ts';

export type ChangeKind = 'UPGRADE' | 'DOWNGRADE' | 'SEATS_INCREASE' | 'SEATS_DECREASE' | 'NONE';

/** Where a subscription stands, for comparing two of them. */
export interface PlanPosition {
  planRank: number;
  /**
   * The price's licensed amount for one period at the same reference seat count on both sides
   * (licensedAmount(price.components, 1)), so that seats do not count as a price change.
   */
  perPeriodAmount: number;
  interval: Interval;
  seats: number;
}

const MONTHS: Record<Interval, number> = { month: 1, year: 12 };

function sign(value: number): -1 | 0 | 1 {
  return value > 0 ? 1 : value < 0 ? -1 : 0;
}

/**
 * What kind of change moving `from` → `to` is. A higher plan rank is an upgrade and a lower one a
 * downgrade, whatever the seats. On the same rank, the price per month (a yearly price ÷ 12)
 * decides; at the same monthly price a longer interval is an upgrade (more is paid now) and a
 * shorter one a downgrade. Only then do seats count: more is SEATS_INCREASE, fewer SEATS_DECREASE.
 */
export function classifyChange(change: { from: PlanPosition; to: PlanPosition }): ChangeKind {
  const { from, to } = change;
  const byRank = sign(to.planRank - from.planRank);
  if (byRank !== 0) return byRank > 0 ? 'UPGRADE' : 'DOWNGRADE';
  // Cross-multiplied so that a yearly amount is compared per month without dividing.
  const byMonthlyAmount = sign(to.perPeriodAmount * MONTHS[from.interval] - from.perPeriodAmount * MONTHS[to.interval]);
  if (byMonthlyAmount !== 0) return byMonthlyAmount > 0 ? 'UPGRADE' : 'DOWNGRADE';
  const byInterval = sign(MONTHS[to.interval] - MONTHS[from.interval]);
  if (byInterval !== 0) return byInterval > 0 ? 'UPGRADE' : 'DOWNGRADE';
  const bySeats = sign(to.seats - from.seats);
  if (bySeats !== 0) return bySeats > 0 ? 'SEATS_INCREASE' : 'SEATS_DECREASE';
  return 'NONE';
}
