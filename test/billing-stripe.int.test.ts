import { startFakeStripe, type FakeStripe } from '../subgraphs/billing/test/support/fake-stripe.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { billingDocuments, billingOf } from './support/billing.ts';
import { given } from './support/seed.ts';

/*
 * Billing on the production path: the real `stripe` SDK talks HTTP to a local server that speaks the
 * Stripe endpoints we call, and that server signs and delivers webhooks to the gateway's /webhooks/stripe.
 */
let stripe: FakeStripe;
let platform: TestPlatform;

beforeAll(async () => {
  stripe = await startFakeStripe();
  platform = await startTestPlatform({
    PAYMENT_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_PUBLISHABLE_KEY: stripe.publishableKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_URL: stripe.url,
  });
  stripe.setWebhookUrl(`${platform.url}/webhooks/stripe`);
});
afterAll(async () => {
  await platform.close();
  await stripe.close();
});

/** Adds a card as the web app does with Stripe.js: setup intent, confirmation by Stripe, then complete. */
async function addStripeCard(billing: ReturnType<typeof billingOf>, testPaymentMethod: string) {
  const started = (await billing.call<any>(billingDocuments.setupStart)).paymentMethodSetupStart;
  expect(started.provider.kind).toBe('STRIPE');
  const confirmed = await stripe.confirmSetupIntent(started.setupIntentId, started.clientSecret, testPaymentMethod);
  expect(confirmed.status).toBe(200);
  return (await billing.call<any>(billingDocuments.setupComplete, { input: { setupIntentId: started.setupIntentId } })).paymentMethodSetupComplete;
}

async function paidEnterprise() {
  const owner = await given(platform).owner();
  const billing = billingOf(platform, owner);
  const added = await addStripeCard(billing, 'pm_card_visa');
  expect(added.paymentMethod).toMatchObject({ brand: 'visa', last4: '4242', isDefault: true });
  const created = await billing.subscribe({ priceId: await billing.priceId('enterprise') });
  return { owner, billing, created };
}

describe('billing through Stripe', () => {
  it('tells the web app to use Stripe.js with the publishable key', async () => {
    const provider = await platform.graphql<any>('{ billingProvider { kind publishableKey testCards { number } } }');
    expect(provider.body.data.billingProvider).toEqual({ kind: 'STRIPE', publishableKey: stripe.publishableKey, testCards: [] });
  });

  it('charges the first invoice off-session with an idempotency key derived from the invoice and attempt', async () => {
    const { created } = await paidEnterprise();
    expect(created.userErrors).toEqual([]);
    expect(created.subscription.status).toBe('ACTIVE');
    expect(created.invoice).toMatchObject({ status: 'PAID', total: 200_000 });
    const charge = stripe.requests.filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents').at(-1)!;
    expect(charge.idempotencyKey).toBe(`${created.invoice.id}:attempt:1`);
    expect(charge.params).toMatchObject({ amount: '200000', currency: 'usd', off_session: 'true', confirm: 'true' });
    expect(stripe.customers().length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a webhook with a forged signature, and one signed too long ago', async () => {
    const forged = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, { type: 'payment_intent.succeeded', object: { id: 'pi_forged', metadata: {} } }, { secret: 'whsec_not_the_real_one' });
    expect(forged.status).toBe(400);
    const stale = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, { type: 'payment_intent.succeeded', object: { id: 'pi_stale', metadata: {} } }, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(400);
  });

  it('acknowledges a replayed webhook without applying it twice', async () => {
    const event = { id: `evt_replay_${Date.now()}`, type: 'customer.updated', object: { id: 'cus_x' } };
    const first = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, event);
    const second = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, event);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toMatchObject({ received: true, duplicate: true });
  });

  it('never lets a late payment_failed undo a payment that succeeded', async () => {
    const { billing, created } = await paidEnterprise();
    const intent = stripe.paymentIntents().find((candidate) => (candidate.metadata as Record<string, string>).invoiceKey === created.invoice.id)!;
    const late = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, {
      type: 'payment_intent.payment_failed',
      object: { ...intent, status: 'requires_payment_method', last_payment_error: { code: 'card_declined', message: 'Your card was declined.' } },
      created: Math.floor(Date.now() / 1000) - 60,
    });
    expect(late.status).toBe(200);
    const invoice = (await billing.state()).invoices.nodes.find((node: { id: string }) => node.id === created.invoice.id);
    expect(invoice.status).toBe('PAID');
  });

  it('records a card from setup_intent.succeeded even when the browser never came back', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    const started = (await billing.call<any>(billingDocuments.setupStart)).paymentMethodSetupStart;
    await stripe.confirmSetupIntent(started.setupIntentId, started.clientSecret, 'pm_card_mastercard');
    await stripe.webhooksDelivered();
    const methods = (await billing.state()).paymentMethods;
    expect(methods).toEqual([expect.objectContaining({ brand: 'mastercard', last4: '4444', isDefault: true })]);
  });

  it('applies events in the order they happened even when they arrive the other way round', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    stripe.setWebhookUrl(null);
    const started = (await billing.call<any>(billingDocuments.setupStart)).paymentMethodSetupStart;
    await stripe.confirmSetupIntent(started.setupIntentId, started.clientSecret, 'pm_card_visa');
    const attached = stripe.events.filter((event) => event.type === 'setup_intent.succeeded').at(-1)!;
    const paymentMethodId = attached.data.object.payment_method as string;
    // The card was removed on Stripe's side, and that event overtakes the one saying it was added.
    const detached = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, { type: 'payment_method.detached', object: { id: paymentMethodId, object: 'payment_method' } });
    expect(detached.status).toBe(200);
    const added = await stripe.sendWebhook(`${platform.url}/webhooks/stripe`, { id: attached.id, type: attached.type, object: attached.data.object });
    expect(added.status).toBe(200);
    expect((await billing.state()).paymentMethods).toHaveLength(1);
    await platform.platform.billing.scheduler.runOnce();
    expect((await billing.state()).paymentMethods).toEqual([]);
    stripe.setWebhookUrl(`${platform.url}/webhooks/stripe`);
  });

  it('declines a charge with the card error Stripe gives and keeps the subscription incomplete', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    await addStripeCard(billing, 'pm_card_chargeCustomerFail');
    const result = await billing.subscribe({ priceId: await billing.priceId('enterprise') });
    expect(result.subscription.status).toBe('INCOMPLETE');
    expect(result.userErrors[0]).toMatchObject({ code: 'CARD_DECLINED', message: expect.stringContaining('Your card was declined.') });
  });
});
