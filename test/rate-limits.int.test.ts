import { dataOf, errorCode, startTestPlatform, type GraphQLResult, type TestPlatform } from './support/platform.ts';
import { billingOf, CARDS } from './support/billing.ts';
import { given, type SignedIn } from './support/seed.ts';

/*
 * Per-plan token buckets at the gateway, with the platform's real defaults: a bucket holds 20 s of
 * its plan's rate (Free: 50 points/s, so 1,000; Pro: 200 points/s, so 4,000).
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ RATE_LIMIT_BURST_SECONDS: '20', RATE_LIMIT_ANONYMOUS_POINTS_PER_SECOND: '5' });
});
afterAll(() => platform.close());

const API_KEY_CREATE = 'mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { code } } }';
/** A page of 100 members, 100 API keys and 100 invitations: about 600 points requested, little actually used. */
const HEAVY = `{ viewer { organization {
  members(first: 100) { nodes { id role user { id name } } }
  apiKeys(first: 100) { nodes { id name createdBy { id name } } }
  invitations(first: 100) { nodes { id email invitedBy { id name } } }
} } }`;

async function apiKeyOf(owner: SignedIn): Promise<string> {
  const created = dataOf(await platform.graphql<any>(API_KEY_CREATE, { input: { name: 'integration', permissions: ['organization.read', 'member.read', 'member.invite', 'apikey.read'] } }, { token: owner.accessToken })).apiKeyCreate;
  return created.secret;
}

function costOf(result: GraphQLResult<unknown>) {
  return result.body.extensions?.cost as { requestedQueryCost: number; actualQueryCost: number; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } };
}

/**
 * The heavy query `times` times at once: each reserves what it requests before any has finished,
 * so a burst needs a bucket as big as the requested costs together.
 */
/** Waits (a bounded while) until the gateway charges the key's calls to a Pro bucket. */
async function proPlanApplied(key: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = costOf(await platform.graphql('{ viewer { organization { id } } }', {}, { token: key })).throttleStatus;
    if (status.maximumAvailable === 4_000) return;
    if (Date.now() > deadline) throw new Error(`The gateway still charges the Pro organization's key to a bucket of ${status.maximumAvailable}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function burst(key: string, times: number): Promise<GraphQLResult<unknown>[]> {
  return Promise.all(Array.from({ length: times }, () => platform.graphql(HEAVY, {}, { token: key })));
}

describe('rate limits by plan', () => {
  it('reports the bucket on every response, in extensions.cost and the RateLimit headers', async () => {
    const owner = await given(platform).owner();
    const result = await platform.graphql(HEAVY, {}, { token: owner.accessToken });
    const cost = costOf(result);
    expect(cost.requestedQueryCost).toBeGreaterThan(cost.actualQueryCost);
    // The actual cost was charged, not the requested one: the difference came back.
    expect(cost.throttleStatus).toEqual({ maximumAvailable: 1_000, currentlyAvailable: expect.any(Number), restoreRate: 25 });
    expect(cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1_000 - cost.actualQueryCost);
    expect(result.headers.get('ratelimit-policy')).toBe('"cost";q=1000;w=20');
    expect(result.headers.get('ratelimit')).toMatch(/^"cost";r=\d+;t=\d+$/);
  });

  it('throttles an API key of a Free organization with Retry-After, while a Pro organization\'s key goes on', async () => {
    const free = await given(platform).owner();
    const pro = await given(platform).owner();
    const billing = billingOf(platform, pro);
    await billing.addCard(CARDS.visa);
    await billing.subscribe({ priceId: await billing.priceId('pro') });
    const [freeKey, proKey] = [await apiKeyOf(free), await apiKeyOf(pro)];
    // subscription.created reaches the gateway, which drops the free plan it had cached for Pro.
    await platform.platform.billing.subgraph.flushOutbox();
    await proPlanApplied(proKey);

    const requested = costOf(await platform.graphql(HEAVY, {}, { token: freeKey })).requestedQueryCost;
    expect(requested * 4).toBeGreaterThan(1_000);
    expect(requested * 4).toBeLessThan(4_000);
    const throttled = await burst(freeKey, 4);
    expect(throttled.filter((result) => result.status === 200).length).toBeGreaterThanOrEqual(1);
    const refusal = throttled.find((result) => result.status === 429)!;
    expect(refusal.status).toBe(429);
    expect(errorCode(refusal)).toBe('RATE_LIMITED');
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refusal.headers.get('ratelimit-policy')).toBe('"cost";q=1000;w=20');
    expect(refusal.body.errors![0]!.message).toMatch(/^Rate limited: this operation costs \d+ points/);

    // The same burst from a Pro organization's key: a bigger bucket, and nobody else's.
    const unthrottled = await burst(proKey, 4);
    expect(unthrottled.every((result) => result.status === 200)).toBe(true);
    expect(costOf(unthrottled.at(-1)!).throttleStatus.maximumAvailable).toBe(4_000);
  });

  it('limits anonymous callers by address', async () => {
    const catalog = '{ plans { id key name } }';
    const first = await platform.graphql(catalog);
    expect(first.status).toBe(200);
    const { requestedQueryCost, throttleStatus } = costOf(first);
    expect(throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 5 });
    // Enough at once to empty an anonymous bucket of 100 points several times over.
    const results = await Promise.all(Array.from({ length: Math.ceil(300 / requestedQueryCost) }, () => platform.graphql(catalog)));
    expect(results.some((result) => result.status === 429 && errorCode(result) === 'RATE_LIMITED')).toBe(true);
  });
});
