import { DateTime } from '@platform/kit';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { BillingSubscription, Coupon, Invoice_, InvoiceLine, Organization, PaymentMethod_, Plan_, Price_, PriceComponent, ScheduledChange } from './types.ts';

export const resolvers = {
  DateTime,
  Query,
  Mutation,
  Plan: Plan_,
  Price: Price_,
  PriceComponent,
  BillingSubscription,
  ScheduledChange,
  Coupon,
  Invoice: Invoice_,
  InvoiceLine,
  PaymentMethod: PaymentMethod_,
  Organization,
};
