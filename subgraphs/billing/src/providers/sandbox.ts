import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { newId, openDatabase, type Database, type DatabaseOptions, type EntityManager } from '@platform/kit';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SandboxCustomer, sandboxEntities, SandboxPaymentIntent, SandboxPaymentMethod, SandboxSetupIntent, type SandboxCardBehaviour } from '../entities/sandbox.ts';
import { ProviderError, WebhookSignatureError, type ChargeInput, type ChargeResult, type PaymentProvider, type ProviderCard, type ProviderWebhookEvent, type TestCard } from './provider.ts';

/** The sandbox's database: its SQLite file name, or its PostgreSQL schema. */
export const SANDBOX_DATABASE_NAME = 'billing_sandbox';

/**
 * Opens (and migrates) the sandbox's own database, beside billing's. It must not be billing's: on
 * SQLite a billing transaction holds the only connection while it waits for a charge, so a sandbox
 * transaction on that connection would wait for it in turn.
 */
export async function openSandboxDatabase(options: Omit<DatabaseOptions, 'name' | 'entities'>): Promise<Database> {
  const db = await openDatabase({ ...options, name: SANDBOX_DATABASE_NAME, entities: sandboxEntities });
  try {
    await db.migrate();
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

interface Decline {
  /** Stripe's error `code`. */
  code: string;
  /** Stripe's `decline_code`, when the issuer gave one. */
  declineCode: string | null;
  message: string;
}

const DECLINES = {
  generic: { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  insufficientFunds: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  expired: { code: 'expired_card', declineCode: null, message: 'Your card has expired.' },
} satisfies Record<string, Decline>;

interface TestCardSpec {
  number: string;
  brand: string;
  /** Refused when it is added, as Stripe refuses these cards on a setup intent; null: it attaches. */
  setupDecline: Decline | null;
  behaviour: SandboxCardBehaviour;
  outcome: string;
}

const TEST_CARDS: readonly TestCardSpec[] = [
  { number: '4242424242424242', brand: 'visa', setupDecline: null, behaviour: 'succeed', outcome: 'Visa: attaches, and every charge succeeds.' },
  { number: '5555555555554444', brand: 'mastercard', setupDecline: null, behaviour: 'succeed', outcome: 'Mastercard: attaches, and every charge succeeds.' },
  { number: '4000000000000002', brand: 'visa', setupDecline: DECLINES.generic, behaviour: 'decline', outcome: 'Declined when added: "Your card was declined." (generic_decline).' },
  {
    number: '4000000000009995',
    brand: 'visa',
    setupDecline: DECLINES.insufficientFunds,
    behaviour: 'insufficient_funds',
    outcome: 'Declined when added: "Your card has insufficient funds." (insufficient_funds).',
  },
  { number: '4000000000000341', brand: 'visa', setupDecline: null, behaviour: 'decline', outcome: 'Attaches, but every charge is declined (generic_decline).' },
];

/** Why a sandbox setup intent was not confirmed; the codes become the mutation's userErrors. */
export type SandboxSetupErrorCode =
  | 'INVALID_CLIENT_SECRET'
  | 'SETUP_INTENT_UNEXPECTED_STATE'
  | 'INVALID_CARD_NUMBER'
  | 'NOT_A_TEST_CARD'
  | 'INVALID_EXPIRY_MONTH'
  | 'INVALID_EXPIRY_YEAR'
  | 'EXPIRED_CARD'
  | 'INVALID_CVC'
  | 'CARD_DECLINED';

export interface SandboxSetupConfirmInput {
  setupIntentId: string;
  clientSecret: string;
  /** Spaces and dashes are ignored. Never stored or logged: only the brand and last 4 digits are kept. */
  cardNumber: string;
  expMonth: number;
  /** Four digits, or two (`30` is 2030). */
  expYear: number;
  cvc: string;
}

export type SandboxSetupConfirmResult =
  | { status: 'succeeded'; setupIntentId: string; paymentMethod: ProviderCard }
  | {
      status: 'failed';
      code: SandboxSetupErrorCode;
      message: string;
      /** The input field at fault, as a userError's `field`; null when no single field is. */
      field: string[] | null;
      /** For CARD_DECLINED: the issuer's reason, Stripe's `decline_code` (`generic_decline`, `insufficient_funds`). */
      declineCode: string | null;
    };

export interface SandboxProviderOptions {
  /** The current time, for record times and card expiry; default the system clock. */
  clock?: { now(): Date };
}

const MAX_KEY_LENGTH = 200;
const MAX_AMOUNT = 99_999_999;

/**
 * The embedded payment processor: Stripe's test mode, offline. It keeps customers, cards and payments
 * in its own database through its own entity manager and transactions, never the caller's, so a
 * billing transaction that rolls back does not undo a charge, exactly as with a remote processor.
 * Give it the root entity manager of the database `openSandboxDatabase()` opened.
 */
export class SandboxProvider implements PaymentProvider {
  readonly kind = 'sandbox' as const;
  readonly publishableKey = null;
  readonly testCards: readonly TestCard[] = TEST_CARDS.map((card) => ({ number: card.number.replace(/(\d{4})(?=\d)/g, '$1 '), outcome: card.outcome }));

  readonly #root: EntityManager;
  readonly #clock: { now(): Date };

  constructor(root: EntityManager, options: SandboxProviderOptions = {}) {
    this.#root = root;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  async createCustomer(input: { organizationId: string; email: string | null; name: string | null }, idempotencyKey: string): Promise<{ id: string }> {
    checkIdempotencyKey(idempotencyKey);
    checkContact(input);
    const hash = requestHash('customers.create', input.organizationId, input.email, input.name);
    const customer = await this.#once(
      idempotencyKey,
      hash,
      (em) => em.findOne(SandboxCustomer, { idempotencyKey }),
      async (em) =>
        em.create(SandboxCustomer, {
          id: newId('cus'),
          idempotencyKey,
          requestHash: hash,
          email: input.email,
          name: input.name,
          metadata: { organizationId: input.organizationId },
          createdAt: this.#clock.now(),
        }),
    );
    return { id: customer.id };
  }

  async updateCustomer(customerId: string, input: { email: string | null; name: string | null }): Promise<void> {
    checkContact(input);
    await this.#root.fork().transactional(async (em) => {
      const customer = await em.findOne(SandboxCustomer, { id: customerId });
      if (!customer) throw missing('customer', customerId);
      customer.email = input.email;
      customer.name = input.name;
    });
  }

  async createSetupIntent(customerId: string, idempotencyKey: string): Promise<{ id: string; clientSecret: string }> {
    checkIdempotencyKey(idempotencyKey);
    const hash = requestHash('setup_intents.create', customerId);
    const issued: { clientSecret?: string } = {};
    const intent = await this.#once(
      idempotencyKey,
      hash,
      (em) => em.findOne(SandboxSetupIntent, { idempotencyKey }),
      async (em) => {
        if (!(await em.findOne(SandboxCustomer, { id: customerId }))) throw missing('customer', customerId);
        const id = newId('seti');
        issued.clientSecret = `${id}_secret_${randomBytes(24).toString('hex')}`;
        return em.create(SandboxSetupIntent, {
          id,
          idempotencyKey,
          requestHash: hash,
          customerId,
          clientSecretHash: sha256(issued.clientSecret),
          status: 'requires_payment_method',
          paymentMethodId: null,
          lastError: null,
          createdAt: this.#clock.now(),
        });
      },
    );
    if (issued.clientSecret === undefined) {
      // A replay. Only the secret's hash is kept, so the replay hands out a fresh one; the first never
      // reached anyone, or the request would not have been repeated.
      issued.clientSecret = `${intent.id}_secret_${randomBytes(24).toString('hex')}`;
      await this.#root.fork().nativeUpdate(SandboxSetupIntent, { id: intent.id }, { clientSecretHash: sha256(issued.clientSecret) });
    }
    return { id: intent.id, clientSecret: issued.clientSecret };
  }

  async retrieveSetupIntent(setupIntentId: string): Promise<{ id: string; customerId: string; status: string; paymentMethod: ProviderCard | null }> {
    const em = this.#root.fork();
    const intent = await em.findOne(SandboxSetupIntent, { id: setupIntentId });
    if (!intent) throw missing('setup intent', setupIntentId);
    const method = intent.paymentMethodId ? await em.findOne(SandboxPaymentMethod, { id: intent.paymentMethodId }) : null;
    return { id: intent.id, customerId: intent.customerId, status: intent.status, paymentMethod: method ? card(method) : null };
  }

  /**
   * Confirms a setup intent with a card, as Stripe.js does with Stripe. Only the published test cards
   * are accepted; a refusal comes back as a failure with a code, never as an exception.
   */
  async confirmSetupIntent(input: SandboxSetupConfirmInput): Promise<SandboxSetupConfirmResult> {
    return this.#root.fork().transactional(async (em) => {
      const intent = await em.findOne(SandboxSetupIntent, { id: input.setupIntentId });
      if (!intent || !secretMatches(input.clientSecret, intent.clientSecretHash)) {
        return failure('INVALID_CLIENT_SECRET', 'No setup intent matches this id and client secret.', ['clientSecret']);
      }
      if (intent.status !== 'requires_payment_method') {
        return failure('SETUP_INTENT_UNEXPECTED_STATE', `This setup intent has already ${intent.status === 'succeeded' ? 'succeeded' : 'been canceled'}; start a new one.`, null);
      }
      const checked = checkCard(input, this.#clock.now());
      if ('code' in checked) return checked;
      const { spec, expMonth, expYear } = checked;
      if (spec.setupDecline) {
        intent.lastError = spec.setupDecline.message;
        return { ...failure('CARD_DECLINED', spec.setupDecline.message, ['cardNumber']), declineCode: spec.setupDecline.declineCode };
      }
      const method = em.create(SandboxPaymentMethod, {
        id: newId('pm'),
        customerId: intent.customerId,
        brand: spec.brand,
        last4: spec.number.slice(-4),
        expMonth,
        expYear,
        behaviour: spec.behaviour,
        createdAt: this.#clock.now(),
        detachedAt: null,
      });
      intent.status = 'succeeded';
      intent.paymentMethodId = method.id;
      intent.lastError = null;
      return { status: 'succeeded' as const, setupIntentId: intent.id, paymentMethod: card(method) };
    });
  }

  /** Detaching a card that is already detached changes nothing. */
  async detachPaymentMethod(paymentMethodId: string): Promise<void> {
    await this.#root.fork().transactional(async (em) => {
      const method = await em.findOne(SandboxPaymentMethod, { id: paymentMethodId });
      if (!method) throw missing('payment method', paymentMethodId);
      if (!method.detachedAt) method.detachedAt = this.#clock.now();
    });
  }

  async charge(input: ChargeInput, idempotencyKey: string): Promise<ChargeResult> {
    checkIdempotencyKey(idempotencyKey);
    checkCharge(input);
    const currency = input.currency.toUpperCase();
    const metadata = Object.fromEntries(Object.entries(input.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const hash = requestHash('payment_intents.create', input.customerId, input.paymentMethodId, input.amount, currency, input.description, metadata);
    const intent = await this.#once(
      idempotencyKey,
      hash,
      (em) => em.findOne(SandboxPaymentIntent, { idempotencyKey }),
      async (em) => {
        const customer = await em.findOne(SandboxCustomer, { id: input.customerId });
        if (!customer) throw missing('customer', input.customerId);
        const method = await em.findOne(SandboxPaymentMethod, { id: input.paymentMethodId });
        if (!method) throw missing('payment method', input.paymentMethodId);
        if (method.customerId !== customer.id || method.detachedAt) {
          throw new ProviderError('invalid_request', `The payment method '${method.id}' is not attached to customer '${customer.id}'.`);
        }
        const now = this.#clock.now();
        const decline = chargeDecline(method, now);
        return em.create(SandboxPaymentIntent, {
          id: newId('pi'),
          idempotencyKey,
          requestHash: hash,
          customerId: customer.id,
          paymentMethodId: method.id,
          amount: input.amount,
          currency,
          description: input.description || null,
          status: decline ? 'requires_payment_method' : 'succeeded',
          failureCode: decline ? (decline.declineCode ?? decline.code) : null,
          failureMessage: decline?.message ?? null,
          metadata,
          createdAt: now,
        });
      },
    );
    if (intent.status === 'succeeded') return { status: 'succeeded', providerPaymentId: intent.id };
    return { status: 'failed', providerPaymentId: intent.id, failureCode: intent.failureCode ?? 'card_declined', failureMessage: intent.failureMessage ?? DECLINES.generic.message };
  }

  verifyWebhook(_rawBody: string, _signatureHeader: string | undefined): ProviderWebhookEvent {
    throw new WebhookSignatureError('The sandbox sends no webhooks.');
  }

  /**
   * Runs a create request once per idempotency key: the same key with the same parameters returns
   * what the first request created, with other parameters it is refused, as Stripe does.
   */
  async #once<T extends { requestHash: string }>(
    key: string,
    hash: string,
    find: (em: EntityManager) => Promise<T | null>,
    create: (em: EntityManager) => Promise<T>,
  ): Promise<T> {
    const replay = (found: T): T => {
      if (found.requestHash !== hash) {
        throw new ProviderError('idempotency_error', `The idempotency key '${key}' was already used with other parameters.`);
      }
      return found;
    };
    const existing = await find(this.#root.fork());
    if (existing) return replay(existing);
    try {
      return await this.#root.fork().transactional((em) => create(em));
    } catch (error) {
      // Two requests with one key at once: the first to commit wins, the other replays it.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const winner = await find(this.#root.fork());
      if (!winner) throw error;
      return replay(winner);
    }
  }
}

