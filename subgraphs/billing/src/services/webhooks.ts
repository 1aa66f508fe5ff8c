import { DomainService } from '@platform/kit';
import { Customer, Invoice, Payment, PaymentMethod, ProviderEvent, Subscription } from '../entities/index.ts';
import { WebhookSignatureError, type ProviderWebhookEvent } from '../providers/provider.ts';
import type { CustomerService } from './customers.ts';
import type { InvoiceService } from './invoices.ts';
import type { PaymentMethodService } from './payment-methods.ts';
import type { SubscriptionService } from './subscriptions.ts';
import type { BillingDeps } from './support.ts';

export type ReceiveOutcome = { status: 'refused' } | { status: 'duplicate' } | { status: 'stored'; eventId: string; organizationId: string | null };
export type ApplyOutcome = 'applied' | 'ignored' | 'waiting';

/** Events we act on; anything else is acknowledged and kept for the record. */
const HANDLED = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed', 'setup_intent.succeeded', 'payment_method.detached']);

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/**
 * Incoming provider webhooks (Stripe): the signature is checked on the raw body, each event is kept
 * by its id (a replay is recognised), and applying one is idempotent and order-proof: a later failure
 * never undoes a payment, and an event about something we have not recorded yet waits and is tried again.
 */
export class WebhookService extends DomainService<BillingDeps> {
  private readonly collaborators: { subscriptions: SubscriptionService; invoices: InvoiceService; customers: CustomerService; paymentMethods: PaymentMethodService };

  constructor(
    context: ConstructorParameters<typeof DomainService<BillingDeps>>[0],
    deps: BillingDeps,
    collaborators: { subscriptions: SubscriptionService; invoices: InvoiceService; customers: CustomerService; paymentMethods: PaymentMethodService },
  ) {
    super(context, deps);
    this.collaborators = collaborators;
  }

