// Answers for the billing page's operations, shaped like the server's (with __typename everywhere).
import type { MockLink } from '@apollo/client/testing';
import { ViewerProvider } from '../src/auth/ViewerProvider.tsx';
import BillingPage from '../src/features/billing/BillingPage.tsx';
import {
  BillingDocument,
  BillingInvoicesDocument,
  BillingPlansDocument,
  ViewerDocument,
  type BillingPlansQuery,
  type BillingQuery,
  type BillingSubscriptionFieldsFragment,
  type InvoiceFieldsFragment,
  type PaymentMethodFieldsFragment,
  type PriceFieldsFragment,
  type Role,
} from '../src/graphql/__generated__/operations.ts';
import type { Language } from '../src/i18n/index.ts';
import { renderWithApp } from './support/render.tsx';

type Organization = NonNullable<BillingQuery['viewer']>['organization'];
type Plan = BillingPlansQuery['plans'][number];

export const ORGANIZATION = { __typename: 'Organization' as const, id: 'org_1', name: 'Acme', slug: 'acme' };
export const OWNER_PERMISSIONS = ['organization.read', 'member.read', 'billing.read', 'billing.manage'];
export const ANALYST_PERMISSIONS = ['organization.read', 'member.read', 'analytics.read', 'audit.read', 'billing.read'];

const DAY = 86_400_000;

export function isoIn(milliseconds: number): string {
  return new Date(Date.now() + milliseconds).toISOString();
}
export const days = (count: number) => count * DAY;

/** The date as the page shows it in English. */
export function shownDate(iso: string): string {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(iso));
}

export function viewerAnswer(role: Role, permissions: string[]): MockLink.MockedResponse {
  return {
    request: { query: ViewerDocument },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          user: { __typename: 'User', id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' },
          organization: ORGANIZATION,
          role,
          permissions,
          memberships: [{ __typename: 'Membership', organization: ORGANIZATION, role, joinedAt: '2024-01-10T09:00:00.000Z' }],
        },
      },
    },
  };
}

function price(id: string, currency: string, interval: 'MONTH' | 'YEAR', base: number, perSeat: number | null): PriceFieldsFragment {
  const component = (kind: 'BASE' | 'SEATS', scheme: 'FLAT' | 'PER_UNIT', unitAmount: number) => ({
    __typename: 'PriceComponent' as const,
    kind,
    scheme,
    unitAmount,
    tiers: [],
    meter: null,
    includedUnits: null,
    packageSize: null,
  });
  return {
    __typename: 'Price',
    id,
    currency,
    interval,
    active: true,
    components: [component('BASE', 'FLAT', base), ...(perSeat === null ? [] : [component('SEATS', 'PER_UNIT', perSeat)])],
  };
}

function entitlements(seats: number | null, apiPointsPerMonth: number | null, features: string[]) {
  return { __typename: 'Entitlements' as const, seats, apiPointsPerMonth, apiPointsPerSecond: 100, storageBytes: 50e9, features };
}

export const PRO_MONTH_USD = price('price_pro_month_usd', 'USD', 'MONTH', 1000, 800);
export const PRO_YEAR_USD = price('price_pro_year_usd', 'USD', 'YEAR', 10000, 8000);
export const BUSINESS_MONTH_USD = price('price_business_month_usd', 'USD', 'MONTH', 5000, 1500);
export const STARTER_MONTH_USD = price('price_starter_month_usd', 'USD', 'MONTH', 900, null);

export const PLANS: Plan[] = [
  {
    __typename: 'Plan',
    id: 'plan_starter',
    key: 'starter',
    name: 'Starter',
    description: 'For small teams getting going.',
    trialDays: 0,
    rank: 1,
    archived: false,
    entitlements: entitlements(5, 100_000, []),
    prices: [STARTER_MONTH_USD, price('price_starter_month_eur', 'EUR', 'MONTH', 900, null)],
  },
  {
    __typename: 'Plan',
    id: 'plan_pro',
    key: 'pro',
    name: 'Pro',
    description: 'For growing teams.',
    trialDays: 14,
    rank: 2,
    archived: false,
    entitlements: entitlements(20, 1_000_000, ['audit_log_export']),
    prices: [PRO_MONTH_USD, PRO_YEAR_USD, price('price_pro_month_eur', 'EUR', 'MONTH', 900, 700)],
  },
  {
    __typename: 'Plan',
    id: 'plan_business',
    key: 'business',
    name: 'Business',
    description: 'For organizations that need SSO.',
    trialDays: 0,
    rank: 3,
    archived: false,
    entitlements: entitlements(null, 10_000_000, ['sso', 'audit_log_export', 'priority_support']),
    prices: [BUSINESS_MONTH_USD, price('price_business_year_usd', 'USD', 'YEAR', 50000, 15000)],
  },
];

export function plansAnswer(): MockLink.MockedResponse {
  return { request: { query: BillingPlansDocument }, result: { data: { plans: PLANS } } };
}

