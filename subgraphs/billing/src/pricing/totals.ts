import type { InvoiceLineData } from '../entities/invoice.ts';
import { assertNonNegativeInteger, PricingError } from './errors.ts';
import { formatMoney, mulDivRound, sumAmounts } from './money.ts';

/** The terms of a coupon that matter for an invoice: exactly one of percentOff and amountOff. */
export interface CouponTerms {
  /** Shown on the discount line; default `Discount`. */
  name?: string | null;
  /** 1 to 100. */
  percentOff?: number | null;
  /** In minor units of `currency`. */
  amountOff?: number | null;
  currency?: string | null;
}

export interface InvoiceTotalsOptions {
  /** The invoice's currency; an amountOff coupon must be in it. */
  currency: string;
  coupon?: CouponTerms | null;
  /** Credit the customer holds (from earlier prorations), in minor units; default 0. */
  creditBalance?: number;
}

export interface InvoiceTotals {
  /** The sum of the lines. */
  subtotal: number;
  /** The coupon's line (kind `discount`, negative amount), when it takes something off; not counted in subtotal. */
  discountLine: InvoiceLineData | null;
  discountTotal: number;
  /** subtotal − discountTotal, never below 0. */
  total: number;
  /** Customer credit used on this invoice: min(creditBalance, total). */
  creditApplied: number;
  /** What to charge: total − creditApplied. */
  amountDue: number;
  /** A negative subtotal (a net credit from proration) turned into customer credit. */
  creditGenerated: number;
  /** What is left of the credit the customer held before: creditBalance − creditApplied. */
  remainingCredit: number;
  /** The customer's credit balance after this invoice: remainingCredit + creditGenerated. */
  creditBalanceAfter: number;
}

function discountFor(subtotal: number, coupon: CouponTerms, currency: string): { amount: number; label: string } {
  const percentOff = coupon.percentOff ?? null;
  const amountOff = coupon.amountOff ?? null;
  if ((percentOff === null) === (amountOff === null)) {
    throw new PricingError('INVALID_COUPON', 'A coupon takes off either a percentage or an amount, not both or neither.');
  }
  if (percentOff !== null) {
    if (!Number.isInteger(percentOff) || percentOff < 1 || percentOff > 100) {
      throw new PricingError('INVALID_COUPON', `percentOff must be an integer from 1 to 100, got ${String(percentOff)}.`);
    }
    return { amount: mulDivRound(subtotal, percentOff, 100), label: `${percentOff}% off` };
  }
  assertNonNegativeInteger(amountOff!, 'The coupon amount');
  if ((coupon.currency ?? '').toUpperCase() !== currency.toUpperCase()) {
    throw new PricingError('COUPON_CURRENCY_MISMATCH', `A coupon of ${String(coupon.currency)} cannot discount an invoice in ${currency}.`);
  }
  return { amount: Math.min(amountOff!, subtotal), label: `${formatMoney(amountOff!, currency)} off` };
}

/**
 * The totals of an invoice as Stripe computes them: the coupon discounts the subtotal (never below
 * 0), customer credit pays what it can, and a negative subtotal becomes credit instead of a refund.
 */
export function invoiceTotals(lines: readonly InvoiceLineData[], options: InvoiceTotalsOptions): InvoiceTotals {
  const creditBalance = options.creditBalance ?? 0;
  assertNonNegativeInteger(creditBalance, 'The credit balance');
  const subtotal = sumAmounts(lines.map((line) => line.amount));
  if (subtotal <= 0) {
    const creditGenerated = subtotal < 0 ? -subtotal : 0;
    return { subtotal, discountLine: null, discountTotal: 0, total: 0, creditApplied: 0, amountDue: 0, creditGenerated, remainingCredit: creditBalance, creditBalanceAfter: creditBalance + creditGenerated };
  }
  let discountLine: InvoiceLineData | null = null;
  let discountTotal = 0;
  if (options.coupon) {
    const discount = discountFor(subtotal, options.coupon, options.currency);
    discountTotal = Math.min(discount.amount, subtotal);
    if (discountTotal > 0) {
      discountLine = {
        kind: 'discount',
        description: `${options.coupon.name || 'Discount'} (${discount.label})`,
        quantity: 1,
        unitAmount: null,
        amount: -discountTotal,
        periodStart: null,
        periodEnd: null,
      };
    }
  }
  const total = subtotal - discountTotal;
  const creditApplied = Math.min(creditBalance, total);
  return {
    subtotal,
    discountLine,
    discountTotal,
    total,
    creditApplied,
    amountDue: total - creditApplied,
    creditGenerated: 0,
    remainingCredit: creditBalance - creditApplied,
    creditBalanceAfter: creditBalance - creditApplied,
  };
}
