import { Invoice, PaymentMethod, SandboxCustomer, SandboxPaymentIntent, SandboxPaymentMethod, SandboxSetupIntent, Subscription } from '@platform/billing/entities/index.ts';
import { createInternalClient, OutboxEvent } from '@platform/kit';
import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { billingDocuments, billingOf, CARDS, DAY, TestClock } from './support/billing.ts';
import { given } from './support/seed.ts';

let platform: TestPlatform;
const clock = new TestClock();

beforeAll(async () => {
  platform = await startTestPlatform({}, { billingClock: clock });
});
afterAll(() => platform.close());

const scheduler = () => platform.platform.billing.scheduler;
const started = clock.now();
// Every test starts at the same time, however far the one before moved the clock.
afterEach(() => clock.set(started));

/** Moves the clock just past the end of the subscription's period and lets the scheduler renew it. */
async function renew(billing: ReturnType<typeof billingOf>): Promise<Date> {
  const periodEnd = new Date((await billing.state()).subscription.currentPeriodEnd);
  clock.set(new Date(periodEnd.getTime() + 1_000));
  await scheduler().runOnce();
  return periodEnd;
}

describe('the plan catalog', () => {
  it('lists the seeded plans with their prices to anyone, cheapest first', async () => {
    const result = dataOf(await platform.graphql<any>(billingDocuments.plans, { currency: 'EUR', interval: 'YEAR' }));
    expect(result.plans.map((plan: { key: string }) => plan.key)).toEqual(['free', 'pro', 'business', 'enterprise']);
    const pro = result.plans[1];
    expect(pro).toMatchObject({ trialDays: 14, entitlements: { seats: 50, features: ['audit_log', 'webhooks'] } });
    expect(pro.prices).toEqual([{ id: expect.stringMatching(/^price_/), currency: 'EUR', interval: 'YEAR', amountFor: { amount: 15_000, currency: 'EUR' } }]);
  });
});

