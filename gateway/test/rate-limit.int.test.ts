import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { backing } from '@platform/kit/test-config.ts';
import { RedisRateLimiter, type BucketKey, type ReserveResult } from '../src/rate-limit.ts';

// The Redis of the test run: these run in the suite's PostgreSQL-and-Redis pass (REDIS_URL set), since
// the embedded default needs no Redis. Keys live under a prefix of this file's own.
const REDIS_URL = backing.redisUrl ?? '';
const withRedis = backing.redisUrl ? describe : describe.skip;
const NAMESPACE = `test_ratelimit_${randomBytes(6).toString('hex')}`;

const bucket = (capacity: number, restorePerSecond: number, kind = 'org'): BucketKey => ({
  id: `${kind}:${randomBytes(6).toString('hex')}`,
  capacity,
  restorePerSecond,
});
const allowedCount = (results: ReserveResult[]) => results.filter((result) => result.allowed).length;

/** Redis's clock in seconds, the one the script refills by. */
async function redisTime(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) + Number(micros) / 1e6;
}

withRedis('token buckets on Redis', () => {
  let admin: Redis;
  let shared: Redis;
  let gatewayA: RedisRateLimiter;
  let gatewayB: RedisRateLimiter;

  beforeAll(async () => {
    admin = new Redis(REDIS_URL);
    // Like two gateway processes: one opens its own connection from the URL, the other is handed a client.
    shared = new Redis(REDIS_URL);
    // A generous timeout: a loaded test machine must not push them into degraded mode mid-test.
    gatewayA = new RedisRateLimiter({ redis: REDIS_URL, namespace: NAMESPACE, timeoutMs: 5_000 });
    gatewayB = new RedisRateLimiter({ redis: shared, namespace: NAMESPACE, timeoutMs: 5_000 });
    expect(await gatewayA.ready()).toBe(true);
    expect(await gatewayB.ready()).toBe(true);
  });

  afterAll(async () => {
    await Promise.all([gatewayA.close(), gatewayB.close()]);
    const keys = await admin.keys(`${NAMESPACE}:*`);
    if (keys.length > 0) await admin.del(...keys);
    await Promise.all([admin.quit(), shared.quit()]);
  });

  afterEach(() => {
    expect(gatewayA.health()).toEqual({ driver: 'redis', degraded: false, reason: null, since: null });
    expect(gatewayB.health()).toEqual({ driver: 'redis', degraded: false, reason: null, since: null });
  });

  describe('Redis token buckets shared by several gateways', () => {
    it('never admit more than the capacity plus what was restored, under a concurrent burst from two gateways', async () => {
      const key = bucket(20, 1);
      const before = await redisTime(admin);
      const results = await Promise.all(Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? gatewayA : gatewayB).reserve([key], 1)));
      const after = await redisTime(admin);
      const restored = Math.floor((after - before) * key.restorePerSecond);
      const admitted = allowedCount(results);
      expect(admitted).toBeGreaterThanOrEqual(key.capacity);
      // Each gateway on its own buckets would have admitted the capacity twice over.
      expect(admitted).toBeLessThanOrEqual(key.capacity + restored);
      const refused = results.find((result) => !result.allowed);
      expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1, exceedsCapacity: false, status: { maximumAvailable: 20, restoreRate: 1 } });
    });

    it('charge the organization and the principal together or not at all, under concurrency', async () => {
      // A restore this slow adds under a thousandth of a point during the test: every count is exact.
      const organization = bucket(30, 0.001);
      const small = bucket(10, 0.001, 'principal');
      const large = bucket(50, 0.001, 'principal');
      const [viaSmall, viaLarge] = await Promise.all([
        Promise.all(Array.from({ length: 40 }, () => gatewayA.reserve([organization, small], 1))),
        Promise.all(Array.from({ length: 40 }, () => gatewayB.reserve([organization, large], 1))),
      ]);
      const fromSmall = allowedCount(viaSmall);
      const fromLarge = allowedCount(viaLarge);
      // Had a refusal by the small principal's bucket charged the organization, it would run dry early.
      expect(fromSmall + fromLarge).toBe(30);
      expect(fromSmall).toBeLessThanOrEqual(10);
      expect((await gatewayA.status(organization)).currentlyAvailable).toBe(0);
      expect((await gatewayB.status(small)).currentlyAvailable).toBe(10 - fromSmall);
      expect((await gatewayA.status(large)).currentlyAvailable).toBe(50 - fromLarge);
    });

    it('give back the unused part of a reservation once, never above capacity nor below zero', async () => {
      const key = bucket(20, 0.001);
      const first = await gatewayA.reserve([key], 10);
      if (!first.allowed) throw new Error('the first reservation should fit');
      expect(first.status).toEqual({ maximumAvailable: 20, currentlyAvailable: 10, restoreRate: 0.001 });
      expect(await gatewayA.settle(first.reservation, 4)).toEqual({ maximumAvailable: 20, currentlyAvailable: 16, restoreRate: 0.001 });
      expect((await gatewayB.status(key)).currentlyAvailable).toBe(16);
      expect((await gatewayA.settle(first.reservation, 0)).currentlyAvailable).toBe(16);

      const second = await gatewayB.reserve([key], 2);
      if (!second.allowed) throw new Error('the second reservation should fit');
      expect((await gatewayB.settle(second.reservation, 500)).currentlyAvailable).toBe(0);
      expect(await gatewayA.reserve([key], 1)).toMatchObject({ allowed: false, status: { currentlyAvailable: 0 } });
    });

    it('keep a key only while its bucket is not full, and expire it when it would be', async () => {
      const key = bucket(10, 0.001);
      const redisKey = `${NAMESPACE}:ratelimit:${key.id}`;
      const result = await gatewayA.reserve([key], 5);
      if (!result.allowed) throw new Error('the reservation should fit');
      const ttl = await admin.pttl(redisKey);
      // 5 points at 0.001 points/s refill in 5,000 s.
      expect(ttl).toBeGreaterThan(4_990_000);
      expect(ttl).toBeLessThanOrEqual(5_000_001);
      await gatewayA.settle(result.reservation, 0);
      expect(await admin.exists(redisKey)).toBe(0);
      expect(await gatewayB.status(key)).toEqual({ maximumAvailable: 10, currentlyAvailable: 10, restoreRate: 0.001 });
    });

    it('refuse a cost no bucket of that size can hold, without charging', async () => {
      const key = bucket(10, 1);
      expect(await gatewayA.reserve([key], 11)).toMatchObject({ allowed: false, exceedsCapacity: true, status: { currentlyAvailable: 10 } });
      expect(await admin.exists(`${NAMESPACE}:ratelimit:${key.id}`)).toBe(0);
    });
  });

  /** Waits for `condition` to hold, checking every 50 ms (running `poke` before each check); fails after `limitMs`. */
  async function eventually(condition: () => boolean, limitMs = 15_000, poke: () => void = () => {}): Promise<void> {
    for (let waited = 0; (poke(), !condition()); waited += 50) {
      if (waited >= limitMs) throw new Error('the condition never held');
      await sleep(50);
    }
  }

  /** A free local port for a Redis of this test's own. */
  async function freePort(): Promise<number> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    return port;
  }

  async function startRedis(port: number): Promise<ChildProcess> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await eventually(() => probe.status === 'ready', 10_000, () => {
        if (probe.status === 'wait' || probe.status === 'end') probe.connect().catch(() => {});
      });
    } finally {
      probe.disconnect();
    }
    return child;
  }

  async function stopRedis(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }


  describe('when Redis goes away mid-run', () => {
    let port: number;
    let redis: ChildProcess;
    let limiter: RedisRateLimiter;

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
      limiter = new RedisRateLimiter({ redis: `redis://127.0.0.1:${port}`, namespace: NAMESPACE, retryIntervalMs: 100, timeoutMs: 2_000 });
      expect(await limiter.ready()).toBe(true);
    });

    afterAll(async () => {
      await limiter.close();
      await stopRedis(redis);
    });

    it('keeps serving from in-process buckets, says so in its health, and goes back to Redis when it answers again', async () => {
      const key = bucket(5, 0.001);
      const direct = new Redis({ port, host: '127.0.0.1' });
      // The script is loaded on demand: a Redis that forgot it (a restart, SCRIPT FLUSH) gets it again.
      await direct.script('FLUSH');
      expect(await limiter.reserve([key], 3)).toMatchObject({ allowed: true, status: { currentlyAvailable: 2 } });
      expect(await limiter.reserve([key], 3)).toMatchObject({ allowed: false });
      const heldInRedis = await limiter.reserve([key], 2);
      expect(heldInRedis.allowed).toBe(true);
      direct.disconnect();

      await stopRedis(redis);
      // This gateway now limits alone: its own bucket for the key starts full.
      const degraded = await limiter.reserve([key], 3);
      expect(degraded).toMatchObject({ allowed: true, status: { currentlyAvailable: 2 } });
      expect(await limiter.reserve([key], 3)).toMatchObject({ allowed: false, status: { currentlyAvailable: 2 } });
      const health = limiter.health();
      expect(health).toMatchObject({ driver: 'redis', degraded: true, reason: expect.stringMatching(/Redis/) });
      expect(health.since).toBeInstanceOf(Date);
      // A reservation taken in Redis cannot be settled while it is away; its last known status stands.
      if (heldInRedis.allowed) expect(await limiter.settle(heldInRedis.reservation, 0)).toEqual(heldInRedis.status);
      // One taken in process is settled there.
      if (degraded.allowed) expect((await limiter.settle(degraded.reservation, 1)).currentlyAvailable).toBe(4);

      redis = await startRedis(port);
      await eventually(() => !limiter.health().degraded);
      expect(limiter.health()).toEqual({ driver: 'redis', degraded: false, reason: null, since: null });
      // The restarted Redis is empty: the bucket is full again there, and charged there.
      expect(await limiter.reserve([key], 5)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });
      const check = new Redis({ port, host: '127.0.0.1' });
      expect(await check.exists(`${NAMESPACE}:ratelimit:${key.id}`)).toBe(1);
      check.disconnect();
      expect(await limiter.reserve([key], 1)).toMatchObject({ allowed: false });
    });

    it('serves degraded from the start when Redis cannot be reached at all, then recovers when it comes up', async () => {
      const lonelyPort = await freePort();
      const lonely = new RedisRateLimiter({ redis: `redis://127.0.0.1:${lonelyPort}`, namespace: NAMESPACE, retryIntervalMs: 100 });
      let lonelyRedis: ChildProcess | undefined;
      try {
        expect(await lonely.ready(300)).toBe(false);
        const key = bucket(2, 0.001);
        expect(await lonely.reserve([key], 2)).toMatchObject({ allowed: true });
        expect(await lonely.reserve([key], 1)).toMatchObject({ allowed: false });
        expect(lonely.health()).toMatchObject({ degraded: true });

        lonelyRedis = await startRedis(lonelyPort);
        await eventually(() => !lonely.health().degraded);
        expect(await lonely.reserve([key], 2)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });
      } finally {
        await lonely.close();
        if (lonelyRedis) await stopRedis(lonelyRedis);
      }
    });
  });
});
