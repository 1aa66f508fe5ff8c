import { EntitlementsCache } from '@platform/gateway/entitlements.ts';
import { createInternalClient, createLogger } from '@platform/kit';
import { ANONYMOUS, ROLE_PERMISSIONS, type Principal } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { billingDocuments, billingOf, CARDS } from './support/billing.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

const SECRET = randomBytes(32).toString('base64url');
const client = createInternalClient({ secret: SECRET, timeoutMs: 5000 });

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ INTERNAL_SIGNING_SECRET: SECRET });
});
afterAll(() => platform.close());

const limitsOf = (organizationId: unknown, principal: Principal = ANONYMOUS) =>
  client.post(platform.platform.billing.subgraph.url, '/internal/entitlements', { organizationId }, { principal, requestId: 'test-entitlements' });

/** What the organization's own members see in the API, for comparison with the internal answer. */
async function publicEntitlements(who: SignedIn) {
  const { apiPointsPerSecond, apiPointsPerMonth } = (await billingOf(platform, who).state()).entitlements;
  return { apiPointsPerSecond, apiPointsPerMonth };
}

describe('billing: /internal/entitlements', () => {
  it("answers the free plan's limits for an organization that never subscribed", async () => {
    const owner = await given(platform).owner();
    expect(await limitsOf(owner.organizationId)).toEqual({ plan: 'free', apiPointsPerSecond: 50, apiPointsPerMonth: 10_000 });
    expect(await limitsOf(owner.organizationId)).toMatchObject(await publicEntitlements(owner));
  });

  it("answers the named organization's plan whoever signs the call, and no other organization's", async () => {
    const pro = await given(platform).owner();
    const billing = billingOf(platform, pro);
    await billing.addCard(CARDS.visa);
    expect((await billing.subscribe({ priceId: await billing.priceId('pro') })).userErrors).toEqual([]);
    const free = await given(platform).owner();

    expect(await limitsOf(pro.organizationId)).toEqual({ plan: 'pro', apiPointsPerSecond: 200, apiPointsPerMonth: 1_000_000 });
    expect(await limitsOf(pro.organizationId)).toMatchObject(await publicEntitlements(pro));
    // A principal of the free organization does not narrow the lookup to its own tenant.
    const outsider: Principal = { kind: 'user', userId: 'usr_outsider', organizationId: free.organizationId, role: 'owner', permissions: ROLE_PERMISSIONS.owner, sessionId: 'ses_x' };
    expect(await limitsOf(pro.organizationId, outsider)).toMatchObject({ plan: 'pro' });
    expect(await limitsOf(free.organizationId, outsider)).toMatchObject({ plan: 'free', apiPointsPerSecond: 50 });
    expect(await limitsOf('org_00000000000000000000000000')).toMatchObject({ plan: 'free' });
  });

  it('falls back to the free plan once the subscription is canceled', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    await billing.addCard(CARDS.visa);
    await billing.subscribe({ priceId: await billing.priceId('business') });
    expect(await limitsOf(owner.organizationId)).toMatchObject({ plan: 'business', apiPointsPerSecond: 1_000, apiPointsPerMonth: 10_000_000 });
    const canceled = (await billing.call<any>(billingDocuments.cancel, { input: { atPeriodEnd: false, reason: 'OTHER' } })).subscriptionCancel;
    expect(canceled.userErrors).toEqual([]);
    expect(await limitsOf(owner.organizationId)).toEqual({ plan: 'free', apiPointsPerSecond: 50, apiPointsPerMonth: 10_000 });
  });

  it('gives an incomplete subscription (its first payment failed) only the free limits', async () => {
    const owner = await given(platform).owner();
    const billing = billingOf(platform, owner);
    await billing.addCard(CARDS.failsCharges);
    expect((await billing.subscribe({ priceId: await billing.priceId('enterprise') })).subscription.status).toBe('INCOMPLETE');
    expect(await limitsOf(owner.organizationId)).toMatchObject({ plan: 'free', apiPointsPerSecond: 50 });
  });

  it('refuses a malformed organization id and an unsigned call', async () => {
    await expect(limitsOf(42)).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
    await expect(limitsOf("org_x' or 1=1")).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
    const unsigned = await fetch(platform.platform.billing.subgraph.url.replace(/graphql$/, 'internal/entitlements'), { method: 'POST', body: '{"organizationId":"org_1"}' });
    expect(unsigned.status).toBe(401);
  });
});

describe("the gateway's entitlements cache over billing's route", () => {
  const FALLBACK = { plan: 'free', apiPointsPerSecond: 7, apiPointsPerMonth: 700 };
  const cacheFor = (billingUrl: string) =>
    new EntitlementsCache({ internal: client, billingUrl, fallback: FALLBACK, logger: createLogger({ service: 'test', level: 'silent' }), timeoutMs: 1000 });

  it("reads each organization's plan from billing", async () => {
    const cache = cacheFor(platform.platform.billing.subgraph.url);
    const pro = await given(platform).owner();
    const billing = billingOf(platform, pro);
    await billing.addCard(CARDS.visa);
    await billing.subscribe({ priceId: await billing.priceId('pro') });
    const free = await given(platform).owner();
    expect(await cache.get(pro.organizationId)).toEqual({ plan: 'pro', apiPointsPerSecond: 200, apiPointsPerMonth: 1_000_000 });
    expect(await cache.get(free.organizationId)).toEqual({ plan: 'free', apiPointsPerSecond: 50, apiPointsPerMonth: 10_000 });
  });

  it('falls back to the configured defaults when billing cannot be reached', async () => {
    const cache = cacheFor('http://127.0.0.1:9/graphql');
    expect(await cache.get('org_00000000000000000000000000')).toEqual(FALLBACK);
  });
});
