import type { TFunction } from 'i18next';
import type {
  BillingPlansQuery,
  BillingQuery,
  BillingSubscriptionFieldsFragment,
  PaymentMethodFieldsFragment,
  PriceFieldsFragment,
  SubscriptionStatus,
} from '../../graphql/__generated__/operations.ts';
import type { UserErrorLike } from '../../graphql/errors.ts';

export type BillingOrganization = NonNullable<BillingQuery['viewer']>['organization'];
export type BillingProvider = BillingQuery['billingProvider'];
export type Subscription = BillingSubscriptionFieldsFragment;
export type Plan = BillingPlansQuery['plans'][number];
export type Price = PriceFieldsFragment;
export type PriceComponent = Price['components'][number];
export type PaymentMethod = PaymentMethodFieldsFragment;
export type SeatUsage = BillingOrganization['seatUsage'];

/** Statuses in which the subscription still exists and can be changed, canceled or paid. */
const LIVE: readonly SubscriptionStatus[] = ['TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'INCOMPLETE'];

/** A subscription that still runs (or waits for payment); canceled and expired ones are history. */
export function isLive(subscription: Pick<Subscription, 'status'> | null | undefined): boolean {
  return Boolean(subscription && LIVE.includes(subscription.status));
}

/** The amount one component charges for a quantity, following the schema's PriceScheme rules. */
export function componentAmount(component: PriceComponent, quantity: number): number {
  switch (component.scheme) {
    case 'FLAT':
      return component.unitAmount ?? 0;
    case 'PER_UNIT':
      return (component.unitAmount ?? 0) * quantity;
    case 'GRADUATED': {
      let total = 0;
      let below = 0;
      for (const tier of component.tiers) {
        const top = tier.upTo ?? Number.POSITIVE_INFINITY;
        const units = Math.max(0, Math.min(quantity, top) - below);
        if (units > 0) total += units * tier.unitAmount + tier.flatAmount;
        if (quantity <= top) break;
        below = top;
      }
      return total;
    }
    case 'VOLUME': {
      if (quantity <= 0) return 0;
      const tier = component.tiers.find((candidate) => candidate.upTo === null || quantity <= candidate.upTo) ?? component.tiers.at(-1);
      return tier ? quantity * tier.unitAmount + tier.flatAmount : 0;
    }
  }
}

/**
 * What a price charges for one period at a number of seats, usage left out: the figure shown on
 * plan cards while choosing. The server's preview is what the customer confirms.
 */
export function periodAmount(price: Pick<Price, 'components'>, seats: number): number {
  return price.components.reduce((total, component) => {
    if (component.kind === 'USAGE') return total;
    return total + componentAmount(component, component.kind === 'SEATS' ? seats : 1);
  }, 0);
}

export function hasSeatPricing(price: Pick<Price, 'components'>): boolean {
  return price.components.some((component) => component.kind === 'SEATS');
}

/** The price of one more seat when seats are priced per unit; null for tiers or no seat pricing. */
export function perSeatAmount(price: Pick<Price, 'components'>): number | null {
  const seats = price.components.find((component) => component.kind === 'SEATS');
  return seats?.scheme === 'PER_UNIT' ? (seats.unitAmount ?? 0) : null;
}

export function usageComponent(price: Pick<Price, 'components'>): PriceComponent | null {
  return price.components.find((component) => component.kind === 'USAGE') ?? null;
}

/** Whole days from now until a moment, rounded up: a trial ending in 3 h still has "1 day left". */
export function daysUntil(moment: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(moment).getTime() - now) / 86_400_000));
}

export function hoursUntil(moment: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(moment).getTime() - now) / 3_600_000));
}

/** The date of a day `days` from now, for "the trial ends on ...". */
export function daysFromNow(days: number, now = Date.now()): string {
  return new Date(now + days * 86_400_000).toISOString();
}

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** Card brands as the networks write them; unknown brands with a capital first letter. */
export function brandName(brand: string): string {
  const known = BRANDS[brand.toLowerCase()];
  if (known) return known;
  return brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : brand;
}

export function cardExpiry(method: Pick<PaymentMethod, 'expMonth' | 'expYear'>): string {
  return `${String(method.expMonth).padStart(2, '0')}/${method.expYear}`;
}

/** A card is usable through the last day of its expiry month. */
export function isExpired(method: Pick<PaymentMethod, 'expMonth' | 'expYear'>, now = new Date()): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return method.expYear < year || (method.expYear === year && method.expMonth < month);
}

/** A card number in groups of four, the way it is printed on the card. */
export function groupDigits(number: string): string {
  return number.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The Luhn checksum every card number carries: catches a mistyped digit before anything is sent. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** `MM/YY` or `MM/YYYY` → month and four-digit year; null when it is not a real month. */
export function parseExpiry(value: string): { month: number; year: number } | null {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return null;
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** Context that makes a billing userError's explanation concrete. */
export interface BillingErrorContext {
  seatsInUse?: number;
  currency?: string | null;
}

/**
 * A billing userError in the reader's language. Codes the web app knows get a sentence that says
 * what to do; for a declined card the provider's own reason follows; anything else keeps the
 * server's message.
 */
export function billingErrorText(error: UserErrorLike, t: TFunction, context: BillingErrorContext = {}): string {
  switch (error.code) {
    case 'CARD_DECLINED':
      return error.message ? `${t('billing:errors.cardDeclined')} ${t('billing:errors.providerSaid', { message: error.message })}` : t('billing:errors.cardDeclined');
    case 'CONCURRENT_CHANGE':
      return t('billing:errors.concurrentChange');
    case 'SEATS_BELOW_USAGE':
      return context.seatsInUse === undefined ? error.message : t('billing:errors.seatsBelowUsage', { count: context.seatsInUse });
    case 'CURRENCY_MISMATCH':
      return context.currency ? t('billing:errors.currencyMismatch', { currency: context.currency }) : error.message;
    case 'NOT_A_TEST_CARD':
      return t('billing:errors.notATestCard');
    default:
      return error.message || t('errors:unexpected');
  }
}

export function billingErrorsText(errors: readonly UserErrorLike[], t: TFunction, context: BillingErrorContext = {}): string {
  return errors.map((error) => billingErrorText(error, t, context)).join(' ');
}
