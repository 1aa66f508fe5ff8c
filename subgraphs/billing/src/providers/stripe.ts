import Stripe from 'stripe';
import { ProviderError, WebhookSignatureError, type ChargeInput, type ChargeResult, type PaymentProvider, type ProviderCard, type ProviderWebhookEvent, type TestCard } from './provider.ts';

export interface StripeProviderOptions {
  /** The secret API key (`sk_...`). */
  secretKey: string;
  /** The publishable key (`pk_...`) Stripe.js confirms setup intents with in the browser. */
  publishableKey: string;
  /** The signing secret (`whsec_...`) of the webhook endpoint that points at billing. */
  webhookSecret: string;
  /** Another API base URL, such as a local server speaking Stripe's API in tests; default https://api.stripe.com. */
  apiUrl?: string;
  /** How long one request may take, in ms; default 30000. */
  timeoutMs?: number;
  /** Retries of a request that failed on the network, with a 409 or a 5xx, reusing its idempotency key; default 2. */
  maxNetworkRetries?: number;
}

/**
 * Stripe through its own SDK. Every create carries the caller's idempotency key (the SDK's retries
 * reuse it), declines come back as failed charges, and any other failure becomes a ProviderError whose
 * message is ours: Stripe's own text and our key never travel further.
 */
export class StripeProvider implements PaymentProvider {
  readonly kind = 'stripe' as const;
  readonly publishableKey: string;
  readonly testCards: readonly TestCard[] = [];

  readonly #stripe: Stripe;
  readonly #webhookSecret: string;

  constructor(options: StripeProviderOptions) {
    this.publishableKey = options.publishableKey;
    this.#webhookSecret = options.webhookSecret;
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
      ...(options.apiUrl ? apiAddress(options.apiUrl) : {}),
    });
  }

  async createCustomer(input: { organizationId: string; email: string | null; name: string | null }, idempotencyKey: string): Promise<{ id: string }> {
    const customer = await call(() =>
      this.#stripe.customers.create(
        { email: input.email ?? undefined, name: input.name ?? undefined, metadata: { organizationId: input.organizationId } },
        { idempotencyKey },
      ),
    );
    return { id: customer.id };
  }

  async updateCustomer(customerId: string, input: { email: string | null; name: string | null }): Promise<void> {
    // An empty string is how Stripe's API unsets a field.
    await call(() => this.#stripe.customers.update(customerId, { email: input.email ?? '', name: input.name ?? '' }));
  }

  async createSetupIntent(customerId: string, idempotencyKey: string): Promise<{ id: string; clientSecret: string }> {
    const intent = await call(() =>
      this.#stripe.setupIntents.create({ customer: customerId, usage: 'off_session', allowed_payment_method_types: ['card'] }, { idempotencyKey }),
    );
    if (!intent.client_secret) throw new ProviderError('provider_error', 'The payment provider returned a setup intent without a client secret.');
    return { id: intent.id, clientSecret: intent.client_secret };
  }

  async retrieveSetupIntent(setupIntentId: string): Promise<{ id: string; customerId: string; status: string; paymentMethod: ProviderCard | null }> {
    const intent = await call(() => this.#stripe.setupIntents.retrieve(setupIntentId, { expand: ['payment_method'] }));
    const customerId = typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null);
    if (!customerId) throw new ProviderError('provider_error', 'The payment provider returned a setup intent without a customer.');
    let method = intent.payment_method;
    if (typeof method === 'string') {
      const id = method;
      method = await call(() => this.#stripe.paymentMethods.retrieve(id));
    }
    const paymentMethod = intent.status === 'succeeded' && method?.card ? toCard(method.id, method.card) : null;
    return { id: intent.id, customerId, status: intent.status, paymentMethod };
  }

  /** Detaching a card that is already detached changes nothing. */
  async detachPaymentMethod(paymentMethodId: string): Promise<void> {
    try {
      await this.#stripe.paymentMethods.detach(paymentMethodId);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code !== 'resource_missing') {
        const method = await call(() => this.#stripe.paymentMethods.retrieve(paymentMethodId));
        if (method.customer === null) return;
      }
      throw providerError(error);
    }
  }

  async charge(input: ChargeInput, idempotencyKey: string): Promise<ChargeResult> {
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.#stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          off_session: true,
          confirm: true,
          metadata: input.metadata,
          description: input.description,
        },
        { idempotencyKey },
      );
    } catch (error) {
      // A decline is HTTP 402 with the failed PaymentIntent attached to the error.
      if (error instanceof Stripe.errors.StripeCardError) {
        const failed = error.payment_intent;
        if (failed?.status === 'requires_action') return { status: 'requires_action', providerPaymentId: failed.id };
        return {
          status: 'failed',
          providerPaymentId: failed?.id ?? null,
          failureCode: error.decline_code || error.code || 'card_declined',
          failureMessage: error.message || 'Your card was declined.',
        };
      }
      throw providerError(error);
    }
    switch (intent.status) {
      case 'succeeded':
        return { status: 'succeeded', providerPaymentId: intent.id };
      case 'requires_action':
        return { status: 'requires_action', providerPaymentId: intent.id };
      case 'requires_payment_method': {
        const last = intent.last_payment_error;
        return {
          status: 'failed',
          providerPaymentId: intent.id,
          failureCode: last?.decline_code || last?.code || 'card_declined',
          failureMessage: last?.message || 'Your card was declined.',
        };
      }
      case 'processing':
        throw new ProviderError('payment_processing', `The payment ${intent.id} is still processing; its outcome arrives by webhook.`);
      default:
        throw new ProviderError('provider_error', `The payment ${intent.id} ended in an unexpected state (${intent.status}).`);
    }
  }

  verifyWebhook(rawBody: string, signatureHeader: string | undefined): ProviderWebhookEvent {
    if (!signatureHeader) throw new WebhookSignatureError('The Stripe-Signature header is missing.');
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(rawBody, signatureHeader, this.#webhookSecret);
    } catch (error) {
      throw new WebhookSignatureError(
        error instanceof Stripe.errors.StripeSignatureVerificationError
          ? 'The webhook signature does not verify, or it is older than the 5 minutes allowed.'
          : 'The webhook body is not a Stripe event.',
      );
    }
    const object: unknown = event?.data?.object;
    if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number' || !object || typeof object !== 'object') {
      throw new WebhookSignatureError('The webhook body is not a Stripe event.');
    }
    return { id: event.id, type: event.type, createdAt: new Date(event.created * 1000), object: object as Record<string, unknown> };
  }
}

