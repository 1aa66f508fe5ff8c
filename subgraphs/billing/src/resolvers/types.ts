import { errors } from '@platform/kit';
import type * as Types from '../__generated__/resolvers.ts';
import type { Invoice, PaymentMethod, Plan, Price, Subscription } from '../entities/index.ts';
import { licensedAmount } from '../pricing/index.ts';
import type { BillingContext, OrganizationReference } from './context.ts';
import { toEnum } from './enums.ts';

type Reference<Model, Key = { id: string }> = { __resolveReference(reference: Key, context: BillingContext): Promise<Model | null> | Model | null };

export const Plan_: Types.PlanResolvers & Reference<Plan> = {
  __resolveReference: (reference, context) => context.services.catalog.planById(reference.id),
  prices: (plan, args, context) => context.services.catalog.pricesOf(plan, { currency: args.currency, interval: args.interval ? (args.interval.toLowerCase() as 'month' | 'year') : null }),
  archived: (plan) => plan.archivedAt !== null,
};

export const Price_: Types.PriceResolvers & Reference<Price> = {
  __resolveReference: (reference, context) => context.services.catalog.priceById(reference.id),
  plan: async (price, _args, context) => (await context.services.catalog.planById(price.plan.id))!,
  interval: (price) => toEnum(price.interval),
  amountFor: (price, args) => ({ amount: licensedAmount(price.components, args.seats), currency: price.currency }),
  active: (price) => price.archivedAt === null,
};

export const PriceComponent: Types.PriceComponentResolvers = {
  kind: (part) => toEnum(part.kind),
  scheme: (part) => toEnum(part.scheme),
  meter: (part) => (part.meter ? toEnum(part.meter) : null),
};

export const BillingSubscription: Types.BillingSubscriptionResolvers & Reference<Subscription> = {
  __resolveReference: async (reference, context) => {
    const subscription = await context.services.subscriptions.current();
    return subscription?.id === reference.id ? subscription : null;
  },
  status: (subscription) => toEnum(subscription.status),
  plan: async (subscription, _args, context) => (await context.services.catalog.planById(subscription.plan.id))!,
  price: async (subscription, _args, context) => (await context.services.catalog.priceById(subscription.price.id))!,
  cancellationReason: (subscription) => (subscription.cancellationReason ? toEnum(subscription.cancellationReason) : null),
  discount: async (subscription) => {
    if (!subscription.coupon) return null;
    return { coupon: await subscription.coupon.load().then((coupon) => coupon!), endsAt: subscription.discountEndsAt ?? null };
  },
  nextPaymentAttemptAt: async (subscription, _args, context) => {
    if (!subscription.latestInvoiceId) return null;
    const invoice = await context.services.invoices.byId(subscription.latestInvoiceId);
    return invoice?.status === 'open' ? (invoice.nextPaymentAttemptAt ?? null) : null;
  },
  latestInvoice: (subscription, _args, context) => (subscription.latestInvoiceId ? context.services.invoices.byId(subscription.latestInvoiceId) : null),
};

export const ScheduledChange: Types.ScheduledChangeResolvers = {
  price: async (change, _args, context) => (await context.services.catalog.priceById(change.priceId))!,
  plan: async (change, _args, context) => {
    const price = await context.services.catalog.priceById(change.priceId);
    return (await context.services.catalog.planById(price!.plan.id))!;
  },
  effectiveAt: async (_change, _args, context) => (await context.services.subscriptions.current())!.currentPeriodEnd,
};

export const Coupon: Types.CouponResolvers = {
  amountOff: (coupon) => (coupon.amountOff != null ? { amount: coupon.amountOff, currency: coupon.currency ?? 'USD' } : null),
  duration: (coupon) => toEnum(coupon.duration),
};

export const Invoice_: Types.InvoiceResolvers & Reference<Invoice> = {
  __resolveReference: (reference, context) => context.services.invoices.byId(reference.id),
  number: (invoice) => invoice.number ?? invoice.id,
  status: (invoice) => toEnum(invoice.status),
  reason: (invoice) => toEnum(invoice.reason),
  pdfUrl: (invoice, _args, context) => context.services.invoices.pdfUrl(invoice),
};

export const InvoiceLine: Types.InvoiceLineResolvers = {
  kind: (line) => toEnum(line.kind),
  periodStart: (line) => (line.periodStart ? new Date(line.periodStart) : null),
  periodEnd: (line) => (line.periodEnd ? new Date(line.periodEnd) : null),
};

export const PaymentMethod_: Types.PaymentMethodResolvers & Reference<PaymentMethod> = {
  __resolveReference: async (reference, context) => (await context.services.paymentMethods.list()).find((method) => method.id === reference.id) ?? null,
  isDefault: (method, _args, context) => context.services.paymentMethods.isDefault(method),
};

/** Billing's fields on identity's Organization; only the caller's own organization has any. */
function own(organization: OrganizationReference, context: BillingContext): boolean {
  return organization.id === context.organizationId;
}

function requireOwn(organization: OrganizationReference, context: BillingContext): void {
  if (!own(organization, context)) throw errors.forbidden('Billing details are only visible for your own organization.');
}

export const Organization: Types.OrganizationResolvers & Reference<OrganizationReference> = {
  __resolveReference: (reference) => ({ id: reference.id }),
  subscription: (organization, _args, context) => (own(organization, context) ? context.services.subscriptions.current() : null),
  entitlements: (organization, _args, context) => {
    requireOwn(organization, context);
    return context.services.entitlements.current();
  },
  invoices: (organization, args, context) => {
    requireOwn(organization, context);
    return context.services.invoices.list(args);
  },
  paymentMethods: (organization, _args, context) => (own(organization, context) ? context.services.paymentMethods.list() : []),
  billingCustomer: (organization, _args, context) => {
    requireOwn(organization, context);
    return context.services.customers.withContact();
  },
  seatUsage: (organization, _args, context) => {
    requireOwn(organization, context);
    return context.services.entitlements.seatUsage();
  },
  usage: async (organization, _args, context) => {
    requireOwn(organization, context);
    return (await context.services.entitlements.usageFigures()).map((figure) => ({ ...figure, meter: toEnum(figure.meter) }));
  },
};
