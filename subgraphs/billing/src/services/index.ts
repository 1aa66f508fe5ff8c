import type { RequestContext } from '@platform/kit';
import { CatalogService } from './catalog.ts';
import { CustomerService } from './customers.ts';
import { EntitlementService } from './entitlements.ts';
import { InvoiceService } from './invoices.ts';
import { LifecycleService } from './lifecycle.ts';
import { PaymentMethodService } from './payment-methods.ts';
import { PaymentService } from './payments.ts';
import { SubscriptionService } from './subscriptions.ts';
import type { BillingDeps } from './support.ts';
import { UsageService } from './usage.ts';
import { WebhookService } from './webhooks.ts';

export type { BillingDeps, Clock, IdentityClient } from './support.ts';
export { systemClock } from './support.ts';

export function billingServices(context: RequestContext, deps: BillingDeps) {
  const catalog = new CatalogService(context, deps);
  const customers = new CustomerService(context, deps);
  const invoices = new InvoiceService(context, deps);
  const payments = new PaymentService(context, deps);
  const usage = new UsageService(context, deps);
  const paymentMethods = new PaymentMethodService(context, deps, customers);
  const subscriptions = new SubscriptionService(context, deps, { catalog, customers, invoices, payments });
  const entitlements = new EntitlementService(context, deps, { subscriptions, customers, usage });
  const lifecycle = new LifecycleService(context, deps, { subscriptions, customers, invoices, usage });
  const webhooks = new WebhookService(context, deps, { subscriptions, invoices, customers, paymentMethods });
  return { catalog, customers, invoices, payments, usage, paymentMethods, subscriptions, entitlements, lifecycle, webhooks };
}

export type BillingServices = ReturnType<typeof billingServices>;
