import { CouponSchema, PlanSchema, PriceSchema } from './catalog.ts';
import { CustomerSchema } from './customer.ts';
import { InvoiceSchema, PaymentSchema } from './invoice.ts';
import { PaymentMethodSchema } from './payment-method.ts';
import { ProviderEventSchema } from './provider-event.ts';
import { SubscriptionSchema } from './subscription.ts';
import { UsageRecordSchema } from './usage.ts';

export * from './catalog.ts';
export { Customer } from './customer.ts';
export * from './invoice.ts';
export { PaymentMethod } from './payment-method.ts';
export { ProviderEvent } from './provider-event.ts';
export * from './sandbox.ts';
export * from './subscription.ts';
export { UsageRecord } from './usage.ts';

export const entities = [
  PlanSchema,
  PriceSchema,
  CouponSchema,
  CustomerSchema,
  SubscriptionSchema,
  InvoiceSchema,
  PaymentSchema,
  PaymentMethodSchema,
  ProviderEventSchema,
  UsageRecordSchema,
];

/** The sandbox payment processor keeps its records in a database of its own (see providers/sandbox.ts). */
export { sandboxEntities } from './sandbox.ts';