describe('a trial that turns into a paid subscription', () => {
  it('starts a trial without charging, then bills the first period at its end and mails the invoice with its PDF', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    const card = await billing.addCard(CARDS.visa);
    expect(card.paymentMethod).toMatchObject({ brand: 'visa', last4: '4242', isDefault: true });

    const started = await billing.subscribe({ priceId: await billing.priceId('pro') });
    expect(started.userErrors).toEqual([]);
    expect(started.subscription).toMatchObject({ status: 'TRIALING', seats: 1, plan: { key: 'pro' } });
    expect(started.invoice).toBeNull();
    let state = await billing.state();
    expect(state.entitlements.seats).toBe(50);
    expect(state.subscription.trialEnd).toBe(state.subscription.currentPeriodEnd);

    clock.advance(12 * DAY);
    await scheduler().runOnce();
    await platform.platform.billing.subgraph.flushOutbox();
    clock.advance(3 * DAY);
    const report = await scheduler().runOnce();
    expect(report.renewed).toBeGreaterThanOrEqual(1);
    state = await billing.state();
    expect(state.subscription.status).toBe('ACTIVE');
    const [invoice] = state.invoices.nodes;
    expect(invoice).toMatchObject({ status: 'PAID', reason: 'SUBSCRIPTION_CYCLE', total: 1_500, amountPaid: 1_500, attemptCount: 1 });
    expect(invoice.number).toMatch(/^[A-Z0-9]+-0001$/);
    expect(invoice.lines[0]).toMatchObject({ kind: 'SEATS', quantity: 1, amount: 1_500 });

    const mail = (await platform.mailTo(owner.email)).find((message) => message.kind === 'invoice');
    expect(mail?.subject).toBe(`Invoice ${invoice.number} for $15.00`);
    const attachment = (mail as unknown as { attachments: { filename: string; contentBase64: string }[] }).attachments[0]!;
    expect(attachment.filename).toBe(`${invoice.number}.pdf`);
    expect(Buffer.from(attachment.contentBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('records trial.will_end three days before the trial ends, once', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    await billing.addCard(CARDS.visa);
    const { subscription } = await billing.subscribe({ priceId: await billing.priceId('business') });
    clock.advance(11 * DAY + 60_000);
    expect((await scheduler().runOnce()).trialNotices).toBeGreaterThanOrEqual(1);
    const notices = async () =>
      (await platform.platform.billing.subgraph.db.em.fork().find(OutboxEvent, { type: 'trial.will_end' })).filter((event) => event.payload.subscriptionId === subscription.id);
    expect(await notices()).toHaveLength(1);
    await scheduler().runOnce();
    expect(await notices()).toHaveLength(1);
  });
});

/** A paid Pro subscription without trial (the organization used its trial on a canceled subscription). */
async function paidPro(card = CARDS.visa) {
  const owner = await given(platform).owner();
  const billing = billingOf(platform, owner);
  await billing.addCard(card);
  const trial = await billing.subscribe({ priceId: await billing.priceId('pro') });
  await billing.call(billingDocuments.cancel, { input: { atPeriodEnd: false, reason: 'OTHER' } });
  const paid = await billing.subscribe({ priceId: await billing.priceId('pro') });
  expect(trial.subscription.status).toBe('TRIALING');
  return { owner, billing, paid };
}

describe('paid subscriptions, upgrades and downgrades', () => {
  it('charges the first invoice at once when there is no trial left', async () => {
    const { billing, paid } = await paidPro();
    expect(paid.userErrors).toEqual([]);
    expect(paid.subscription.status).toBe('ACTIVE');
    expect(paid.invoice).toMatchObject({ status: 'PAID', total: 1_500 });
    expect((await billing.state()).billingCustomer.currency).toBe('USD');
  });

  it('bills the organization\'s first owner until someone sets a billing contact', async () => {
    const owner = await given(platform).owner({ organizationName: 'Contact Corp' });
    const billing = billingOf(platform, owner);
    expect((await billing.state()).billingCustomer).toMatchObject({ email: owner.email, name: 'Contact Corp', currency: null, creditBalance: 0 });
    const updated = (await billing.call<any>(`mutation($input: BillingCustomerUpdateInput!) { billingCustomerUpdate(input: $input) { billingCustomer { email name } userErrors { code field } } }`, { input: { email: 'ap@contact.test', name: 'Contact Corp AP' } })).billingCustomerUpdate;
    expect(updated).toEqual({ billingCustomer: { email: 'ap@contact.test', name: 'Contact Corp AP' }, userErrors: [] });
    const invalid = (await billing.call<any>(`mutation($input: BillingCustomerUpdateInput!) { billingCustomerUpdate(input: $input) { billingCustomer { email } userErrors { code field } } }`, { input: { email: 'not-an-email' } })).billingCustomerUpdate;
    expect(invalid).toEqual({ billingCustomer: null, userErrors: [{ code: 'INVALID', field: ['input', 'email'] }] });
  });

  it('previews and then applies an upgrade at once with a prorated charge', async () => {
    const { billing } = await paidPro();
    const businessPrice = await billing.priceId('business');
    clock.advance(10 * DAY);
    const preview = (await billing.call<any>(billingDocuments.preview, { input: { priceId: businessPrice } })).subscriptionChangePreview;
    expect(preview.userErrors).toEqual([]);
    expect(preview.kind).toBe('UPGRADE');
    expect(preview.lines.map((line: { description: string }) => line.description)).toEqual([
      expect.stringMatching(/^Unused time on Pro × 1 after /),
      expect.stringMatching(/^Remaining time on Business × 1 after /),
    ]);
    expect(preview.amountDueNow.amount).toBeGreaterThan(0);
    expect(preview.amountDueNow.amount).toBeLessThan(3_000 - 1_500);

    const changed = await billing.change({ priceId: businessPrice });
    expect(changed.userErrors).toEqual([]);
    expect(changed.subscription.plan.key).toBe('business');
    expect(changed.invoice).toMatchObject({ status: 'PAID', amountDue: preview.amountDueNow.amount });
    expect((await billing.state()).entitlements.features).toContain('sso');
  });

  it('schedules a downgrade for the end of the period, can drop it, and applies it at renewal', async () => {
    const { billing } = await paidPro();
    await billing.change({ priceId: await billing.priceId('business') });
    const proPrice = await billing.priceId('pro');
    const scheduled = await billing.change({ priceId: proPrice });
    expect(scheduled.userErrors).toEqual([]);
    expect(scheduled.subscription).toMatchObject({ plan: { key: 'business' }, scheduledChange: { plan: { key: 'pro' }, seats: 1 } });
    expect(scheduled.invoice).toBeNull();

    const dropped = (await billing.call<any>(billingDocuments.cancelScheduled, { input: {} })).subscriptionScheduledChangeCancel;
    expect(dropped).toEqual({ subscription: { scheduledChange: null }, userErrors: [] });
    await billing.change({ priceId: proPrice });

    await renew(billing);
    const state = await billing.state();
    expect(state.subscription).toMatchObject({ status: 'ACTIVE', plan: { key: 'pro' }, scheduledChange: null });
    expect(state.invoices.nodes[0]).toMatchObject({ reason: 'SUBSCRIPTION_CYCLE', status: 'PAID', total: 1_500 });
    // Newest first, as invoice histories read.
    expect(state.invoices.nodes.map((invoice: { reason: string }) => invoice.reason)).toEqual(['SUBSCRIPTION_CYCLE', 'SUBSCRIPTION_UPDATE', 'SUBSCRIPTION_CREATE']);
  });

  it('leaves the plan unchanged when the card is declined during an upgrade', async () => {
    const { billing } = await paidPro();
    const failing = await billing.addCard(CARDS.failsCharges);
    expect(failing.paymentMethod).toMatchObject({ last4: '0341', isDefault: true });
    const refused = await billing.change({ priceId: await billing.priceId('business') });
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'CARD_DECLINED', message: expect.stringContaining('Your card was declined.') })]);
    const state = await billing.state();
    expect(state.subscription.plan.key).toBe('pro');
    expect(state.invoices.nodes.every((invoice: { reason: string }) => invoice.reason !== 'SUBSCRIPTION_UPDATE')).toBe(true);
  });
});

