import type { Principal } from '@platform/schema';
import {
  addressBucket,
  addressKey,
  MemoryRateLimiter,
  organizationBucket,
  principalBuckets,
  rateLimitHeaders,
  type BucketKey,
  type ReserveResult,
} from '../src/rate-limit.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const bucket = (id: string, capacity: number, restorePerSecond: number): BucketKey => ({ id, capacity, restorePerSecond });

function reservationOf(result: ReserveResult) {
  if (!result.allowed) throw new Error(`expected the reservation to be allowed, it was refused: ${JSON.stringify(result)}`);
  return result.reservation;
}

describe('in-process token buckets', () => {
  it('refill continuously at the restore rate and never beyond capacity', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now });
    const key = bucket('org:a', 10, 2);

    expect(await limiter.reserve([key], 10)).toMatchObject({ allowed: true, status: { maximumAvailable: 10, currentlyAvailable: 0, restoreRate: 2 } });
    expect(await limiter.reserve([key], 1)).toMatchObject({ allowed: false, retryAfterSeconds: 1, exceedsCapacity: false, status: { currentlyAvailable: 0 } });

    clock.advance(500);
    expect((await limiter.status(key)).currentlyAvailable).toBe(1);
    expect(await limiter.reserve([key], 1)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });

    clock.advance(1_500);
    // 3 points are there; 8 more take 2.5 s, which Retry-After rounds up.
    expect(await limiter.reserve([key], 8)).toMatchObject({ allowed: false, retryAfterSeconds: 3, status: { currentlyAvailable: 3 } });

    clock.advance(60_000);
    expect(await limiter.status(key)).toEqual({ maximumAvailable: 10, currentlyAvailable: 10, restoreRate: 2 });
  });

  it('charges every named bucket or none of them', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now });
    const organization = bucket('org:a', 100, 1);
    const alice = bucket('principal:a:usr_alice', 5, 1);
    const bob = bucket('principal:a:usr_bob', 5, 1);

    reservationOf(await limiter.reserve([organization, alice], 5));
    const refused = await limiter.reserve([organization, alice], 1);
    // Alice's own bucket refuses; the organization's keeps the points it would have lost.
    expect(refused).toMatchObject({ allowed: false, status: { maximumAvailable: 5, currentlyAvailable: 0 } });
    expect((await limiter.status(organization)).currentlyAvailable).toBe(95);
    expect(await limiter.reserve([organization, bob], 5)).toMatchObject({ allowed: true, status: { maximumAvailable: 5, currentlyAvailable: 0 } });
    expect((await limiter.status(organization)).currentlyAvailable).toBe(90);

    // And the other way round: an empty organization refuses a principal with points to spare.
    const small = bucket('org:b', 3, 1);
    const carol = bucket('principal:b:usr_carol', 50, 1);
    reservationOf(await limiter.reserve([small, carol], 3));
    expect(await limiter.reserve([small, carol], 2)).toMatchObject({ allowed: false, retryAfterSeconds: 2, status: { maximumAvailable: 3 } });
    expect((await limiter.status(carol)).currentlyAvailable).toBe(47);
  });

  it('reports the emptiest bucket as the throttle status', async () => {
    const limiter = new MemoryRateLimiter({ clock: manualClock().now });
    const organization = bucket('org:a', 100, 10);
    const key = bucket('principal:a:key_1', 100, 5);
    reservationOf(await limiter.reserve([organization], 30));
    expect(await limiter.reserve([organization, key], 10)).toMatchObject({ allowed: true, status: { maximumAvailable: 100, currentlyAvailable: 60, restoreRate: 10 } });
    reservationOf(await limiter.reserve([key], 50));
    expect(await limiter.reserve([organization, key], 10)).toMatchObject({ allowed: true, status: { currentlyAvailable: 30, restoreRate: 5 } });
  });

  it('gives back the difference between the reserved and the actual cost, once', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now });
    const organization = bucket('org:a', 100, 1);
    const key = bucket('principal:a:key_1', 100, 1);

    const reservation = reservationOf(await limiter.reserve([organization, key], 50));
    expect(await limiter.settle(reservation, 20)).toEqual({ maximumAvailable: 100, currentlyAvailable: 80, restoreRate: 1 });
    expect((await limiter.status(organization)).currentlyAvailable).toBe(80);
    expect((await limiter.status(key)).currentlyAvailable).toBe(80);
    // Settling twice gives nothing more back.
    expect((await limiter.settle(reservation, 0)).currentlyAvailable).toBe(80);
    expect((await limiter.status(organization)).currentlyAvailable).toBe(80);

    // An actual cost above the reservation takes the excess, but never below zero.
    const over = reservationOf(await limiter.reserve([organization], 10));
    expect((await limiter.settle(over, 30)).currentlyAvailable).toBe(50);
    const last = reservationOf(await limiter.reserve([organization], 50));
    expect((await limiter.settle(last, 500)).currentlyAvailable).toBe(0);
    clock.advance(2_000);
    expect((await limiter.status(organization)).currentlyAvailable).toBe(2);
  });

  it('never fills a bucket above capacity when it gives points back', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now });
    const key = bucket('org:a', 100, 1);
    const reservation = reservationOf(await limiter.reserve([key], 10));
    clock.advance(60_000);
    expect(await limiter.settle(reservation, 0)).toEqual({ maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 1 });
    expect(limiter.size).toBe(0);
  });

  it('refuses a cost larger than a bucket can ever hold, saying so', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now });
    const key = bucket('org:a', 100, 10);
    reservationOf(await limiter.reserve([key], 40));
    expect(await limiter.reserve([key], 101)).toEqual({
      allowed: false,
      exceedsCapacity: true,
      // The time until the bucket is full: the soonest anything changes.
      retryAfterSeconds: 4,
      status: { maximumAvailable: 100, currentlyAvailable: 60, restoreRate: 10 },
    });
    expect(await limiter.reserve([key], 60)).toMatchObject({ allowed: true });
  });

  it('follows a plan change: the stored points stay, the new capacity and rate apply', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now });
    reservationOf(await limiter.reserve([bucket('org:a', 1_000, 50)], 1_000));
    const upgraded = bucket('org:a', 4_000, 200);
    clock.advance(1_000);
    expect(await limiter.status(upgraded)).toEqual({ maximumAvailable: 4_000, currentlyAvailable: 200, restoreRate: 200 });
    const downgraded = bucket('org:a', 100, 5);
    clock.advance(60_000);
    expect((await limiter.status(downgraded)).currentlyAvailable).toBe(100);
  });

  it('keeps no bucket that refilled, and at most maxBuckets', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ clock: clock.now, maxBuckets: 3, sweepEvery: 4 });
    const ids = ['ip:1', 'ip:2', 'ip:3', 'ip:4'].map((id) => bucket(id, 10, 1));

    // Two callers spend a point each, then go idle long enough to refill.
    for (const key of ids.slice(0, 2)) reservationOf(await limiter.reserve([key], 1));
    expect(limiter.size).toBe(2);
    clock.advance(2_000);
    // The fourth charge sweeps: the two refilled buckets go, the two fresh ones stay.
    for (const key of ids.slice(2)) reservationOf(await limiter.reserve([key], 5));
    expect(limiter.size).toBe(2);

    // A flood of distinct callers: the least recently charged is forgotten first.
    for (const key of ids.slice(0, 2)) reservationOf(await limiter.reserve([key], 5));
    expect(limiter.size).toBe(3);
    expect((await limiter.status(ids[2]!)).currentlyAvailable).toBe(10);
    expect((await limiter.status(ids[3]!)).currentlyAvailable).toBe(5);

  });

  it('drops a bucket at once when a refund fills it again', async () => {
    const limiter = new MemoryRateLimiter({ clock: manualClock().now });
    const refunded = reservationOf(await limiter.reserve([bucket('ip:5', 10, 1)], 4));
    expect(limiter.size).toBe(1);
    await limiter.settle(refunded, 0);
    expect(limiter.size).toBe(0);
  });

  it('refuses malformed requests: no bucket, a bucket named twice, a negative cost, a zero rate', async () => {
    const limiter = new MemoryRateLimiter();
    const key = bucket('org:a', 10, 1);
    await expect(limiter.reserve([], 1)).rejects.toThrow('at least one bucket');
    await expect(limiter.reserve([key, key], 1)).rejects.toThrow("Bucket 'org:a' is named twice.");
    await expect(limiter.reserve([key], -1)).rejects.toThrow('at least 0');
    await expect(limiter.reserve([bucket('org:b', 10, 0)], 1)).rejects.toThrow('positive capacity and restore rate');
    expect(await limiter.reserve([key], 0)).toMatchObject({ allowed: true, status: { currentlyAvailable: 10 } });
  });
});