  /** Verifies and stores an event; runs without an organization (the provider is the caller). */
  async receive(rawBody: string, signature: string | undefined): Promise<ReceiveOutcome> {
    let event: ProviderWebhookEvent;
    try {
      event = this.deps.provider.verifyWebhook(rawBody, signature);
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        this.context.log.warn({ reason: error.message }, 'refused a webhook whose signature does not verify');
        return { status: 'refused' };
      }
      throw error;
    }
    const em = this.em.fork();
    if (await em.findOne(ProviderEvent, { id: event.id })) return { status: 'duplicate' };
    const handled = HANDLED.has(event.type);
    em.create(ProviderEvent, {
      id: event.id,
      type: event.type,
      createdAt: event.createdAt,
      receivedAt: new Date(),
      payload: event.object,
      processedAt: handled ? null : new Date(),
      attempts: 0,
      lastError: null,
    });
    try {
      await em.flush();
    } catch (error) {
      // The same event delivered twice at once: the primary key let one in.
      if (await em.fork().findOne(ProviderEvent, { id: event.id })) return { status: 'duplicate' };
      throw error;
    }
    return { status: 'stored', eventId: event.id, organizationId: handled ? await this.organizationOf(event.type, event.object) : null };
  }

  /** Applies a just-stored event now; if that fails, the scheduler picks it up on its next run. */
  async applySoon(eventId: string): Promise<void> {
    try {
      await this.deps.applyProviderEvent?.(eventId);
    } catch (error) {
      this.context.log.error({ err: error, eventId }, 'provider event will be applied on the next scheduler run');
    }
  }

  /** Which organization an event is about; null when nothing we know matches (yet). */
  async organizationOf(type: string, object: Record<string, unknown>): Promise<string | null> {
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    if (type.startsWith('payment_intent.')) return text(metadata.organizationId);
    if (type === 'setup_intent.succeeded') {
      const customerId = text(object.customer);
      const customer = customerId ? await this.em.fork().findOne(Customer, { providerCustomerId: customerId }, { filters: { tenant: false } }) : null;
      return customer?.organizationId ?? null;
    }
    if (type === 'payment_method.detached') {
      const id = text(object.id);
      const method = id ? await this.em.fork().findOne(PaymentMethod, { providerPaymentMethodId: id }, { filters: { tenant: false } }) : null;
      return method?.organizationId ?? null;
    }
    return null;
  }

  /** Applies a stored event for the context's organization, in the caller's transaction. */
  async apply(eventId: string): Promise<ApplyOutcome> {
    const event = await this.em.findOne(ProviderEvent, { id: eventId });
    if (!event || event.processedAt) return 'ignored';
    event.attempts += 1;
    const outcome = await this.applyEvent(event.type, event.payload);
    if (outcome !== 'waiting') event.processedAt = new Date();
    else event.lastError = 'waiting for the object it refers to';
    return outcome;
  }

  private async applyEvent(type: string, object: Record<string, unknown>): Promise<ApplyOutcome> {
    const { subscriptions, invoices, customers, paymentMethods } = this.collaborators;
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    switch (type) {
      case 'payment_intent.succeeded': {
        const invoice = await this.em.findOne(Invoice, { periodKey: text(metadata.invoiceKey) ?? '' });
        if (!invoice) return 'waiting';
        const payment = await this.em.findOne(Payment, { providerPaymentId: text(object.id) ?? '' });
        if (payment && payment.status !== 'succeeded') {
          payment.status = 'succeeded';
          payment.failureCode = null;
          payment.failureMessage = null;
          payment.updatedAt = new Date();
        }
        if (invoice.status === 'paid') return 'ignored';
        if (invoice.status !== 'open') {
          this.context.log.warn({ invoiceId: invoice.id, status: invoice.status }, 'money arrived for an invoice that is no longer open');
          this.context.emit('payment.unreconciled', { invoiceId: invoice.id, providerPaymentId: text(object.id), amount: object.amount ?? null });
          return 'applied';
        }
        const subscription = await this.em.findOneOrFail(Subscription, { id: invoice.subscriptionId }, { populate: ['plan', 'price'] });
        invoices.markPaid(invoice, typeof object.amount_received === 'number' ? object.amount_received : invoice.amountDue);
        await subscriptions.onInvoicePaid(subscription, invoice);
        return 'applied';
      }
      case 'payment_intent.payment_failed': {
        const payment = await this.em.findOne(Payment, { providerPaymentId: text(object.id) ?? '' });
        if (!payment) return 'waiting';
        const invoice = await this.em.findOne(Invoice, { id: payment.invoiceId });
        if (!invoice || invoice.status !== 'open' || payment.status === 'succeeded' || payment.status === 'failed') return 'ignored';
        const error = (object.last_payment_error ?? {}) as Record<string, unknown>;
        payment.status = 'failed';
        payment.failureCode = text(error.decline_code) ?? text(error.code) ?? 'card_declined';
        payment.failureMessage = (text(error.message) ?? 'The payment failed.').slice(0, 300);
        payment.updatedAt = new Date();
        invoice.lastPaymentError = payment.failureMessage;
        return 'applied';
      }
      case 'setup_intent.succeeded': {
        const customer = await customers.current();
        const intent = await this.deps.provider.retrieveSetupIntent(text(object.id) ?? '');
        if (!intent.paymentMethod || intent.customerId !== customer.providerCustomerId) return 'ignored';
        const method = await paymentMethods.record(intent.paymentMethod);
        customer.defaultPaymentMethodId ??= method.id;
        return 'applied';
      }
      case 'payment_method.detached': {
        const method = await this.em.findOne(PaymentMethod, { providerPaymentMethodId: text(object.id) ?? '' });
        // Detached before we heard it was attached: wait for the attachment, then apply.
        if (!method) return 'waiting';
        if (method.detachedAt) return 'ignored';
        method.detachedAt = new Date();
        const customer = await customers.current();
        if (customer.defaultPaymentMethodId === method.id) customer.defaultPaymentMethodId = null;
        return 'applied';
      }
      default:
        return 'ignored';
    }
  }
}