describe('cancelling and resuming', () => {
  it('cancels at period end with a reason, resumes, and ends at period end back on the free entitlements', async () => {
    const { billing } = await paidPro();
    const canceled = (await billing.call<any>(billingDocuments.cancel, { input: { atPeriodEnd: true, reason: 'TOO_EXPENSIVE', feedback: 'Budget cuts' } })).subscriptionCancel;
    expect(canceled).toMatchObject({ subscription: { status: 'ACTIVE', cancelAtPeriodEnd: true, cancellationReason: 'TOO_EXPENSIVE' }, userErrors: [] });
    const resumed = (await billing.call<any>(billingDocuments.resume, { input: {} })).subscriptionResume;
    expect(resumed).toEqual({ subscription: { status: 'ACTIVE', cancelAtPeriodEnd: false }, userErrors: [] });
    await billing.call(billingDocuments.cancel, { input: { atPeriodEnd: true, reason: 'UNUSED' } });

    await renew(billing);
    const state = await billing.state();
    expect(state.subscription.status).toBe('CANCELED');
    expect(state.entitlements).toMatchObject({ seats: 3, apiPointsPerMonth: 10_000 });
  });
});

describe('dunning', () => {
  it('retries a failed renewal on the schedule, then cancels and marks the invoice uncollectible', async () => {
    const { billing } = await paidPro();
    await billing.addCard(CARDS.failsCharges);
    const periodEnd = await renew(billing);
    let state = await billing.state();
    expect(state.subscription.status).toBe('PAST_DUE');
    const renewal = state.invoices.nodes[0];
    expect(renewal).toMatchObject({ status: 'OPEN', attemptCount: 1, lastPaymentError: 'Your card was declined.' });
    expect(state.entitlements.seats).toBe(50);

    for (const day of [1, 3, 5, 7, 9, 11, 14]) {
      clock.set(new Date(periodEnd.getTime() + day * DAY + 2_000));
      await scheduler().runOnce();
    }
    state = await billing.state();
    expect(state.invoices.nodes[0]).toMatchObject({ id: renewal.id, status: 'UNCOLLECTIBLE', attemptCount: 8 });
    expect(state.subscription.status).toBe('CANCELED');
    expect(state.entitlements.seats).toBe(3);
  });

  it('recovers from past due when the customer pays the open invoice with a working card', async () => {
    const { billing } = await paidPro();
    await billing.addCard(CARDS.failsCharges);
    await renew(billing);
    const open = (await billing.state()).invoices.nodes[0];
    const good = await billing.addCard(CARDS.mastercard);
    const paid = (await billing.call<any>(billingDocuments.pay, { input: { id: open.id, paymentMethodId: good.paymentMethod!.id } })).invoicePay;
    expect(paid).toEqual({ invoice: { id: open.id, status: 'PAID', amountPaid: 1_500 }, subscription: { status: 'ACTIVE' }, userErrors: [] });
  });
});