function card(method: SandboxPaymentMethod): ProviderCard {
  return { id: method.id, brand: method.brand, last4: method.last4, expMonth: method.expMonth, expYear: method.expYear };
}

function failure(code: SandboxSetupErrorCode, message: string, field: string[] | null): Extract<SandboxSetupConfirmResult, { status: 'failed' }> {
  return { status: 'failed', code, message, field, declineCode: null };
}

type CheckedCard = { spec: TestCardSpec; expMonth: number; expYear: number } | Extract<SandboxSetupConfirmResult, { status: 'failed' }>;

/** Validates a card the way Stripe.js does, in the same order: number, expiry, security code. */
function checkCard(input: SandboxSetupConfirmInput, now: Date): CheckedCard {
  const digits = input.cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) return failure('INVALID_CARD_NUMBER', 'Your card number is invalid.', ['cardNumber']);
  const spec = TEST_CARDS.find((candidate) => candidate.number === digits);
  if (!spec) {
    return failure('NOT_A_TEST_CARD', 'The sandbox takes only its test cards, such as 4242 4242 4242 4242; no real card can be used here.', ['cardNumber']);
  }
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    return failure('INVALID_EXPIRY_MONTH', "Your card's expiration month is invalid.", ['expMonth']);
  }
  const expYear = Number.isInteger(input.expYear) && input.expYear >= 0 && input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  const thisYear = now.getUTCFullYear();
  if (!Number.isInteger(expYear) || expYear < 2000 || expYear > thisYear + 50) {
    return failure('INVALID_EXPIRY_YEAR', "Your card's expiration year is invalid.", ['expYear']);
  }
  if (expired(input.expMonth, expYear, now)) return failure('EXPIRED_CARD', DECLINES.expired.message, [expYear === thisYear ? 'expMonth' : 'expYear']);
  if (!/^\d{3,4}$/.test(input.cvc)) return failure('INVALID_CVC', "Your card's security code is invalid.", ['cvc']);
  return { spec, expMonth: input.expMonth, expYear };
}

