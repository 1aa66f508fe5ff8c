/**
 * The one interface billing collects money through: Stripe, or the offline sandbox that behaves like
 * Stripe's test mode. Billing owns subscriptions and invoices; a provider only keeps customers and
 * payment methods and moves money. Card numbers never reach the platform: the browser hands them to
 * the provider (Stripe.js, or the sandbox form) and billing only ever sees payment method ids.
 */
export interface PaymentProvider {
  readonly kind: 'sandbox' | 'stripe';
  /** What the browser needs to confirm a setup intent: Stripe's publishable key; null for the sandbox. */
  readonly publishableKey: string | null;
  /** Card numbers the browser may use to try every outcome (the sandbox's); empty for Stripe. */
  readonly testCards: readonly TestCard[];

  createCustomer(input: { organizationId: string; email: string | null; name: string | null }, idempotencyKey: string): Promise<{ id: string }>;
  updateCustomer(customerId: string, input: { email: string | null; name: string | null }): Promise<void>;

  /** A setup intent whose client secret the browser confirms with a card. */
  createSetupIntent(customerId: string, idempotencyKey: string): Promise<{ id: string; clientSecret: string }>;
  /** The payment method a confirmed setup intent produced; null while it is not confirmed. */
  retrieveSetupIntent(setupIntentId: string): Promise<{ id: string; customerId: string; status: string; paymentMethod: ProviderCard | null }>;
  /** Detaching a method that is already detached succeeds and changes nothing. */
  detachPaymentMethod(paymentMethodId: string): Promise<void>;

  /**
   * Charges a saved payment method off-session. Resolves with the outcome, declines included; it only
   * rejects when the provider could not be reached or refused the request itself. The same idempotency
   * key returns the first outcome and never charges twice.
   */
  charge(input: ChargeInput, idempotencyKey: string): Promise<ChargeResult>;

  /**
   * Checks a webhook's signature over the raw body and returns the event. Throws
   * WebhookSignatureError when the signature is missing, wrong or too old.
   */
  verifyWebhook(rawBody: string, signatureHeader: string | undefined): ProviderWebhookEvent;
}

export interface TestCard {
  /** Grouped in fours, as printed on a card: `4242 4242 4242 4242`. */
  number: string;
  /** What happens when it is used, in a sentence. */
  outcome: string;
}

export interface ProviderCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface ChargeInput {
  customerId: string;
  paymentMethodId: string;
  amount: number;
  currency: string;
  description: string;
  /** Carried to the provider and back in webhooks: invoiceKey (the invoice's period key), organizationId, attempt. */
  metadata: Record<string, string>;
}

export type ChargeResult =
  | { status: 'succeeded'; providerPaymentId: string }
  | { status: 'failed'; providerPaymentId: string | null; failureCode: string; failureMessage: string }
  | { status: 'requires_action'; providerPaymentId: string };

/** The part of a provider's webhook event billing acts on. */
export interface ProviderWebhookEvent {
  id: string;
  type: string;
  /** When the provider created the event. */
  createdAt: Date;
  /** The event's object (`data.object` for Stripe). */
  object: Record<string, unknown>;
}

export class WebhookSignatureError extends Error {
  constructor(message = 'The webhook signature does not verify.') {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/**
 * Thrown when the provider cannot be reached or refuses the request (not for declines). The message
 * is ours, never the provider's own text. Codes: `unreachable`, `provider_unavailable`,
 * `authentication_failed`, `permission_denied`, `rate_limited`, `invalid_request`, `resource_missing`,
 * `amount_too_small` (below 50 cents or the currency's like), `idempotency_error`, `payment_processing`,
 * `provider_error`.
 */
export class ProviderError extends Error {
  readonly code: string;
  /** The provider's id of the failed request (Stripe's `request-id`), for support; null when unknown. */
  readonly requestId: string | null;
  constructor(code: string, message: string, requestId: string | null = null) {
    super(message);
    this.name = 'ProviderError';
    this.code = code;
    this.requestId = requestId;
  }
}