describe('a first payment that fails', () => {
  it('leaves the subscription incomplete, then incomplete_expired after 23 hours with its invoice void', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    const refusedAtSetup = await billing.addCard(CARDS.declined);
    expect(refusedAtSetup.userErrors[0]?.code).toBe('CARD_DECLINED');
    await billing.addCard(CARDS.failsCharges);
    const result = await billing.subscribe({ priceId: await billing.priceId('enterprise') });
    expect(result.subscription.status).toBe('INCOMPLETE');
    expect(result.userErrors[0]).toMatchObject({ code: 'CARD_DECLINED' });
    expect(result.invoice).toMatchObject({ status: 'OPEN', total: 200_000 });
    clock.advance(22 * 60 * 60 * 1000);
    await scheduler().runOnce();
    expect((await billing.state()).subscription.status).toBe('INCOMPLETE');
    clock.advance(2 * 60 * 60 * 1000);
    await scheduler().runOnce();
    const state = await billing.state();
    expect(state.subscription.status).toBe('INCOMPLETE_EXPIRED');
    expect(state.invoices.nodes[0].status).toBe('VOID');
  });
});

describe('refused input', () => {
  it('refuses an unknown price', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    const result = await billing.subscribe({ priceId: 'price_doesnotexist' });
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PRICE', field: ['input', 'priceId'] })]);
    expect((await billing.state()).subscription).toBeNull();
  });

  it('refuses a downgrade below the seats in use', async () => {
    const { owner, billing } = await paidPro();
    for (const role of ['MEMBER', 'MEMBER', 'ANALYST']) await given(platform).member(owner, role);
    const result = await billing.change({ priceId: await billing.priceId('free') });
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'PLAN_SEAT_LIMIT', field: ['input', 'seats'] })]);
    const fewer = await billing.change({ seats: 2 });
    expect(fewer.userErrors).toEqual([expect.objectContaining({ code: 'SEATS_BELOW_USAGE' })]);
  });

  it('refuses a price in another currency than the subscription', async () => {
    const { billing } = await paidPro();
    const result = await billing.change({ priceId: await billing.priceId('business', 'MONTH', 'EUR') });
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'CURRENCY_MISMATCH' })]);
  });

  it('lets one of two concurrent plan changes win and tells the other', async () => {
    const { billing } = await paidPro();
    const { version } = (await billing.state()).subscription;
    const [a, b] = await Promise.all([
      billing.change({ priceId: await billing.priceId('business'), expectedVersion: version }),
      billing.change({ priceId: await billing.priceId('enterprise'), expectedVersion: version }),
    ]);
    const outcomes = [a, b].map((payload) => payload.userErrors[0]?.code ?? 'OK').sort();
    expect(outcomes).toEqual(['CONCURRENT_CHANGE', 'OK']);
  });

  it('refuses every billing mutation to a member without billing permission, and lets an analyst read', async () => {
    const owner = await given(platform).owner();
    const member = await given(platform).member(owner, 'MEMBER');
    const analyst = await given(platform).member(owner, 'ANALYST');
    const attempts: [string, Record<string, unknown>][] = [
      [billingDocuments.create, { input: { priceId: 'price_x' } }],
      [billingDocuments.change, { input: { seats: 2 } }],
      [billingDocuments.cancel, { input: { atPeriodEnd: true, reason: 'OTHER' } }],
      [billingDocuments.resume, { input: {} }],
      [billingDocuments.setupStart, {}],
      [billingDocuments.pay, { input: { id: 'in_x' } }],
      [billingDocuments.remove, { input: { id: 'pm_x' } }],
    ];
    for (const who of [member, analyst]) {
      for (const [query, variables] of attempts) {
        const result = await platform.graphql(query, variables, { token: who.accessToken });
        expect(errorCode(result)).toBe('FORBIDDEN');
      }
    }
    expect(errorCode(await platform.graphql(billingDocuments.billing, {}, { token: member.accessToken }))).toBe('FORBIDDEN');
    const read = await platform.graphql<any>(billingDocuments.billing, {}, { token: analyst.accessToken });
    expect(dataOf(read).viewer.organization.entitlements.seats).toBe(3);
  });

  it('refuses card numbers that are not sandbox test cards, without storing them', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    const result = await billing.addCard('4111 1111 1111 1111');
    expect(result.userErrors[0]?.code).toBe('NOT_A_TEST_CARD');
    const sandbox = platform.platform.billing.sandboxDb!.em.fork();
    const billingDb = platform.platform.billing.subgraph.db.em.fork();
    const stored = [
      await sandbox.find(SandboxPaymentMethod, {}),
      await sandbox.find(SandboxSetupIntent, {}),
      await sandbox.find(SandboxCustomer, {}),
      await billingDb.find(PaymentMethod, {}, { filters: false }),
    ];
    for (const rows of stored) {
      expect(JSON.stringify(rows)).not.toContain('4111111111111111');
    }
  });
});

