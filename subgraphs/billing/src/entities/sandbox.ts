import { defineEntity, p } from '@mikro-orm/core';

/*
 * The sandbox payment processor's own records. They stand for the state a real processor keeps on its
 * side, so they live in a database of their own (`billing_sandbox`), written in the sandbox's own
 * transactions: a billing transaction that rolls back does not undo a charge, exactly as with Stripe.
 * On SQLite the caller's open transaction holds billing's only connection, so sharing that database
 * would make the sandbox wait for the very transaction that is waiting for it.
 *
 * `idempotencyKey` + `requestHash` replay a request the way Stripe does: the same key with the same
 * parameters returns the first result, the same key with other parameters is refused.
 */

export const SandboxCustomerSchema = defineEntity({
  name: 'SandboxCustomer',
  properties: {
    id: p.string().primary(),
    idempotencyKey: p.string().length(200).unique(),
    requestHash: p.string().length(64),
    email: p.string().length(254).nullable(),
    name: p.string().length(200).nullable(),
    metadata: p.json<Record<string, string>>(),
    createdAt: p.datetime(),
  },
});
export class SandboxCustomer extends SandboxCustomerSchema.class {}
SandboxCustomerSchema.setClass(SandboxCustomer);

/** What charging the card does; the card number itself is never kept, only brand and last 4 digits. */
export type SandboxCardBehaviour = 'succeed' | 'decline' | 'insufficient_funds';

export const SandboxPaymentMethodSchema = defineEntity({
  name: 'SandboxPaymentMethod',
  properties: {
    id: p.string().primary(),
    customerId: p.string().nullable().index(),
    brand: p.string().length(20),
    last4: p.string().length(4),
    expMonth: p.integer(),
    expYear: p.integer(),
    behaviour: p.string().length(24).$type<SandboxCardBehaviour>(),
    createdAt: p.datetime(),
    detachedAt: p.datetime().nullable(),
  },
});
export class SandboxPaymentMethod extends SandboxPaymentMethodSchema.class {}
SandboxPaymentMethodSchema.setClass(SandboxPaymentMethod);

export const SandboxSetupIntentSchema = defineEntity({
  name: 'SandboxSetupIntent',
  properties: {
    id: p.string().primary(),
    idempotencyKey: p.string().length(200).unique(),
    requestHash: p.string().length(64),
    customerId: p.string().index(),
    /** SHA-256 of the client secret handed to the browser. */
    clientSecretHash: p.string().length(64),
    status: p.string().length(30).$type<'requires_payment_method' | 'succeeded' | 'canceled'>(),
    paymentMethodId: p.string().nullable(),
    /** The message of the last failed confirmation, like Stripe's `last_setup_error`. */
    lastError: p.string().length(300).nullable(),
    createdAt: p.datetime(),
  },
});
export class SandboxSetupIntent extends SandboxSetupIntentSchema.class {}
SandboxSetupIntentSchema.setClass(SandboxSetupIntent);

export const SandboxPaymentIntentSchema = defineEntity({
  name: 'SandboxPaymentIntent',
  properties: {
    id: p.string().primary(),
    /** The caller's idempotency key: the same key returns the first result and charges nothing. */
    idempotencyKey: p.string().length(200).unique(),
    requestHash: p.string().length(64),
    customerId: p.string().index(),
    paymentMethodId: p.string().nullable(),
    amount: p.integer(),
    /** ISO 4217, upper case. */
    currency: p.string().length(3),
    description: p.string().length(1000).nullable(),
    status: p.string().length(30).$type<'succeeded' | 'requires_payment_method'>(),
    failureCode: p.string().length(60).nullable(),
    failureMessage: p.string().length(300).nullable(),
    metadata: p.json<Record<string, string>>(),
    createdAt: p.datetime(),
  },
});
export class SandboxPaymentIntent extends SandboxPaymentIntentSchema.class {}
SandboxPaymentIntentSchema.setClass(SandboxPaymentIntent);

/** The sandbox database's entities: open it with these, apart from billing's own database. */
export const sandboxEntities = [SandboxCustomerSchema, SandboxPaymentMethodSchema, SandboxSetupIntentSchema, SandboxPaymentIntentSchema];
