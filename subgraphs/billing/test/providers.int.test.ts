import { backing } from '@platform/kit/test-config.ts';
import { createLogger, createScratchDatabase, KIT_ENTITIES, openDatabase, OutboxEvent, type Database, type ScratchDatabase } from '@platform/kit';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { SandboxPaymentIntent, SandboxPaymentMethod, sandboxEntities } from '../src/entities/sandbox.ts';
import { createPaymentProvider, ProviderError, SANDBOX_DATABASE_NAME, SandboxProvider, StripeProvider, WebhookSignatureError, type ChargeInput, type PaymentProvider, type ProviderCard, type ProviderWebhookEvent } from '../src/providers/index.ts';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const databaseUrl = backing.databaseUrl;
const nextYear = new Date().getUTCFullYear() + 1;

type CardName = 'visa' | 'mastercard' | 'declined' | 'insufficientFunds' | 'chargeFails';

const SANDBOX_NUMBERS: Record<CardName, string> = {
  visa: '4242 4242 4242 4242',
  mastercard: '5555 5555 5555 4444',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  chargeFails: '4000 0000 0000 0341',
};

const STRIPE_METHODS: Record<CardName, string> = {
  visa: 'pm_card_visa',
  mastercard: 'pm_card_mastercard',
  declined: 'pm_card_chargeDeclined',
  insufficientFunds: 'pm_card_chargeDeclinedInsufficientFunds',
  chargeFails: 'pm_card_chargeCustomerFail',
};

/** What the browser's form reports after confirming a setup intent: nothing, or the decline. */
interface SetupOutcome {
  setupIntentId: string;
  decline: { declineCode: string | null; message: string } | null;
}

/** One provider under the contract, with the means a test needs to drive its far side. */
interface Harness {
  provider: PaymentProvider;
  /** Confirms a new setup intent with a test card, as the browser does. */
  confirmCard(customerId: string, card: CardName): Promise<SetupOutcome>;
  /** Makes a saved card decline from now on for lack of funds, as a real card can. */
  runOutOfFunds(paymentMethodId: string): Promise<void>;
  /** Payments the provider has on its side. */
  paymentCount(): Promise<number>;
  close(): Promise<void>;
}

const key = (label: string) => `${label}:${randomBytes(6).toString('hex')}`;

async function openTestSandboxDatabase(): Promise<{ db: Database; scratch?: ScratchDatabase }> {
  const scratch = databaseUrl ? await createScratchDatabase(databaseUrl, 'test') : undefined;
  const db = await openDatabase({
    name: SANDBOX_DATABASE_NAME,
    entities: sandboxEntities,
    migrations: { sqlite: [], postgresql: [] },
    inMemory: !scratch,
    databaseUrl: scratch?.url,
    logger,
  });
  if (db.dialect === 'postgresql') await db.em.getConnection().execute(`create schema if not exists "${SANDBOX_DATABASE_NAME}"`);
  await db.orm.schema.create();
  return { db, scratch };
}

async function sandboxHarness(clock?: { now(): Date }): Promise<Harness & { sandbox: SandboxProvider; db: Database }> {
  const { db, scratch } = await openTestSandboxDatabase();
  const sandbox = new SandboxProvider(db.em, { clock });
  return {
    provider: sandbox,
    sandbox,
    db,
    async confirmCard(customerId, card) {
      const intent = await sandbox.createSetupIntent(customerId, key('setup'));
      const result = await sandbox.confirmSetupIntent({
        setupIntentId: intent.id,
        clientSecret: intent.clientSecret,
        cardNumber: SANDBOX_NUMBERS[card],
        expMonth: 12,
        expYear: nextYear,
        cvc: '123',
      });
      if (result.status === 'succeeded') return { setupIntentId: intent.id, decline: null };
      expect(result.code).toBe('CARD_DECLINED');
      return { setupIntentId: intent.id, decline: { declineCode: result.declineCode, message: result.message } };
    },
    async runOutOfFunds(paymentMethodId) {
      await db.em.fork().nativeUpdate(SandboxPaymentMethod, { id: paymentMethodId }, { behaviour: 'insufficient_funds' });
    },
    paymentCount: () => db.em.fork().count(SandboxPaymentIntent, {}),
    async close() {
      await db.close();
      await scratch?.drop();
    },
  };
}