describe('a scheduler that runs twice', () => {
  it('bills a period once even when two runs overlap', async () => {
    const { billing } = await paidPro();
    const periodEnd = new Date((await billing.state()).subscription.currentPeriodEnd);
    clock.set(new Date(periodEnd.getTime() + 1_000));
    const second = new (scheduler().constructor as any)(platform.platform.billing.subgraph, platform.platform.billing.deps, { child: () => ({ error() {}, warn() {}, info() {} }) });
    await Promise.all([scheduler().runOnce(), second.runOnce()]);
    const state = await billing.state();
    const cycles = state.invoices.nodes.filter((invoice: { reason: string }) => invoice.reason === 'SUBSCRIPTION_CYCLE');
    expect(cycles).toHaveLength(1);
    const em = platform.platform.billing.subgraph.db.em.fork();
    const subscription = await em.findOneOrFail(Subscription, { id: state.subscription.id }, { filters: false });
    expect(await em.count(Invoice, { subscriptionId: subscription.id, reason: 'subscription_cycle' }, { filters: false })).toBe(1);
  });
});

describe('the catalog as platform operators manage it', () => {
  let operatorPlatform: TestPlatform;
  const operatorEmail = `operator-${Date.now()}@platform.test`;
  beforeAll(async () => {
    operatorPlatform = await startTestPlatform({ PLATFORM_OPERATOR_EMAILS: operatorEmail }, { billingClock: new TestClock() });
  });
  afterAll(() => operatorPlatform.close());

  const PLAN_CREATE = `mutation($input: PlanCreateInput!) { planCreate(input: $input) { plan { id key name trialDays entitlements { seats features } } userErrors { code field message } } }`;
  const PRICE_CREATE = `mutation($input: PriceCreateInput!) { priceCreate(input: $input) { price { id currency interval amountFor(seats: 12) { amount } } userErrors { code field message } } }`;
  const COUPON_CREATE = `mutation($input: CouponCreateInput!) { couponCreate(input: $input) { coupon { code percentOff duration } userErrors { code field message } } }`;

  it('lets an operator add a plan with tiered seat prices, and refuses it to an ordinary owner', async () => {
    const operator = await given(operatorPlatform).owner({ email: operatorEmail });
    const owner = await given(operatorPlatform).owner();
    const input = { key: `team-${Date.now().toString(36)}`, name: 'Team', description: 'For teams', trialDays: 7, rank: 15, entitlements: { seats: 25, apiPointsPerMonth: 200_000, apiPointsPerSecond: 100, features: ['webhooks'] } };
    expect(errorCode(await operatorPlatform.graphql(PLAN_CREATE, { input }, { token: owner.accessToken }))).toBe('FORBIDDEN');
    const created = dataOf(await operatorPlatform.graphql<any>(PLAN_CREATE, { input }, { token: operator.accessToken })).planCreate;
    expect(created).toMatchObject({ plan: { key: input.key, trialDays: 7, entitlements: { seats: 25, features: ['webhooks'] } }, userErrors: [] });

    const badTiers = dataOf(await operatorPlatform.graphql<any>(PRICE_CREATE, {
      input: { planId: created.plan.id, currency: 'USD', interval: 'MONTH', components: [{ kind: 'SEATS', scheme: 'GRADUATED', tiers: [{ upTo: 10, unitAmount: 900 }, { upTo: 5, unitAmount: 800 }] }] },
    }, { token: operator.accessToken })).priceCreate;
    expect(badTiers.price).toBeNull();
    expect(badTiers.userErrors[0].field.slice(0, 3)).toEqual(['input', 'components', '0']);

    const price = dataOf(await operatorPlatform.graphql<any>(PRICE_CREATE, {
      input: { planId: created.plan.id, currency: 'usd', interval: 'MONTH', components: [{ kind: 'SEATS', scheme: 'GRADUATED', tiers: [{ upTo: 10, unitAmount: 900 }, { upTo: null, unitAmount: 700 }] }] },
    }, { token: operator.accessToken })).priceCreate;
    // 10 seats at $9 and 2 at $7.
    expect(price).toEqual({ price: { id: expect.stringMatching(/^price_/), currency: 'USD', interval: 'MONTH', amountFor: { amount: 10_400 } }, userErrors: [] });
  });

  it('applies an operator\'s coupon to the invoices it covers', async () => {
    const op = await given(operatorPlatform).signIn(operatorEmail, 'correct horse battery');
    const token = dataOf(op).sessionCreate.session!.accessToken;
    const code = `HALF${Date.now().toString(36).toUpperCase()}`;
    const coupon = dataOf(await operatorPlatform.graphql<any>(COUPON_CREATE, { input: { code, name: 'Half off', percentOff: 50, duration: 'FOREVER' } }, { token })).couponCreate;
    expect(coupon).toEqual({ coupon: { code, percentOff: 50, duration: 'FOREVER' }, userErrors: [] });
    const customer = await given(operatorPlatform).owner();
    const billing = billingOf(operatorPlatform, customer);
    await billing.addCard(CARDS.visa);
    const created = await billing.subscribe({ priceId: await billing.priceId('enterprise'), couponCode: code.toLowerCase() });
    expect(created.invoice).toMatchObject({ status: 'PAID', total: 100_000 });
    expect(created.invoice.lines.at(-1)).toMatchObject({ kind: 'DISCOUNT', amount: -100_000 });
    const refused = await billingOf(operatorPlatform, await given(operatorPlatform).owner()).subscribe({ priceId: await billing.priceId('enterprise'), couponCode: 'NOPE' });
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_COUPON', field: ['input', 'couponCode'] })]);
  });
});