describe('buckets by plan and caller', () => {
  const user: Principal = { kind: 'user', userId: 'usr_1', organizationId: 'org_1', role: 'member', permissions: [], sessionId: 'ses_1' };
  const apiKey: Principal = { kind: 'apiKey', apiKeyId: 'key_1', organizationId: 'org_1', permissions: [], createdByUserId: 'usr_1' };

  it("size the organization's bucket from its plan: 20 s of its rate, so Free holds one 1,000-point operation", () => {
    expect(organizationBucket('org_1', { apiPointsPerSecond: 50 })).toEqual({ id: 'org:org_1:50', capacity: 1_000, restorePerSecond: 50 });
    // Another plan is another bucket: an upgrade starts full instead of refilling the old level.
    expect(organizationBucket('org_1', { apiPointsPerSecond: 200 }, { burstSeconds: 10 })).toEqual({ id: 'org:org_1:200', capacity: 2_000, restorePerSecond: 200 });
  });

  it("give a user or key its organization's burst and half its rate, within that organization", () => {
    expect(principalBuckets(user as Exclude<Principal, { kind: 'anonymous' }>, { apiPointsPerSecond: 50 })).toEqual([
      { id: 'org:org_1:50', capacity: 1_000, restorePerSecond: 50 },
      { id: 'principal:org_1:usr_1:50', capacity: 1_000, restorePerSecond: 25 },
    ]);
    expect(principalBuckets(apiKey as Exclude<Principal, { kind: 'anonymous' }>, { apiPointsPerSecond: 200 }, { principalShare: 1 })[1]).toEqual({
      id: 'principal:org_1:key_1:200',
      capacity: 4_000,
      restorePerSecond: 200,
    });
  });

  it('limit anonymous callers by IPv4 address, and by /64 for IPv6', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:DB8:0:1::7')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8:0:2::7')).not.toBe(addressKey('2001:db8:0:1::7'));
    expect(addressBucket('2001:db8:0:1::7', 5)).toEqual({ id: 'ip:2001:db8:0:1::/64', capacity: 100, restorePerSecond: 5 });
  });
});

