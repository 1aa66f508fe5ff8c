import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
export type InvoiceReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'subscription_cancel';
export type InvoiceLineKind = 'plan' | 'seats' | 'proration' | 'usage' | 'discount' | 'credit';

export interface InvoiceLineData {
  kind: InvoiceLineKind;
  description: string;
  quantity: number;
  unitAmount: number | null;
  amount: number;
  periodStart: string | null;
  periodEnd: string | null;
}

/**
 * An invoice. Its lines are fixed once it is finalized (status open), so they are kept with it.
 * `periodKey` makes the renewal of one period unique: a scheduler that runs twice cannot bill twice.
 */
export const InvoiceSchema = defineEntity({
  name: 'Invoice',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string().index(),
    subscriptionId: p.string().index(),
    /** `<subscription>:<reason>:<period start>` for cycle invoices; the invoice id otherwise. */
    periodKey: p.string().length(120).unique(),
    number: p.string().length(30).nullable().unique(),
    status: p.string().length(16).$type<InvoiceStatus>().index(),
    reason: p.string().length(24).$type<InvoiceReason>(),
    currency: p.string().length(3),
    lines: p.json<InvoiceLineData[]>(),
    subtotal: p.integer(),
    discountTotal: p.integer(),
    total: p.integer(),
    creditApplied: p.integer(),
    amountDue: p.integer(),
    amountPaid: p.integer(),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    createdAt: p.datetime(),
    finalizedAt: p.datetime().nullable(),
    paidAt: p.datetime().nullable(),
    voidedAt: p.datetime().nullable(),
    attemptCount: p.integer(),
    nextPaymentAttemptAt: p.datetime().nullable().index(),
    lastPaymentError: p.string().length(300).nullable(),
    /** The customer email the invoice mail went to. */
    mailedAt: p.datetime().nullable(),
  },
});
export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice);

export type PaymentStatus = 'succeeded' | 'failed' | 'processing' | 'requires_action';

/** One attempt to collect an invoice. `idempotencyKey` is what the provider saw, so a retry never charges twice. */
export const PaymentSchema = defineEntity({
  name: 'Payment',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string().index(),
    invoiceId: p.string().index(),
    attempt: p.integer(),
    idempotencyKey: p.string().length(120).unique(),
    providerPaymentId: p.string().nullable().index(),
    paymentMethodId: p.string().nullable(),
    amount: p.integer(),
    currency: p.string().length(3),
    status: p.string().length(20).$type<PaymentStatus>(),
    failureCode: p.string().length(60).nullable(),
    failureMessage: p.string().length(300).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class Payment extends PaymentSchema.class {}
PaymentSchema.setClass(Payment);
