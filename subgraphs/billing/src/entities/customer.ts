import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/** The organization as a paying customer: one per organization, made on first need. */
export const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'billing_customer',
  filters: tenantScoped('organizationId'),
  properties: {
    id: p.string().primary(),
    organizationId: p.string().unique(),
    /** The provider's customer id (Stripe `cus_...`, or the sandbox's). */
    providerCustomerId: p.string().nullable(),
    email: p.string().length(254).nullable(),
    name: p.string().length(200).nullable(),
    /** Fixed by the first paid invoice; later prices must use it. */
    currency: p.string().length(3).nullable(),
    /** Credit from prorations, in minor units of `currency`; applied to later invoices. */
    creditBalance: p.integer(),
    /** Amounts too small to charge on their own (under the provider's minimum), added to the next invoice. */
    carriedAmount: p.integer(),
    /** Prefix of invoice numbers, e.g. DEMO; unique across organizations. */
    invoicePrefix: p.string().length(12).unique(),
    /** The number the next finalized invoice gets. */
    nextInvoiceNumber: p.integer(),
    defaultPaymentMethodId: p.string().nullable(),
    /** Whether the organization ever had a trial (one trial per organization). */
    trialUsed: p.boolean(),
    /** Active members, as identity last reported them. */
    activeMembers: p.integer(),
    activeMembersSyncedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);
