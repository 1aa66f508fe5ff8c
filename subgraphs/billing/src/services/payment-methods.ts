import { DomainService, newId, UserInputError, userError, type UserError } from '@platform/kit';
import { PaymentMethod, Subscription } from '../entities/index.ts';
import { SandboxProvider } from '../providers/sandbox.ts';
import type { ProviderCard } from '../providers/provider.ts';
import type { CustomerService } from './customers.ts';
import type { BillingDeps } from './support.ts';

const MAKE_DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/** Cards, added through the provider's setup intents; only brand, last 4 digits and expiry are kept. */
export class PaymentMethodService extends DomainService<BillingDeps> {
  private readonly customers: CustomerService;

  constructor(context: ConstructorParameters<typeof DomainService<BillingDeps>>[0], deps: BillingDeps, customers: CustomerService) {
    super(context, deps);
    this.customers = customers;
  }

  /** Which provider collects cards, for the web app's form. */
  providerInfo(): { kind: 'SANDBOX' | 'STRIPE'; publishableKey: string | null; testCards: { number: string; outcome: string }[] } {
    const provider = this.deps.provider;
    return {
      kind: provider.kind === 'stripe' ? 'STRIPE' : 'SANDBOX',
      publishableKey: provider.publishableKey,
      testCards: provider instanceof SandboxProvider ? provider.testCards.map((card) => ({ number: card.number, outcome: card.outcome })) : [],
    };
  }

  list(): Promise<PaymentMethod[]> {
    return this.em.find(PaymentMethod, { detachedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async isDefault(method: PaymentMethod): Promise<boolean> {
    const customer = await this.customers.current();
    return customer.defaultPaymentMethodId === method.id;
  }

  async setupStart(input: { makeDefault?: boolean | null } | null): Promise<{ setupIntentId: string; clientSecret: string }> {
    const customer = await this.customers.current();
    const providerCustomerId = await this.customers.providerCustomerId(customer);
    const intent = await this.deps.provider.createSetupIntent(providerCustomerId, `setup:${customer.id}:${newId('req')}`);
    if (input?.makeDefault === false) await this.context.infra.kv.set(`billing:setup-keep-default:${intent.id}`, '1', MAKE_DEFAULT_TTL_MS);
    return { setupIntentId: intent.id, clientSecret: intent.clientSecret };
  }

  /** The sandbox's stand-in for Stripe.js: confirms a setup intent with a test card. */
  async sandboxConfirm(input: { setupIntentId: string; clientSecret: string; cardNumber: string; expMonth: number; expYear: number; cvc: string }): Promise<{ setupIntentId: string; status: string }> {
    const provider = this.deps.provider;
    if (!(provider instanceof SandboxProvider)) {
      throw UserInputError.of('SANDBOX_DISABLED', 'Payments go through Stripe here; add the card with the Stripe form.');
    }
    const outcome = await provider.confirmSetupIntent(input);
    if (outcome.status !== 'succeeded') throw UserInputError.of(outcome.code, outcome.message, outcome.field ?? undefined);
    return { setupIntentId: input.setupIntentId, status: 'SUCCEEDED' };
  }

  async setupComplete(input: { setupIntentId: string }): Promise<{ paymentMethod: PaymentMethod }> {
    const customer = await this.customers.current();
    const intent = await this.deps.provider.retrieveSetupIntent(input.setupIntentId).catch(() => null);
    if (!intent || intent.customerId !== customer.providerCustomerId) {
      throw UserInputError.of('NOT_FOUND', `No setup intent '${input.setupIntentId}' for this organization.`, ['input', 'setupIntentId']);
    }
    if (intent.status !== 'succeeded' || !intent.paymentMethod) {
      throw UserInputError.of('SETUP_INCOMPLETE', 'The card has not been confirmed yet.', ['input', 'setupIntentId']);
    }
    const method = await this.record(intent.paymentMethod);
    const keepDefault = (await this.context.infra.kv.get(`billing:setup-keep-default:${intent.id}`)) === '1';
    if (!customer.defaultPaymentMethodId || !keepDefault) customer.defaultPaymentMethodId = method.id;
    return { paymentMethod: method };
  }

  /** Stores a card the provider attached, once (webhooks and the browser may both report it). */
  async record(card: ProviderCard): Promise<PaymentMethod> {
    const existing = await this.em.findOne(PaymentMethod, { providerPaymentMethodId: card.id });
    if (existing) return existing;
    const method = this.em.create(PaymentMethod, {
      id: newId('pm'),
      organizationId: this.context.organizationId!,
      providerPaymentMethodId: card.id,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      createdAt: this.deps.clock.now(),
      detachedAt: null,
    });
    this.context.emit('payment_method.attached', { paymentMethodId: method.id, brand: method.brand, last4: method.last4 });
    return method;
  }

  private async find(id: string): Promise<PaymentMethod> {
    const method = await this.em.findOne(PaymentMethod, { id, detachedAt: null });
    if (!method) throw UserInputError.of('NOT_FOUND', `No payment method with id '${id}'.`, ['input', 'id']);
    return method;
  }

  async setDefault(input: { id: string }): Promise<{ paymentMethod: PaymentMethod }> {
    const method = await this.find(input.id);
    const customer = await this.customers.current();
    customer.defaultPaymentMethodId = method.id;
    this.context.emit('payment_method.default_changed', { paymentMethodId: method.id });
    return { paymentMethod: method };
  }

  async remove(input: { id: string }): Promise<{ removedId: string; userErrors: UserError[] }> {
    const method = await this.find(input.id);
    const customer = await this.customers.current();
    const others = (await this.list()).filter((candidate) => candidate.id !== method.id);
    if (customer.defaultPaymentMethodId === method.id) {
      const paying = await this.em.findOne(Subscription, { liveKey: { $ne: null }, status: { $in: ['active', 'trialing', 'past_due', 'unpaid', 'incomplete'] } }, { populate: ['price'] });
      if (paying && others.length === 0 && paying.price.getEntity().components.some((part) => (part.unitAmount ?? 0) > 0 || part.tiers.length > 0)) {
        throw new UserInputError([userError('PAYMENT_METHOD_IN_USE', 'This card pays for the subscription. Add another card first, or cancel the subscription.', ['input', 'id'])]);
      }
      customer.defaultPaymentMethodId = others[0]?.id ?? null;
    }
    await this.deps.provider.detachPaymentMethod(method.providerPaymentMethodId);
    method.detachedAt = this.deps.clock.now();
    this.context.emit('payment_method.detached', { paymentMethodId: method.id });
    return { removedId: method.id, userErrors: [] };
  }
}
