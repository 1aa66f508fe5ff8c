export { classifyChange, type ChangeKind, type PlanPosition } from './change.ts';
export {
  billableQuantity,
  componentAmount,
  hasSeats,
  isLicensed,
  licensedAmount,
  normalizeComponents,
  validateComponents,
  type PriceComponentDraft,
  type TierDraft,
} from './components.ts';
export { PricingError } from './errors.ts';
export {
  priceLines,
  prorate,
  prorationLines,
  remainingTimeLine,
  unusedTimeLine,
  usageLines,
  type PriceTerms,
  type ProrationInput,
  type ProrationItem,
  type UsageQuantities,
} from './lines.ts';
export { currencyDigits, formatMoney, formatQuantity, mulDivRound, sumAmounts, type MoneyFormatOptions } from './money.ts';
export { addInterval, billingPeriod, formatDate, formatPeriod, nextPeriod, periodContaining, unixSeconds, type Period } from './periods.ts';
export { invoiceTotals, type CouponTerms, type InvoiceTotals, type InvoiceTotalsOptions } from './totals.ts';