describe('rate-limit headers (draft-ietf-httpapi-ratelimit-headers-11)', () => {
  const policy = { capacity: 1_000, restorePerSecond: 50 };

  it('advertise the policy and what is left, with the time until the bucket is full', () => {
    expect(rateLimitHeaders(policy, { maximumAvailable: 1_000, currentlyAvailable: 400, restoreRate: 50 })).toEqual({
      'ratelimit-policy': '"cost";q=1000;w=20',
      ratelimit: '"cost";r=400;t=12',
    });
    expect(rateLimitHeaders(policy, { maximumAvailable: 1_000, currentlyAvailable: 1_000, restoreRate: 50 }).ratelimit).toBe('"cost";r=1000;t=0');
    // A principal's bucket restoring at half the rate takes twice as long to fill.
    expect(rateLimitHeaders(policy, { maximumAvailable: 1_000, currentlyAvailable: 990, restoreRate: 25 }).ratelimit).toBe('"cost";r=990;t=1');
  });

  it('add Retry-After on a refusal and end the effective window with it', () => {
    expect(rateLimitHeaders({ ...policy, name: 'org' }, { maximumAvailable: 1_000, currentlyAvailable: 3, restoreRate: 50 }, 2.2)).toEqual({
      'ratelimit-policy': '"org";q=1000;w=20',
      ratelimit: '"org";r=3;t=3',
      'retry-after': '3',
    });
  });

  it('refuse a policy name that would break the structured field', () => {
    expect(() => rateLimitHeaders({ ...policy, name: 'a"b' }, { maximumAvailable: 1, currentlyAvailable: 1, restoreRate: 1 })).toThrow('cannot be a policy name');
  });
});