function apiAddress(apiUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

function toCard(id: string, card: Stripe.PaymentMethod.Card): ProviderCard {
  return { id, brand: card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year };
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw providerError(error);
  }
}

/** Our words for what went wrong; Stripe's request id is kept so support can find the request. */
function providerError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!(error instanceof Stripe.errors.StripeError)) return new ProviderError('provider_error', 'The payment provider failed unexpectedly.');
  const requestId = error.requestId ?? null;
  const { errors } = Stripe;
  if (error instanceof errors.StripeConnectionError) return new ProviderError('unreachable', 'The payment provider could not be reached.', requestId);
  if (error instanceof errors.StripeAuthenticationError) return new ProviderError('authentication_failed', 'The payment provider refused our credentials.', requestId);
  if (error instanceof errors.StripePermissionError) return new ProviderError('permission_denied', 'The payment provider does not allow this request with our credentials.', requestId);
  if (error instanceof errors.StripeRateLimitError) return new ProviderError('rate_limited', 'The payment provider asked us to slow down; try again shortly.', requestId);
  if (error instanceof errors.StripeIdempotencyError) return new ProviderError('idempotency_error', 'The idempotency key was already used with other parameters.', requestId);
  if (error instanceof errors.StripeInvalidRequestError) {
    if (error.code === 'resource_missing') return new ProviderError('resource_missing', 'The payment provider does not know the object asked for.', requestId);
    if (error.code === 'amount_too_small') return new ProviderError('amount_too_small', 'The amount is below the smallest charge the payment provider accepts.', requestId);
    return new ProviderError('invalid_request', 'The payment provider refused the request as invalid.', requestId);
  }
  if (error instanceof errors.StripeAPIError) return new ProviderError('provider_unavailable', 'The payment provider failed to answer; try again later.', requestId);
  return new ProviderError('provider_error', 'The payment provider refused the request.', requestId);
}