/** A card is good through the last day of its expiry month. */
function expired(expMonth: number, expYear: number, now: Date): boolean {
  return expYear * 12 + expMonth < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function chargeDecline(method: SandboxPaymentMethod, now: Date): Decline | null {
  if (expired(method.expMonth, method.expYear, now)) return DECLINES.expired;
  if (method.behaviour === 'decline') return DECLINES.generic;
  if (method.behaviour === 'insufficient_funds') return DECLINES.insufficientFunds;
  return null;
}

function checkIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ProviderError('invalid_request', `An idempotency key must be 1 to ${MAX_KEY_LENGTH} characters long.`);
  }
}

function checkContact(input: { email: string | null; name: string | null }): void {
  if (input.email !== null && input.email.length > 254) throw new ProviderError('invalid_request', 'The email address is longer than 254 characters.');
  if (input.name !== null && input.name.length > 200) throw new ProviderError('invalid_request', 'The name is longer than 200 characters.');
}

function checkCharge(input: ChargeInput): void {
  if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > MAX_AMOUNT) {
    throw new ProviderError('invalid_request', `The amount must be a whole number of minor units from 1 to ${MAX_AMOUNT}.`);
  }
  if (!/^[A-Za-z]{3}$/.test(input.currency)) throw new ProviderError('invalid_request', `'${input.currency}' is not an ISO 4217 currency code.`);
  if (input.amount < minimumAmount(input.currency)) {
    throw new ProviderError('amount_too_small', `The amount is below the smallest charge accepted in ${input.currency.toUpperCase()} (${minimumAmount(input.currency)} minor units).`);
  }
  if (input.description.length > 1000) throw new ProviderError('invalid_request', 'The description is longer than 1000 characters.');
  const entries = Object.entries(input.metadata);
  if (entries.length > 50 || entries.some(([key, value]) => key.length === 0 || key.length > 40 || typeof value !== 'string' || value.length > 500)) {
    throw new ProviderError('invalid_request', 'Metadata takes at most 50 keys of up to 40 characters, with string values of up to 500.');
  }
}

/** Stripe's smallest charge: 50 minor units (cents, yen, ...), 30 pence in GBP. */
function minimumAmount(currency: string): number {
  return currency.toLowerCase() === 'gbp' ? 30 : 50;
}

function missing(what: string, id: string): ProviderError {
  return new ProviderError('resource_missing', `No such ${what}: '${id}'.`);
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(sha256(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function requestHash(operation: string, ...parameters: unknown[]): string {
  return sha256(JSON.stringify([operation, ...parameters]));
}