export function subscription(overrides: Partial<BillingSubscriptionFieldsFragment> = {}): BillingSubscriptionFieldsFragment {
  return {
    __typename: 'BillingSubscription',
    id: 'sub_1',
    status: 'ACTIVE',
    seats: 3,
    seatsFollowMembers: false,
    currentPeriodStart: isoIn(-days(10)),
    currentPeriodEnd: isoIn(days(20)),
    trialEnd: null,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    cancellationReason: null,
    endedAt: null,
    incompleteExpiresAt: null,
    nextPaymentAttemptAt: null,
    version: 7,
    createdAt: isoIn(-days(40)),
    plan: { __typename: 'Plan', id: 'plan_pro', key: 'pro', name: 'Pro', rank: 2 },
    price: PRO_MONTH_USD,
    scheduledChange: null,
    discount: null,
    latestInvoice: null,
    ...overrides,
  };
}

export const VISA: PaymentMethodFieldsFragment = {
  __typename: 'PaymentMethod',
  id: 'pm_visa',
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 3,
  isDefault: true,
  createdAt: isoIn(-days(40)),
};

export const SANDBOX_PROVIDER: BillingQuery['billingProvider'] = {
  __typename: 'BillingProvider',
  kind: 'SANDBOX',
  publishableKey: null,
  testCards: [
    { __typename: 'TestCard', number: '4242424242424242', outcome: 'succeeds (visa)' },
    { __typename: 'TestCard', number: '4000000000000002', outcome: 'declined (card_declined)' },
  ],
};

export interface BillingState {
  subscription?: BillingSubscriptionFieldsFragment | null;
  paymentMethods?: PaymentMethodFieldsFragment[];
  provider?: BillingQuery['billingProvider'];
  customer?: Partial<Organization['billingCustomer']>;
  seatUsage?: Partial<Organization['seatUsage']>;
  apiPointsUsed?: number;
}

export function billingAnswer(state: BillingState = {}): MockLink.MockedResponse {
  const current = state.subscription === undefined ? subscription() : state.subscription;
  const periodEnd = isoIn(days(20));
  return {
    request: { query: BillingDocument },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          organization: {
            __typename: 'Organization',
            id: ORGANIZATION.id,
            subscription: current,
            entitlements: entitlements(20, 1_000_000, ['audit_log_export']),
            seatUsage: { __typename: 'SeatUsage', inUse: 3, billed: 3, limit: 20, ...state.seatUsage },
            usage: [
              { __typename: 'UsageFigure', meter: 'API_POINTS', used: state.apiPointsUsed ?? 250_000, limit: 1_000_000, periodStart: isoIn(-days(10)), periodEnd },
            ],
            paymentMethods: state.paymentMethods ?? [VISA],
            billingCustomer: { __typename: 'BillingCustomer', email: 'billing@acme.test', name: 'Acme Inc.', currency: 'USD', creditBalance: 0, ...state.customer },
          },
        },
        billingProvider: state.provider ?? SANDBOX_PROVIDER,
      },
    },
  };
}

export function invoice(id: string, number: string, overrides: Partial<InvoiceFieldsFragment> = {}): InvoiceFieldsFragment {
  return {
    __typename: 'Invoice',
    id,
    number,
    status: 'PAID',
    reason: 'SUBSCRIPTION_CYCLE',
    currency: 'USD',
    total: 3400,
    amountDue: 3400,
    amountPaid: 3400,
    periodStart: isoIn(-days(40)),
    periodEnd: isoIn(-days(10)),
    createdAt: isoIn(-days(10)),
    finalizedAt: isoIn(-days(10)),
    paidAt: isoIn(-days(10)),
    attemptCount: 1,
    nextPaymentAttemptAt: null,
    lastPaymentError: null,
    pdfUrl: `https://platform.test/billing/invoices/${id}.pdf?signature=old`,
    ...overrides,
  };
}

export function invoicesAnswer(nodes: InvoiceFieldsFragment[], page: { after?: string; next?: string; totalCount?: number } = {}): MockLink.MockedResponse {
  return {
    request: { query: BillingInvoicesDocument, variables: { first: 20, after: page.after ?? null } },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          organization: {
            __typename: 'Organization',
            id: ORGANIZATION.id,
            invoices: {
              __typename: 'InvoiceConnection',
              totalCount: page.totalCount ?? nodes.length,
              pageInfo: { __typename: 'PageInfo', hasNextPage: Boolean(page.next), endCursor: page.next ?? null },
              nodes,
            },
          },
        },
      },
    },
  };
}

export function userErrors(errors: { field?: string[] | null; message: string; code: string }[]) {
  return errors.map((error) => ({ __typename: 'UserError' as const, field: error.field ?? null, message: error.message, code: error.code }));
}

/** The answers every render of the page asks for, then whatever the test adds. */
export async function renderBilling(
  mocks: MockLink.MockedResponse[],
  {
    role = 'OWNER',
    permissions = OWNER_PERMISSIONS,
    state = {},
    invoices = [],
    invoicesPage = {},
    language = 'en',
  }: {
    role?: Role;
    permissions?: string[];
    state?: BillingState;
    invoices?: InvoiceFieldsFragment[];
    invoicesPage?: { next?: string; totalCount?: number };
    language?: Language;
  } = {},
) {
  return renderWithApp(
    <ViewerProvider>
      <BillingPage />
    </ViewerProvider>,
    { path: '/billing', signedIn: true, language, mocks: [viewerAnswer(role, permissions), billingAnswer(state), plansAnswer(), invoicesAnswer(invoices, invoicesPage), ...mocks] },
  );
}
