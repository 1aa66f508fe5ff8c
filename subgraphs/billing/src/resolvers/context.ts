import type { Connection, SubgraphContext } from '@platform/kit';
import type { Coupon, Invoice, InvoiceLineData } from '../entities/index.ts';
import type { BillingServices } from '../services/index.ts';

export type BillingContext = SubgraphContext<BillingServices>;

export type InvoiceConnectionModel = Connection<Invoice>;
/** Billing's fields on identity's Organization: only the key travels. */
export interface OrganizationReference {
  id: string;
}
export interface MoneyModel {
  amount: number;
  currency: string;
}
export interface DiscountModel {
  coupon: Coupon;
  endsAt: Date | null;
}
export interface BillingProviderModel {
  kind: 'SANDBOX' | 'STRIPE';
  publishableKey: string | null;
  testCards: { number: string; outcome: string }[];
}
export interface ChangePreviewModel {
  kind: 'UPGRADE' | 'DOWNGRADE' | 'SEATS_INCREASE' | 'SEATS_DECREASE' | 'NONE';
  effectiveAt: Date;
  lines: InvoiceLineData[];
  amountDueNow: MoneyModel;
  nextInvoiceTotal: MoneyModel;
  nextInvoiceAt: Date;
  userErrors: { field: string[] | null; message: string; code: string }[];
}