async function stripeHarness(): Promise<Harness & { fake: FakeStripe; stripe: StripeProvider }> {
  const fake = await startFakeStripe();
  const stripe = new StripeProvider({ secretKey: fake.secretKey, publishableKey: fake.publishableKey, webhookSecret: fake.webhookSecret, apiUrl: fake.url });
  return {
    provider: stripe,
    stripe,
    fake,
    async confirmCard(customerId, card) {
      const intent = await stripe.createSetupIntent(customerId, key('setup'));
      const confirmed = await fake.confirmSetupIntent(intent.id, intent.clientSecret, STRIPE_METHODS[card]);
      if (confirmed.status === 200) return { setupIntentId: intent.id, decline: null };
      expect(confirmed.status).toBe(402);
      const error = confirmed.body.error as { code: string; decline_code?: string; message: string };
      expect(error.code).toBe('card_declined');
      return { setupIntentId: intent.id, decline: { declineCode: error.decline_code ?? null, message: error.message } };
    },
    async runOutOfFunds(paymentMethodId) {
      fake.setBehaviour(paymentMethodId, 'insufficient_funds');
    },
    paymentCount: async () => fake.paymentIntents().length,
    close: () => fake.close(),
  };
}

describe.each([
  ['the sandbox', () => sandboxHarness()],
  ['Stripe (through the SDK, against a local Stripe)', () => stripeHarness()],
] as const)('payment provider contract: %s', (_name, start) => {
  let harness: Harness;
  let provider: PaymentProvider;

  beforeAll(async () => {
    harness = await start();
    provider = harness.provider;
  });
  afterAll(() => harness.close());

  const newCustomer = async () => (await provider.createCustomer({ organizationId: `org_${randomBytes(4).toString('hex')}`, email: 'billing@acme.test', name: 'Acme' }, key('customer'))).id;

  async function savedCard(customerId: string, card: CardName): Promise<ProviderCard> {
    const outcome = await harness.confirmCard(customerId, card);
    expect(outcome.decline).toBeNull();
    const intent = await provider.retrieveSetupIntent(outcome.setupIntentId);
    expect(intent.paymentMethod).not.toBeNull();
    return intent.paymentMethod!;
  }

  const chargeInput = (customerId: string, paymentMethodId: string, amount = 2900): ChargeInput => ({
    customerId,
    paymentMethodId,
    amount,
    currency: 'USD',
    description: 'Invoice INV-0001',
    metadata: { invoiceId: 'inv_test', organizationId: 'org_test' },
  });

  it('creates a customer once per idempotency key, and refuses the key with other parameters', async () => {
    const idempotencyKey = key('customer');
    const input = { organizationId: 'org_once', email: 'a@acme.test', name: 'Acme' };
    const first = await provider.createCustomer(input, idempotencyKey);
    const again = await provider.createCustomer(input, idempotencyKey);
    expect(first.id).toMatch(/^cus_\w+$/);
    expect(again.id).toBe(first.id);
    await expect(provider.createCustomer({ ...input, email: 'b@acme.test' }, idempotencyKey)).rejects.toMatchObject({ name: 'ProviderError', code: 'idempotency_error' });
  });

  it('updates a customer, and says resource_missing for one it does not know', async () => {
    const customerId = await newCustomer();
    await expect(provider.updateCustomer(customerId, { email: null, name: 'Acme Ltd' })).resolves.toBeUndefined();
    await expect(provider.updateCustomer('cus_unknown', { email: null, name: null })).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it('hands out a setup intent that has no card until the browser confirms it', async () => {
    const customerId = await newCustomer();
    const intent = await provider.createSetupIntent(customerId, key('setup'));
    expect(intent.id).toMatch(/^seti_\w+$/);
    expect(intent.clientSecret).toMatch(new RegExp(`^${intent.id}_secret_\\w+$`));
    await expect(provider.retrieveSetupIntent(intent.id)).resolves.toEqual({ id: intent.id, customerId, status: 'requires_payment_method', paymentMethod: null });
    await expect(provider.createSetupIntent('cus_unknown', key('setup'))).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(provider.retrieveSetupIntent('seti_unknown')).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it('attaches a confirmed card and reports only its brand, last 4 digits and expiry', async () => {
    const customerId = await newCustomer();
    const outcome = await harness.confirmCard(customerId, 'visa');
    const intent = await provider.retrieveSetupIntent(outcome.setupIntentId);
    expect(intent).toEqual({
      id: outcome.setupIntentId,
      customerId,
      status: 'succeeded',
      paymentMethod: { id: expect.stringMatching(/^pm_\w+$/), brand: 'visa', last4: '4242', expMonth: 12, expYear: expect.any(Number) },
    });
    expect((await savedCard(customerId, 'mastercard')).brand).toBe('mastercard');
  });

  it('refuses the declined card when it is added, as Stripe does', async () => {
    const customerId = await newCustomer();
    const outcome = await harness.confirmCard(customerId, 'declined');
    expect(outcome.decline).toEqual({ declineCode: 'generic_decline', message: 'Your card was declined.' });
    await expect(provider.retrieveSetupIntent(outcome.setupIntentId)).resolves.toMatchObject({ status: 'requires_payment_method', paymentMethod: null });
  });

  it('refuses the insufficient-funds card when it is added', async () => {
    const customerId = await newCustomer();
    const outcome = await harness.confirmCard(customerId, 'insufficientFunds');
    expect(outcome.decline).toEqual({ declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' });
    await expect(provider.retrieveSetupIntent(outcome.setupIntentId)).resolves.toMatchObject({ status: 'requires_payment_method', paymentMethod: null });
  });

  it('charges a good card off-session', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'visa');
    const result = await provider.charge(chargeInput(customerId, card.id), key('inv:attempt:1'));
    expect(result).toEqual({ status: 'succeeded', providerPaymentId: expect.stringMatching(/^pi_\w+$/) });
  });

  it('attaches the 0341 card but declines every charge on it', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'chargeFails');
    expect(card.last4).toBe('0341');
    for (const attempt of [1, 2]) {
      const result = await provider.charge(chargeInput(customerId, card.id), key(`inv:attempt:${attempt}`));
      expect(result).toEqual({ status: 'failed', providerPaymentId: expect.stringMatching(/^pi_\w+$/), failureCode: 'generic_decline', failureMessage: 'Your card was declined.' });
    }
  });

  it('declines with insufficient_funds once an attached card runs out of money', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'visa');
    await harness.runOutOfFunds(card.id);
    const result = await provider.charge(chargeInput(customerId, card.id), key('inv:attempt:1'));
    expect(result).toEqual({ status: 'failed', providerPaymentId: expect.stringMatching(/^pi_\w+$/), failureCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.' });
  });

  it('charges once per idempotency key: the same key returns the first outcome', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'visa');
    const before = await harness.paymentCount();
    const idempotencyKey = key('inv:attempt:1');
    const first = await provider.charge(chargeInput(customerId, card.id), idempotencyKey);
    const second = await provider.charge(chargeInput(customerId, card.id), idempotencyKey);
    expect(second).toEqual(first);
    expect(await harness.paymentCount()).toBe(before + 1);
    await expect(provider.charge(chargeInput(customerId, card.id, 3100), idempotencyKey)).rejects.toMatchObject({ code: 'idempotency_error' });
    expect(await harness.paymentCount()).toBe(before + 1);
  });

  it('replays a decline for the same key instead of trying the card again', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'chargeFails');
    const before = await harness.paymentCount();
    const idempotencyKey = key('inv:attempt:1');
    const first = await provider.charge(chargeInput(customerId, card.id), idempotencyKey);
    expect(first.status).toBe('failed');
    await expect(provider.charge(chargeInput(customerId, card.id), idempotencyKey)).resolves.toEqual(first);
    expect(await harness.paymentCount()).toBe(before + 1);
  });

  it('refuses a charge below the smallest amount card networks take', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'visa');
    await expect(provider.charge(chargeInput(customerId, card.id, 49), key('inv:attempt:1'))).rejects.toMatchObject({ code: 'amount_too_small' });
  });

  it('detaches a card (twice is harmless) and then refuses to charge it', async () => {
    const customerId = await newCustomer();
    const card = await savedCard(customerId, 'visa');
    await provider.detachPaymentMethod(card.id);
    await provider.detachPaymentMethod(card.id);
    const charge = provider.charge(chargeInput(customerId, card.id), key('inv:attempt:1'));
    await expect(charge).rejects.toBeInstanceOf(ProviderError);
    await expect(charge).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(provider.detachPaymentMethod('pm_unknown')).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it("refuses to charge one customer's card to another customer", async () => {
    const owner = await newCustomer();
    const card = await savedCard(owner, 'visa');
    const other = await newCustomer();
    await expect(provider.charge(chargeInput(other, card.id), key('inv:attempt:1'))).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('SandboxProvider', () => {
  let harness: Awaited<ReturnType<typeof sandboxHarness>>;
  let sandbox: SandboxProvider;
  let customerId: string;
  const refused: string[] = [];

  beforeAll(async () => {
    harness = await sandboxHarness();
    sandbox = harness.sandbox;
    customerId = (await sandbox.createCustomer({ organizationId: 'org_sandbox', email: null, name: null }, key('customer'))).id;
  });
  afterAll(() => harness.close());

  async function confirm(card: Partial<{ cardNumber: string; expMonth: number; expYear: number; cvc: string; clientSecret: string }>) {
    const intent = await sandbox.createSetupIntent(customerId, key('setup'));
    if (card.cardNumber) refused.push(card.cardNumber.replace(/\D/g, ''));
    return sandbox.confirmSetupIntent({ setupIntentId: intent.id, clientSecret: intent.clientSecret, cardNumber: '4242424242424242', expMonth: 12, expYear: nextYear, cvc: '123', ...card });
  }

  it('lists its test cards for the web app, grouped in fours', () => {
    expect(sandbox.kind).toBe('sandbox');
    expect(sandbox.publishableKey).toBeNull();
    expect(sandbox.testCards.map((card) => card.number)).toEqual(['4242 4242 4242 4242', '5555 5555 5555 4444', '4000 0000 0000 0002', '4000 0000 0000 9995', '4000 0000 0000 0341']);
    for (const card of sandbox.testCards) expect(card.outcome.length).toBeGreaterThan(10);
  });

  it('takes a test card typed with spaces, dashes and a two-digit year', async () => {
    const result = await confirm({ cardNumber: '5555-5555 5555-4444', expYear: nextYear % 100, cvc: '1234' });
    expect(result).toMatchObject({ status: 'succeeded', paymentMethod: { brand: 'mastercard', last4: '4444', expMonth: 12, expYear: nextYear } });
  });

  it.each([
    ['a real card number (Luhn-valid, not a test card)', { cardNumber: '4111 1111 1111 1111' }, 'NOT_A_TEST_CARD', ['cardNumber']],
    ['a number that fails the Luhn check', { cardNumber: '4242 4242 4242 4241' }, 'INVALID_CARD_NUMBER', ['cardNumber']],
    ['letters in the number', { cardNumber: '4242 4242 abcd 4242' }, 'INVALID_CARD_NUMBER', ['cardNumber']],
    ['month 13', { expMonth: 13 }, 'INVALID_EXPIRY_MONTH', ['expMonth']],
    ['an expired card', { expMonth: 1, expYear: new Date().getUTCFullYear() - 1 }, 'EXPIRED_CARD', ['expYear']],
    ['a year too far ahead', { expYear: new Date().getUTCFullYear() + 60 }, 'INVALID_EXPIRY_YEAR', ['expYear']],
    ['a two-digit security code', { cvc: '12' }, 'INVALID_CVC', ['cvc']],
    ['a five-digit security code', { cvc: '12345' }, 'INVALID_CVC', ['cvc']],
    ['letters in the security code', { cvc: '12a' }, 'INVALID_CVC', ['cvc']],
    ['a wrong client secret', { clientSecret: 'seti_x_secret_guess' }, 'INVALID_CLIENT_SECRET', ['clientSecret']],
  ])('refuses %s', async (_name, card, code, field) => {
    const result = await confirm(card);
    expect(result).toMatchObject({ status: 'failed', code, field, message: expect.any(String) });
  });

  it('says a setup intent it does not know has no matching secret', async () => {
    await expect(sandbox.confirmSetupIntent({ setupIntentId: 'seti_unknown', clientSecret: 'x', cardNumber: '4242424242424242', expMonth: 12, expYear: nextYear, cvc: '123' })).resolves.toMatchObject({
      code: 'INVALID_CLIENT_SECRET',
    });
  });

  it('confirms a setup intent only once, and lets a declined one try another card', async () => {
    const intent = await sandbox.createSetupIntent(customerId, key('setup'));
    const base = { setupIntentId: intent.id, clientSecret: intent.clientSecret, expMonth: 12, expYear: nextYear, cvc: '123' };
    await expect(sandbox.confirmSetupIntent({ ...base, cardNumber: '4000000000000002' })).resolves.toMatchObject({ status: 'failed', code: 'CARD_DECLINED', declineCode: 'generic_decline' });
    await expect(sandbox.confirmSetupIntent({ ...base, cardNumber: '4242424242424242' })).resolves.toMatchObject({ status: 'succeeded' });
    await expect(sandbox.confirmSetupIntent({ ...base, cardNumber: '4242424242424242' })).resolves.toMatchObject({ status: 'failed', code: 'SETUP_INTENT_UNEXPECTED_STATE' });
  });

  it('replays a setup intent for its key with a fresh client secret, the first one no longer working', async () => {
    const idempotencyKey = key('setup');
    const first = await sandbox.createSetupIntent(customerId, idempotencyKey);
    const replay = await sandbox.createSetupIntent(customerId, idempotencyKey);
    expect(replay.id).toBe(first.id);
    expect(replay.clientSecret).not.toBe(first.clientSecret);
    const card = { setupIntentId: first.id, cardNumber: '4242424242424242', expMonth: 12, expYear: nextYear, cvc: '123' };
    await expect(sandbox.confirmSetupIntent({ ...card, clientSecret: first.clientSecret })).resolves.toMatchObject({ code: 'INVALID_CLIENT_SECRET' });
    await expect(sandbox.confirmSetupIntent({ ...card, clientSecret: replay.clientSecret })).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('charges once when the same key arrives several times at once', async () => {
    const card = await confirm({});
    if (card.status !== 'succeeded') throw new Error('the card did not attach');
    const idempotencyKey = key('inv:attempt:1');
    const input: ChargeInput = { customerId, paymentMethodId: card.paymentMethod.id, amount: 5000, currency: 'eur', description: '', metadata: {} };
    const results = await Promise.all(Array.from({ length: 5 }, () => sandbox.charge(input, idempotencyKey)));
    expect(new Set(results.map((result) => result.status === 'succeeded' && result.providerPaymentId)).size).toBe(1);
    expect(await harness.db.em.fork().count(SandboxPaymentIntent, { idempotencyKey })).toBe(1);
    const stored = await harness.db.em.fork().findOneOrFail(SandboxPaymentIntent, { idempotencyKey });
    expect(stored).toMatchObject({ amount: 5000, currency: 'EUR', status: 'succeeded' });
  });

  it('keeps a charge when the caller’s own transaction rolls back, like a remote processor', async () => {
    const card = await confirm({});
    if (card.status !== 'succeeded') throw new Error('the card did not attach');
    const billing = await openDatabase({ name: 'billing', entities: KIT_ENTITIES, migrations: { sqlite: [], postgresql: [] }, inMemory: true, logger });
    try {
      await billing.orm.schema.create();
      const em = billing.em.fork();
      await em.begin();
      em.create(OutboxEvent, { id: 'evt_rolled_back', type: 'invoice.paid', organizationId: null, payload: {}, requestId: null, occurredAt: new Date(), publishedAt: null });
      await em.flush();
      const idempotencyKey = key('inv:attempt:1');
      const result = await sandbox.charge({ customerId, paymentMethodId: card.paymentMethod.id, amount: 1200, currency: 'USD', description: 'x', metadata: {} }, idempotencyKey);
      await em.rollback();
      expect(result.status).toBe('succeeded');
      expect(await billing.em.fork().count(OutboxEvent, {})).toBe(0);
      expect(await harness.db.em.fork().count(SandboxPaymentIntent, { idempotencyKey })).toBe(1);
    } finally {
      await billing.close();
    }
  });

  it('declines a card that expired since it was attached', async () => {
    const card = await confirm({ expMonth: 12, expYear: nextYear });
    if (card.status !== 'succeeded') throw new Error('the card did not attach');
    const later = new SandboxProvider(harness.db.em, { clock: { now: () => new Date(Date.UTC(nextYear + 1, 0, 1)) } });
    const result = await later.charge({ customerId, paymentMethodId: card.paymentMethod.id, amount: 1200, currency: 'USD', description: 'x', metadata: {} }, key('inv:attempt:1'));
    expect(result).toMatchObject({ status: 'failed', failureCode: 'expired_card', failureMessage: 'Your card has expired.' });
  });

  it('refuses webhooks: the sandbox sends none', () => {
    expect(() => sandbox.verifyWebhook('{}', 't=1,v1=abc')).toThrow(WebhookSignatureError);
  });

  it('never stores a card number or a client secret, not even of refused cards', async () => {
    const intent = await sandbox.createSetupIntent(customerId, key('setup'));
    for (const number of Object.values(SANDBOX_NUMBERS)) {
      await sandbox.confirmSetupIntent({ setupIntentId: intent.id, clientSecret: intent.clientSecret, cardNumber: number, expMonth: 12, expYear: nextYear, cvc: '123' });
    }
    const connection = harness.db.em.getConnection();
    const tables =
      harness.db.dialect === 'sqlite'
        ? (await connection.execute<{ name: string }[]>("select name from sqlite_master where type = 'table'")).map((row) => `"${row.name}"`)
        : (await connection.execute<{ table_name: string }[]>(`select table_name from information_schema.tables where table_schema = '${SANDBOX_DATABASE_NAME}'`)).map(
            (row) => `"${SANDBOX_DATABASE_NAME}"."${row.table_name}"`,
          );
    expect(tables.length).toBeGreaterThanOrEqual(4);
    let dump = '';
    for (const table of tables) dump += JSON.stringify(await connection.execute(`select * from ${table}`));
    expect(dump).toContain('4242');
    const numbers = [...Object.values(SANDBOX_NUMBERS).map((number) => number.replace(/\s/g, '')), ...refused].filter((number) => number.length >= 12);
    expect(numbers.length).toBeGreaterThan(5);
    for (const number of numbers) {
      expect(dump).not.toContain(number);
      expect(dump).not.toContain(number.slice(0, 12));
    }
    expect(dump).not.toContain(intent.clientSecret);
  });
});

describe('StripeProvider', () => {
  let harness: Awaited<ReturnType<typeof stripeHarness>>;
  let fake: FakeStripe;
  let stripe: StripeProvider;

  beforeAll(async () => {
    harness = await stripeHarness();
    fake = harness.fake;
    stripe = harness.stripe;
  });
  afterAll(() => harness.close());

  const requestsWith = (idempotencyKey: string) => fake.requests.filter((request) => request.idempotencyKey === idempotencyKey);

  async function customerWithCard(card: 'visa' | 'chargeFails' = 'visa') {
    const customerId = (await stripe.createCustomer({ organizationId: 'org_acme', email: 'billing@acme.test', name: 'Acme' }, key('customer'))).id;
    const outcome = await harness.confirmCard(customerId, card);
    const intent = await stripe.retrieveSetupIntent(outcome.setupIntentId);
    return { customerId, card: intent.paymentMethod! };
  }

  it('sends the idempotency key and Stripe’s parameters with every create', async () => {
    const customerKey = key('customer');
    const customer = await stripe.createCustomer({ organizationId: 'org_acme', email: 'billing@acme.test', name: null }, customerKey);
    expect(requestsWith(customerKey)).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/customers', auth: 'secret', status: 200, params: { email: 'billing@acme.test', metadata: { organizationId: 'org_acme' } } }),
    ]);

    const setupKey = key('setup');
    const intent = await stripe.createSetupIntent(customer.id, setupKey);
    expect(requestsWith(setupKey)).toEqual([
      expect.objectContaining({ path: '/v1/setup_intents', params: { customer: customer.id, usage: 'off_session', allowed_payment_method_types: ['card'] } }),
    ]);
    await fake.confirmSetupIntent(intent.id, intent.clientSecret, 'pm_card_visa');
    const retrieved = await stripe.retrieveSetupIntent(intent.id);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/setup_intents/${intent.id}`, params: { expand: ['payment_method'] } });

    const chargeKey = `inv_${randomBytes(4).toString('hex')}:attempt:1`;
    await stripe.charge(
      { customerId: customer.id, paymentMethodId: retrieved.paymentMethod!.id, amount: 2900, currency: 'USD', description: 'Invoice INV-0001', metadata: { invoiceId: 'inv_1' } },
      chargeKey,
    );
    expect(requestsWith(chargeKey)).toEqual([
      expect.objectContaining({
        path: '/v1/payment_intents',
        params: { amount: '2900', currency: 'usd', customer: customer.id, payment_method: retrieved.paymentMethod!.id, off_session: 'true', confirm: 'true', metadata: { invoiceId: 'inv_1' }, description: 'Invoice INV-0001' },
      }),
    ]);
    expect(fake.requests.filter((request) => request.method === 'POST').every((request) => request.auth !== 'secret' || request.idempotencyKey)).toBe(true);
  });

  it('unsets a customer’s email with the empty string Stripe expects', async () => {
    const customerId = (await stripe.createCustomer({ organizationId: 'org_acme', email: 'old@acme.test', name: 'Acme' }, key('customer'))).id;
    await stripe.updateCustomer(customerId, { email: null, name: 'Acme Ltd' });
    expect(fake.customers().find((customer) => customer.id === customerId)).toMatchObject({ email: null, name: 'Acme Ltd' });
  });

  it('retries a charge that met a server error with the same idempotency key, and charges once', async () => {
    const { customerId, card } = await customerWithCard();
    const chargeKey = key('inv:attempt:1');
    const before = fake.paymentIntents().length;
    fake.failNext(1, 500);
    const result = await stripe.charge({ customerId, paymentMethodId: card.id, amount: 2900, currency: 'usd', description: 'x', metadata: {} }, chargeKey);
    expect(result.status).toBe('succeeded');
    expect(requestsWith(chargeKey).map((request) => request.status)).toEqual([500, 200]);
    expect(fake.paymentIntents().length).toBe(before + 1);
  });

  it('turns an outage into a ProviderError that repeats nothing Stripe said', async () => {
    const { customerId, card } = await customerWithCard();
    fake.failNext(10, 503);
    const error = await stripe.charge({ customerId, paymentMethodId: card.id, amount: 2900, currency: 'usd', description: 'x', metadata: {} }, key('inv:attempt:1')).catch((caught: unknown) => caught);
    fake.failNext(0);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_unavailable', requestId: expect.stringMatching(/^req_/) });
    expect((error as Error).message).not.toMatch(/shard|sk_test/);
  });

  it('says authentication_failed for a wrong secret key, without quoting it', async () => {
    const wrongKey = `sk_test_${randomBytes(12).toString('hex')}`;
    const provider = new StripeProvider({ secretKey: wrongKey, publishableKey: fake.publishableKey, webhookSecret: fake.webhookSecret, apiUrl: fake.url });
    const error = await provider.createCustomer({ organizationId: 'org_x', email: null, name: null }, key('customer')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ProviderError', code: 'authentication_failed' });
    expect((error as Error).message).not.toContain(wrongKey.slice(-4));
  });

  it('says unreachable when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const provider = new StripeProvider({ secretKey: fake.secretKey, publishableKey: fake.publishableKey, webhookSecret: fake.webhookSecret, apiUrl: `http://127.0.0.1:${port}`, maxNetworkRetries: 0 });
    await expect(provider.createCustomer({ organizationId: 'org_x', email: null, name: null }, key('customer'))).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('reports requires_action when the bank asks for authentication, and authentication_required when it declines for it', async () => {
    const { customerId, card } = await customerWithCard();
    const input: ChargeInput = { customerId, paymentMethodId: card.id, amount: 2900, currency: 'usd', description: 'x', metadata: {} };
    fake.setBehaviour(card.id, 'requires_action');
    await expect(stripe.charge(input, key('inv:attempt:1'))).resolves.toEqual({ status: 'requires_action', providerPaymentId: expect.stringMatching(/^pi_/) });
    fake.setBehaviour(card.id, 'authentication_required');
    await expect(stripe.charge(input, key('inv:attempt:2'))).resolves.toMatchObject({ status: 'failed', failureCode: 'authentication_required' });
  });

  describe('webhooks', () => {
    const event = { type: 'payment_intent.succeeded', object: { id: 'pi_123', object: 'payment_intent', metadata: { invoiceId: 'inv_1' } } };

    it('parses an event whose signature verifies', () => {
      const { payload, header, event: sent } = fake.signedWebhook(event);
      expect(stripe.verifyWebhook(payload, header)).toEqual({ id: sent.id, type: 'payment_intent.succeeded', createdAt: new Date(sent.created * 1000), object: event.object });
    });

    it('refuses a signature made with another secret', () => {
      const { payload, header } = fake.signedWebhook(event, { secret: 'whsec_forged' });
      expect(() => stripe.verifyWebhook(payload, header)).toThrow(WebhookSignatureError);
    });

    it('refuses every event when it is configured with the wrong secret', () => {
      const misconfigured = new StripeProvider({ secretKey: fake.secretKey, publishableKey: fake.publishableKey, webhookSecret: 'whsec_wrong', apiUrl: fake.url });
      const { payload, header } = fake.signedWebhook(event);
      expect(() => misconfigured.verifyWebhook(payload, header)).toThrow(WebhookSignatureError);
    });

    it('refuses a signature older than five minutes', () => {
      const stale = fake.signedWebhook(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
      expect(() => stripe.verifyWebhook(stale.payload, stale.header)).toThrow(WebhookSignatureError);
      const recent = fake.signedWebhook(event, { timestamp: Math.floor(Date.now() / 1000) - 240 });
      expect(stripe.verifyWebhook(recent.payload, recent.header).type).toBe('payment_intent.succeeded');
    });

    it('refuses a body changed after signing, and a missing or malformed header', () => {
      const { payload, header } = fake.signedWebhook(event);
      expect(() => stripe.verifyWebhook(payload.replace('inv_1', 'inv_2'), header)).toThrow(WebhookSignatureError);
      expect(() => stripe.verifyWebhook(payload, undefined)).toThrow(WebhookSignatureError);
      expect(() => stripe.verifyWebhook(payload, 'garbage')).toThrow(WebhookSignatureError);
    });

    it('delivers the events its API calls produce, signed so the provider accepts them', async () => {
      const received: ProviderWebhookEvent[] = [];
      const receiver: Server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          try {
            received.push(stripe.verifyWebhook(Buffer.concat(chunks).toString('utf8'), request.headers['stripe-signature'] as string | undefined));
            response.writeHead(200).end();
          } catch {
            response.writeHead(400).end();
          }
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
      try {
        fake.setWebhookUrl(endpoint);
        const { customerId, card } = await customerWithCard('chargeFails');
        const result = await stripe.charge({ customerId, paymentMethodId: card.id, amount: 2900, currency: 'usd', description: 'x', metadata: { invoiceId: 'inv_9' } }, key('inv:attempt:1'));
        await fake.webhooksDelivered();
        expect(fake.deliveries.length).toBeGreaterThan(0);
        expect(fake.deliveries.every((delivery) => delivery.status === 200)).toBe(true);
        const failed = received.find((delivered) => delivered.type === 'payment_intent.payment_failed');
        expect(failed?.object).toMatchObject({ id: result.providerPaymentId, metadata: { invoiceId: 'inv_9' }, last_payment_error: { decline_code: 'generic_decline' } });
        expect(received.map((delivered) => delivered.type)).toEqual(expect.arrayContaining(['customer.created', 'setup_intent.succeeded', 'payment_method.attached']));
        expect((await fake.sendWebhook(endpoint, event)).status).toBe(200);
        expect((await fake.sendWebhook(endpoint, event, { secret: 'whsec_forged' })).status).toBe(400);
      } finally {
        fake.setWebhookUrl(null);
        receiver.closeAllConnections();
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
      }
    });
  });
});

describe('createPaymentProvider', () => {
  it('makes the provider the settings choose', async () => {
    const stripe = createPaymentProvider({ kind: 'stripe', secretKey: 'sk_test_x', publishableKey: 'pk_test_x', webhookSecret: 'whsec_x' });
    expect(stripe).toBeInstanceOf(StripeProvider);
    expect(stripe).toMatchObject({ kind: 'stripe', publishableKey: 'pk_test_x', testCards: [] });
    expect(() => createPaymentProvider({ kind: 'sandbox' })).toThrow(/openSandboxDatabase/);
    const { db, scratch } = await openTestSandboxDatabase();
    try {
      expect(createPaymentProvider({ kind: 'sandbox' }, db)).toBeInstanceOf(SandboxProvider);
    } finally {
      await db.close();
      await scratch?.drop();
    }
  });
});
