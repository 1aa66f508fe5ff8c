import { assertSafeInteger, PricingError } from './errors.ts';

/**
 * `a × b ÷ c`, rounded half away from zero, exact for any safe integers: the product goes through
 * BigInt because an amount times the seconds of a year can pass 2^53.
 */
export function mulDivRound(a: number, b: number, c: number): number {
  assertSafeInteger(a, 'The multiplicand');
  assertSafeInteger(b, 'The multiplier');
  assertSafeInteger(c, 'The divisor');
  if (c === 0) throw new PricingError('DIVISION_BY_ZERO', 'Cannot divide an amount by zero.');
  const product = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const negative = product < 0n !== divisor < 0n;
  const magnitude = product < 0n ? -product : product;
  const by = divisor < 0n ? -divisor : divisor;
  const rounded = (2n * magnitude + by) / (2n * by);
  if (rounded === 0n) return 0;
  const result = Number(negative ? -rounded : rounded);
  if (!Number.isSafeInteger(result)) throw new PricingError('AMOUNT_TOO_LARGE', 'The amount is too large to represent exactly.');
  return result;
}

/** Sums integer amounts, refusing any that is not an integer or a total past 2^53. */
export function sumAmounts(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    assertSafeInteger(amount, 'An amount');
    total += amount;
  }
  if (!Number.isSafeInteger(total)) throw new PricingError('AMOUNT_TOO_LARGE', 'The total is too large to represent exactly.');
  return total;
}

function currencyFormat(currency: string, locale: string, currencyDisplay: MoneyFormatOptions['currencyDisplay']): Intl.NumberFormat {
  if (!/^[A-Za-z]{3}$/.test(currency)) {
    throw new PricingError('INVALID_CURRENCY', `'${currency}' is not an ISO 4217 currency code.`);
  }
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase(), currencyDisplay });
}

/** Digits of the currency's minor unit: 2 for USD and EUR, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  return currencyFormat(currency, 'en-US', 'code').resolvedOptions().maximumFractionDigits ?? 2;
}

export interface MoneyFormatOptions {
  /** How the currency is shown: `symbol` ($, €; default), `narrowSymbol`, `code` (USD), or `name`. */
  currencyDisplay?: 'symbol' | 'narrowSymbol' | 'code' | 'name';
}

/** An amount in minor units for people: `formatMoney(123456, 'USD')` is `$1,234.56`. */
export function formatMoney(amount: number, currency: string, locale = 'en-US', options: MoneyFormatOptions = {}): string {
  assertSafeInteger(amount, 'The amount');
  const format = currencyFormat(currency, locale, options.currencyDisplay ?? 'symbol');
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // A decimal string keeps the amount exact: dividing by 100 as a float would not always be.
  const magnitude = String(Math.abs(amount)).padStart(digits + 1, '0');
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = magnitude.slice(magnitude.length - digits);
  const decimal = `${amount < 0 ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}` as `${number}`;
  return format.format(decimal);
}

/** A count for people: `formatQuantity(12345)` is `12,345`. */
export function formatQuantity(quantity: number, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(quantity);
}
