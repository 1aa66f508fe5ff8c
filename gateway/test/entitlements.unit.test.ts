import { createLogger, InternalCallError, type InternalClient } from '@platform/kit';
import { EntitlementsCache, type Entitlements } from '../src/entitlements.ts';

const FREE: Entitlements = { plan: 'free', apiPointsPerSecond: 50, apiPointsPerMonth: 10_000 };
const PRO: Entitlements = { plan: 'pro', apiPointsPerSecond: 200, apiPointsPerMonth: 1_000_000 };
const BUSINESS: Entitlements = { plan: 'business', apiPointsPerSecond: 1_000, apiPointsPerMonth: 10_000_000 };

/** Billing's route, answered by the test: each call waits until the test settles it. */
function fakeBilling() {
  const calls: { path: string; body: unknown; settle: (answer: unknown) => void; fail: (error: Error) => void }[] = [];
  const internal: InternalClient = {
    post: (<Result>(_url: string, path: string, body: unknown) =>
      new Promise<Result>((resolve, reject) => calls.push({ path, body, settle: (answer) => resolve(answer as Result), fail: reject }))) as InternalClient['post'],
    send: () => Promise.reject(new Error('not used')),
  };
  return { internal, calls };
}

function setup(options: { ttlMs?: number; retryAfterFailureMs?: number; maxEntries?: number } = {}) {
  const billing = fakeBilling();
  let now = 1_700_000_000_000;
  const cache = new EntitlementsCache({
    internal: billing.internal,
    billingUrl: 'http://billing.test/graphql',
    fallback: FREE,
    logger: createLogger({ service: 'test', level: 'silent' }),
    clock: () => now,
    ...options,
  });
  return { cache, calls: billing.calls, advance: (ms: number) => (now += ms) };
}

/** Lets the settled fake call's continuations run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the entitlements cache', () => {
  it('asks billing once for concurrent requests of one organization', async () => {
    const { cache, calls } = setup();
    const first = cache.get('org_a');
    const second = cache.get('org_a');
    const other = cache.get('org_b');
    expect(calls.map((call) => [call.path, call.body])).toEqual([
      ['/internal/entitlements', { organizationId: 'org_a' }],
      ['/internal/entitlements', { organizationId: 'org_b' }],
    ]);
    calls[0]!.settle(PRO);
    calls[1]!.settle(FREE);
    expect(await Promise.all([first, second, other])).toEqual([PRO, PRO, FREE]);
    expect(await cache.get('org_a')).toEqual(PRO);
    expect(calls).toHaveLength(2);
  });

  it('answers from the last answer past its TTL while it fetches the next one', async () => {
    const { cache, calls, advance } = setup({ ttlMs: 30_000 });
    const first = cache.get('org_a');
    calls[0]!.settle(PRO);
    await first;
    advance(29_999);
    expect(await cache.get('org_a')).toEqual(PRO);
    expect(calls).toHaveLength(1);

    advance(1);
    expect(await cache.get('org_a')).toEqual(PRO);
    expect(await cache.get('org_a')).toEqual(PRO);
    expect(calls).toHaveLength(2);
    calls[1]!.settle(BUSINESS);
    await settled();
    expect(await cache.get('org_a')).toEqual(BUSINESS);
    expect(calls).toHaveLength(2);
  });

  it("uses the free plan's defaults while billing has never answered, and tries again after a pause", async () => {
    const { cache, calls, advance } = setup({ retryAfterFailureMs: 5_000 });
    const first = cache.get('org_a');
    calls[0]!.fail(new InternalCallError('UNREACHABLE', '/internal/entitlements', 'The internal call could not reach the service.'));
    expect(await first).toEqual(FREE);
    advance(4_999);
    expect(await cache.get('org_a')).toEqual(FREE);
    expect(calls).toHaveLength(1);

    advance(1);
    // Nobody waits on a billing that may still be down: the retry runs behind the fallback.
    expect(await cache.get('org_a')).toEqual(FREE);
    expect(calls).toHaveLength(2);
    calls[1]!.settle(PRO);
    await settled();
    expect(await cache.get('org_a')).toEqual(PRO);
  });

  it('keeps the last answer when billing fails later or answers nonsense', async () => {
    const { cache, calls, advance } = setup({ ttlMs: 30_000, retryAfterFailureMs: 5_000 });
    const first = cache.get('org_a');
    calls[0]!.settle(PRO);
    await first;

    advance(30_000);
    expect(await cache.get('org_a')).toEqual(PRO);
    calls[1]!.fail(new InternalCallError('HTTP_STATUS', '/internal/entitlements', 'The internal call answered 500.', 500));
    await settled();
    expect(await cache.get('org_a')).toEqual(PRO);

    advance(5_000);
    expect(await cache.get('org_a')).toEqual(PRO);
    calls[2]!.settle({ plan: 'pro', apiPointsPerSecond: -1, apiPointsPerMonth: null });
    await settled();
    expect(await cache.get('org_a')).toEqual(PRO);
    expect(calls).toHaveLength(3);
  });

  it('refuses an answer of the wrong shape and accepts an unlimited month', async () => {
    const { cache, calls } = setup();
    const odd = cache.get('org_a');
    calls[0]!.settle({ plan: 'pro', apiPointsPerSecond: '200', apiPointsPerMonth: 1 });
    expect(await odd).toEqual(FREE);
    const enterprise = cache.get('org_b');
    calls[1]!.settle({ plan: 'enterprise', apiPointsPerSecond: 2_000, apiPointsPerMonth: null, extra: true });
    expect(await enterprise).toEqual({ plan: 'enterprise', apiPointsPerSecond: 2_000, apiPointsPerMonth: null });
  });

  it('forgets an organization when told to, and the oldest beyond maxEntries', async () => {
    const { cache, calls } = setup({ maxEntries: 2 });
    for (const organizationId of ['org_a', 'org_b', 'org_c']) {
      const pending = cache.get(organizationId);
      calls.at(-1)!.settle(PRO);
      await pending;
    }
    expect(calls).toHaveLength(3);
    void cache.get('org_b');
    void cache.get('org_c');
    expect(calls).toHaveLength(3);
    void cache.get('org_a');
    expect(calls).toHaveLength(4);
    calls[3]!.settle(PRO);
    await settled();

    cache.invalidate('org_a');
    void cache.get('org_a');
    expect(calls).toHaveLength(5);
    calls[4]!.settle(PRO);
  });
});