describe('invoice PDFs and usage', () => {
  it('serves the PDF behind the signed link for a few minutes, and refuses an altered link', async () => {
    const { billing } = await paidPro();
    const [invoice] = (await billing.state()).invoices.nodes;
    const path = new URL(invoice.pdfUrl).pathname + new URL(invoice.pdfUrl).search;
    const response = await fetch(`${platform.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const altered = await fetch(`${platform.url}${path.replace(/signature=(.)/, (_match, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`)}`);
    expect(altered.status).toBe(404);
    const otherInvoice = await fetch(`${platform.url}${path.replace(invoice.id, 'in_someoneelse')}`);
    expect(otherInvoice.status).toBe(404);
  });

  it('counts reported usage once per key, shows it against the plan, and bills what exceeds the included points', async () => {
    const { owner, billing } = await paidPro();
    const client = createInternalClient({ secret: platform.platform.billing.deps.settings.internalSigningSecret });
    const report = (quantity: number, key: string) =>
      client.post(platform.platform.billing.subgraph.url, '/internal/usage/record', { meter: 'api_points', quantity, idempotencyKey: key }, { principal: { kind: 'apiKey', apiKeyId: 'key_x', organizationId: owner.organizationId, permissions: [], createdByUserId: 'usr_x' }, requestId: 'usage-test' });
    expect(await report(150_000, 'usage-a')).toEqual({ recorded: true });
    expect(await report(150_000, 'usage-a')).toEqual({ recorded: false });
    expect(await report(2_500, 'usage-b')).toEqual({ recorded: true });
    await expect(report(-5, 'usage-c')).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
    expect((await billing.state()).usage).toEqual([{ meter: 'API_POINTS', used: 152_500, limit: 1_000_000 }]);

    await renew(billing);
    const renewal = (await billing.state()).invoices.nodes[0];
    // 52,500 points beyond the 100,000 included, in packages of 1,000: 53 packages at 10 cents.
    expect(renewal.lines.find((line: { kind: string }) => line.kind === 'USAGE')).toMatchObject({ quantity: 53, amount: 530 });
    expect(renewal.total).toBe(1_500 + 530);
  });
});

describe('a scheduler that crashes mid-run', () => {
  it('charges a renewal once when the process dies after the provider charged and before billing committed', async () => {
    const { billing } = await paidPro();
    const provider = platform.platform.billing.deps.provider;
    const charge = provider.charge.bind(provider);
    const keys: string[] = [];
    // The provider takes the money, then the process "dies" before the renewal's transaction commits.
    provider.charge = async (input, idempotencyKey) => {
      keys.push(idempotencyKey);
      await charge(input, idempotencyKey);
      throw new Error('process died');
    };
    try {
      expect((await renew(billing)) instanceof Date).toBe(true);
    } finally {
      provider.charge = charge;
    }
    expect((await billing.state()).invoices.nodes.filter((invoice: { reason: string }) => invoice.reason === 'SUBSCRIPTION_CYCLE')).toEqual([]);

    await scheduler().runOnce();
    const state = await billing.state();
    const cycles = state.invoices.nodes.filter((invoice: { reason: string }) => invoice.reason === 'SUBSCRIPTION_CYCLE');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ status: 'PAID', attemptCount: 1 });
    const sandbox = platform.platform.billing.sandboxDb!.em.fork();
    expect(await sandbox.count(SandboxPaymentIntent, { idempotencyKey: keys[0] })).toBe(1);
    expect(keys[0]).toMatch(/:cycle:.*:attempt:1$/);
  });
});

describe('seats that follow the members', () => {
  it('adds a seat when someone joins, prorated to the second and billed with the next renewal', async () => {
    const { owner, billing } = await paidPro();
    clock.advance(15 * DAY);
    await given(platform).member(owner, 'MEMBER');
    await platform.identity.flushOutbox();
    const deadline = Date.now() + 5_000;
    while ((await billing.state()).subscription.seats !== 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect((await billing.state()).subscription).toMatchObject({ seats: 2, seatsFollowMembers: true });

    await renew(billing);
    const [renewalInvoice] = (await billing.state()).invoices.nodes;
    const prorations = renewalInvoice.lines.filter((line: { kind: string }) => line.kind === 'PRORATION');
    expect(prorations.map((line: { description: string }) => line.description)).toEqual([
      expect.stringMatching(/^Unused time on Pro × 1 after /),
      expect.stringMatching(/^Remaining time on Pro × 2 after /),
    ]);
    // Half a month of one more seat, give or take the month's length.
    const prorated = prorations.reduce((sum: number, line: { amount: number }) => sum + line.amount, 0);
    expect(prorated).toBeGreaterThan(600);
    expect(prorated).toBeLessThan(900);
    expect(renewalInvoice.lines.find((line: { kind: string }) => line.kind === 'SEATS')).toMatchObject({ quantity: 2, amount: 3_000 });
    expect(renewalInvoice.total).toBe(3_000 + prorated);
  });
});
