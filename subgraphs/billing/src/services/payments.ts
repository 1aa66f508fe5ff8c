import { DomainService, newId, UserInputError } from '@platform/kit';
import type { Customer, Invoice} from '../entities/index.ts';
import { Payment, PaymentMethod } from '../entities/index.ts';
import { ProviderError, type ChargeResult } from '../providers/provider.ts';
import { DAY_MS, type BillingDeps } from './support.ts';

export type AttemptOutcome =
  | { status: 'succeeded'; invoice: Invoice }
  | { status: 'failed'; invoice: Invoice; code: string; message: string; retriesLeft: boolean };

/** Collects invoices: one payment attempt at a time, each under an idempotency key the provider honours. */
export class PaymentService extends DomainService<BillingDeps> {
  /**
   * Charges an open invoice once. The key is `<invoice period key>:attempt:<n>` with n persisted on the
   * invoice, so a run that crashed after the provider charged and before we committed repeats the same
   * key and gets the first outcome back instead of a second charge.
   */
  async attempt(invoice: Invoice, customer: Customer, providerCustomerId: string, paymentMethodId?: string | null): Promise<AttemptOutcome> {
    const now = this.deps.clock.now();
    const attempt = invoice.attemptCount + 1;
    const method = await this.chargeableMethod(paymentMethodId ?? customer.defaultPaymentMethodId);
    let result: ChargeResult;
    if (!method) {
      result = { status: 'failed', providerPaymentId: null, failureCode: 'no_payment_method', failureMessage: 'There is no payment method to charge. Add a card.' };
    } else {
      try {
        result = await this.deps.provider.charge(
          {
            customerId: providerCustomerId,
            paymentMethodId: method.providerPaymentMethodId,
            amount: invoice.amountDue,
            currency: invoice.currency,
            // Only what the period key determines: a rerun after a crash rebuilds the invoice (with a new
            // id and maybe a new number) and must send the very same request, or the provider refuses the key.
            description: 'Subscription invoice',
            metadata: { invoiceKey: invoice.periodKey, organizationId: invoice.organizationId, attempt: String(attempt) },
          },
          `${invoice.periodKey}:attempt:${attempt}`,
        );
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        this.context.log.warn({ invoiceId: invoice.id, code: error.code }, 'payment provider unavailable; the attempt will be repeated');
        result = { status: 'failed', providerPaymentId: null, failureCode: 'processing_error', failureMessage: 'The payment could not be processed. It will be retried.' };
      }
    }
    this.em.create(Payment, {
      id: newId('pay'),
      organizationId: invoice.organizationId,
      invoiceId: invoice.id,
      attempt,
      idempotencyKey: `${invoice.periodKey}:attempt:${attempt}`,
      providerPaymentId: result.providerPaymentId,
      paymentMethodId: method?.id ?? null,
      amount: invoice.amountDue,
      currency: invoice.currency,
      status: result.status,
      failureCode: result.status === 'failed' ? result.failureCode : null,
      failureMessage: result.status === 'failed' ? result.failureMessage : null,
      createdAt: now,
      updatedAt: now,
    });
    invoice.attemptCount = attempt;
    if (result.status === 'succeeded') return { status: 'succeeded', invoice };
    const code = result.status === 'failed' ? result.failureCode : 'authentication_required';
    const message = result.status === 'failed' ? result.failureMessage : 'The bank asks the cardholder to confirm this payment.';
    invoice.lastPaymentError = message.slice(0, 300);
    invoice.nextPaymentAttemptAt = this.nextAttemptAt(invoice);
    this.context.emit('payment.failed', { invoiceId: invoice.id, number: invoice.number, attempt, code, amount: invoice.amountDue, currency: invoice.currency, nextPaymentAttemptAt: invoice.nextPaymentAttemptAt?.toISOString() ?? null });
    return { status: 'failed', invoice, code, message, retriesLeft: invoice.nextPaymentAttemptAt !== null };
  }

  /**
   * Smart-retry schedule: attempt n (1-based) failed, the next comes DUNNING_RETRY_DAYS[n-1] days after
   * the invoice was finalized; null once the schedule is spent. Only renewal invoices are retried:
   * a first invoice that fails leaves the subscription incomplete until the customer pays it.
   */
  private nextAttemptAt(invoice: Invoice): Date | null {
    if (invoice.reason !== 'subscription_cycle') return null;
    const offsetDays = this.deps.settings.dunning.retryDays[invoice.attemptCount - 1];
    if (offsetDays === undefined) return null;
    return new Date((invoice.finalizedAt ?? invoice.createdAt).getTime() + offsetDays * DAY_MS);
  }

  private async chargeableMethod(id: string | null | undefined): Promise<PaymentMethod | null> {
    if (!id) return null;
    return this.em.findOne(PaymentMethod, { id, detachedAt: null });
  }

  /** One of the organization's payment methods, or a NOT_FOUND userError on `field`. */
  async findMethod(id: string, field: string[]): Promise<PaymentMethod> {
    const method = await this.chargeableMethod(id);
    if (!method) throw UserInputError.of('NOT_FOUND', `No payment method with id '${id}'.`, field);
    return method;
  }

  /** A payment the provider confirmed later (webhook), matched by its provider id. */
  findByProviderId(providerPaymentId: string): Promise<Payment | null> {
    return this.em.findOne(Payment, { providerPaymentId });
  }
}
