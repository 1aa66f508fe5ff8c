import type { Clock } from '@platform/billing';
import { dataOf, type TestPlatform } from './platform.ts';
import type { SignedIn } from './seed.ts';

/** Billing's clock in tests: starts at the real time and only moves when told. */
export class TestClock implements Clock {
  private current: number;
  constructor(start = new Date()) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
  set(date: Date): void {
    this.current = date.getTime();
  }
}

export const DAY = 24 * 60 * 60 * 1000;

export const billingDocuments = {
  plans: `query Plans($currency: String, $interval: BillingInterval) { plans { id key name rank trialDays entitlements { seats apiPointsPerMonth apiPointsPerSecond features } prices(currency: $currency, interval: $interval) { id currency interval amountFor(seats: 1) { amount currency } } } }`,
  billing: `query Billing { viewer { organization { id
    subscription { id status seats seatsFollowMembers version cancelAtPeriodEnd cancellationReason currentPeriodStart currentPeriodEnd trialEnd incompleteExpiresAt nextPaymentAttemptAt
      plan { key } price { id interval currency } scheduledChange { plan { key } seats effectiveAt } latestInvoice { id number status total amountDue } }
    entitlements { seats apiPointsPerMonth apiPointsPerSecond features }
    seatUsage { inUse billed limit }
    usage { meter used limit }
    billingCustomer { email name currency creditBalance }
    paymentMethods { id brand last4 expMonth expYear isDefault }
    invoices(first: 50) { totalCount nodes { id number status reason total amountDue amountPaid subtotal discountTotal creditApplied attemptCount lastPaymentError pdfUrl lines { kind description quantity amount } } }
  } } }`,
  setupStart: `mutation { paymentMethodSetupStart { setupIntentId clientSecret provider { kind } userErrors { code message field } } }`,
  sandboxConfirm: `mutation($input: SandboxSetupIntentConfirmInput!) { sandboxSetupIntentConfirm(input: $input) { status userErrors { code message field } } }`,
  setupComplete: `mutation($input: PaymentMethodSetupCompleteInput!) { paymentMethodSetupComplete(input: $input) { paymentMethod { id brand last4 isDefault } userErrors { code message field } } }`,
  create: `mutation($input: SubscriptionCreateInput!) { subscriptionCreate(input: $input) { subscription { id status seats version plan { key } } invoice { id number status total amountDue lines { kind description amount } } userErrors { code message field } } }`,
  change: `mutation($input: SubscriptionChangeInput!) { subscriptionChange(input: $input) { subscription { id status seats version plan { key } scheduledChange { plan { key } seats } } invoice { id status total amountDue lines { kind description amount } } userErrors { code message field } } }`,
  preview: `query($input: SubscriptionChangeInput!) { subscriptionChangePreview(input: $input) { kind effectiveAt amountDueNow { amount currency } nextInvoiceTotal { amount currency } nextInvoiceAt lines { kind description amount } userErrors { code message field } } }`,
  cancelScheduled: `mutation($input: SubscriptionScheduledChangeCancelInput!) { subscriptionScheduledChangeCancel(input: $input) { subscription { scheduledChange { seats } } userErrors { code message } } }`,
  cancel: `mutation($input: SubscriptionCancelInput!) { subscriptionCancel(input: $input) { subscription { id status cancelAtPeriodEnd cancellationReason endedAt } userErrors { code message field } } }`,
  resume: `mutation($input: SubscriptionResumeInput!) { subscriptionResume(input: $input) { subscription { status cancelAtPeriodEnd } userErrors { code message } } }`,
  pay: `mutation($input: InvoicePayInput!) { invoicePay(input: $input) { invoice { id status amountPaid } subscription { status } userErrors { code message field } } }`,
  setDefault: `mutation($input: PaymentMethodSetDefaultInput!) { paymentMethodSetDefault(input: $input) { paymentMethod { id isDefault } userErrors { code message } } }`,
  remove: `mutation($input: PaymentMethodRemoveInput!) { paymentMethodRemove(input: $input) { removedId userErrors { code message field } } }`,
};

export const CARDS = {
  visa: '4242 4242 4242 4242',
  mastercard: '5555 5555 5555 4444',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  failsCharges: '4000 0000 0000 0341',
};

/** Billing through the public API, as the web app does it. */
export function billingOf(platform: TestPlatform, who: SignedIn) {
  const call = async <Data = any>(query: string, variables?: Record<string, unknown>) => dataOf(await platform.graphql<Data>(query, variables, { token: who.accessToken }));
  return {
    call,
    async state() {
      return (await call<any>(billingDocuments.billing)).viewer.organization;
    },
    async plans(currency = 'USD', interval = 'MONTH') {
      return (await call<any>(billingDocuments.plans, { currency, interval })).plans as { id: string; key: string; prices: { id: string }[] }[];
    },
    async priceId(planKey: string, interval = 'MONTH', currency = 'USD') {
      const plan = (await this.plans(currency, interval)).find((candidate) => candidate.key === planKey);
      if (!plan?.prices[0]) throw new Error(`no ${interval} ${currency} price for ${planKey}`);
      return plan.prices[0].id;
    },
    /** Adds a sandbox test card the way the web app's form does; returns the payment method. */
    async addCard(number: string) {
      const started = (await call<any>(billingDocuments.setupStart)).paymentMethodSetupStart;
      expect(started.userErrors).toEqual([]);
      const confirmed = (await call<any>(billingDocuments.sandboxConfirm, {
        input: { setupIntentId: started.setupIntentId, clientSecret: started.clientSecret, cardNumber: number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' },
      })).sandboxSetupIntentConfirm;
      if (confirmed.userErrors.length) return { paymentMethod: null, userErrors: confirmed.userErrors as { code: string; message: string }[] };
      const completed = (await call<any>(billingDocuments.setupComplete, { input: { setupIntentId: started.setupIntentId } })).paymentMethodSetupComplete;
      return completed as { paymentMethod: { id: string; brand: string; last4: string; isDefault: boolean } | null; userErrors: { code: string; message: string }[] };
    },
    async subscribe(input: Record<string, unknown>) {
      return (await call<any>(billingDocuments.create, { input })).subscriptionCreate;
    },
    async change(input: Record<string, unknown>) {
      return (await call<any>(billingDocuments.change, { input })).subscriptionChange;
    },
  };
}
