import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/** A card the provider holds for the customer. We keep only what a person needs to tell cards apart. */
export const PaymentMethodSchema = defineEntity({
  name: 'PaymentMethod',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string().index(),
    /** The provider's id (`pm_...`). */
    providerPaymentMethodId: p.string().unique(),
    brand: p.string().length(20),
    last4: p.string().length(4),
    expMonth: p.integer(),
    expYear: p.integer(),
    createdAt: p.datetime(),
    detachedAt: p.datetime().nullable(),
  },
});
export class PaymentMethod extends PaymentMethodSchema.class {}
PaymentMethodSchema.setClass(PaymentMethod);
