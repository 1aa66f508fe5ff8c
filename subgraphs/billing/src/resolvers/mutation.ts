import { mutation } from '@platform/kit';
import type * as Types from '../__generated__/resolvers.ts';
import type { CouponDuration, Interval, PriceComponentData } from '../entities/index.ts';
import type { BillingContext } from './context.ts';
import { fromEnum } from './enums.ts';

function components(input: Types.PriceComponentInput[]): PriceComponentData[] {
  return input.map((part) => ({
    kind: fromEnum(part.kind),
    scheme: fromEnum(part.scheme),
    unitAmount: part.unitAmount ?? null,
    tiers: (part.tiers ?? []).map((tier) => ({ upTo: tier.upTo ?? null, unitAmount: tier.unitAmount ?? 0, flatAmount: tier.flatAmount ?? 0 })),
    meter: part.meter ? fromEnum<'api_points'>(part.meter) : null,
    includedUnits: part.includedUnits ?? null,
    packageSize: part.packageSize ?? null,
  }));
}

const entitlements = (input: Types.EntitlementsInput) => ({ ...input, features: [...input.features] });

export const Mutation = {
  subscriptionCreate: mutation((context: BillingContext, input: Types.SubscriptionCreateInput) => context.services.subscriptions.create(input)),
  subscriptionChange: mutation((context: BillingContext, input: Types.SubscriptionChangeInput) => context.services.subscriptions.change(input)),
  subscriptionScheduledChangeCancel: mutation((context: BillingContext, input: Types.SubscriptionScheduledChangeCancelInput) =>
    context.services.subscriptions.cancelScheduledChange(input),
  ),
  subscriptionCancel: mutation((context: BillingContext, input: Types.SubscriptionCancelInput) =>
    context.services.subscriptions.cancel({ atPeriodEnd: input.atPeriodEnd, reason: input.reason, feedback: input.feedback }),
  ),
  subscriptionResume: mutation((context: BillingContext, input: Types.SubscriptionResumeInput) => context.services.subscriptions.resume(input)),
  billingCustomerUpdate: mutation((context: BillingContext, input: Types.BillingCustomerUpdateInput) => context.services.customers.updateContact(input)),
  paymentMethodSetupStart: mutation(async (context: BillingContext, input: Types.PaymentMethodSetupStartInput | null) => ({
    ...(await context.services.paymentMethods.setupStart(input)),
    provider: context.services.paymentMethods.providerInfo(),
  })),
  sandboxSetupIntentConfirm: mutation((context: BillingContext, input: Types.SandboxSetupIntentConfirmInput) => context.services.paymentMethods.sandboxConfirm(input)),
  paymentMethodSetupComplete: mutation((context: BillingContext, input: Types.PaymentMethodSetupCompleteInput) => context.services.paymentMethods.setupComplete(input)),
  paymentMethodSetDefault: mutation((context: BillingContext, input: Types.PaymentMethodSetDefaultInput) => context.services.paymentMethods.setDefault(input)),
  paymentMethodRemove: mutation((context: BillingContext, input: Types.PaymentMethodRemoveInput) => context.services.paymentMethods.remove(input)),
  invoicePay: mutation((context: BillingContext, input: Types.InvoicePayInput) => context.services.subscriptions.payInvoice(input)),
  planCreate: mutation((context: BillingContext, input: Types.PlanCreateInput) =>
    context.services.catalog.createPlan({ ...input, entitlements: entitlements(input.entitlements) }),
  ),
  planUpdate: mutation((context: BillingContext, input: Types.PlanUpdateInput) =>
    context.services.catalog.updatePlan({ ...input, entitlements: input.entitlements ? entitlements(input.entitlements) : null }),
  ),
  planArchive: mutation((context: BillingContext, input: Types.PlanArchiveInput) => context.services.catalog.archivePlan(input)),
  priceCreate: mutation((context: BillingContext, input: Types.PriceCreateInput) =>
    context.services.catalog.createPrice({ planId: input.planId, currency: input.currency, interval: fromEnum<Interval>(input.interval), components: components(input.components) }),
  ),
  priceArchive: mutation((context: BillingContext, input: Types.PriceArchiveInput) => context.services.catalog.archivePrice(input)),
  couponCreate: mutation((context: BillingContext, input: Types.CouponCreateInput) =>
    context.services.catalog.createCoupon({ ...input, duration: fromEnum<CouponDuration>(input.duration) }),
  ),
} satisfies Types.MutationResolvers;
