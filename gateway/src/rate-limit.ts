import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from '@platform/kit';
import type { Principal } from '@platform/schema';

/*
 * Token buckets charged in query cost points (issue 6, "Rate limits").
 *
 * A request names every bucket it draws from (its organization's and its principal's, or its
 * address's when anonymous) and must fit in all of them: the requested cost is reserved from all
 * or from none, and once the response is known the difference to the actual cost is given back.
 * A bucket holds at most `capacity` points and refills continuously at `restorePerSecond`. A full
 * bucket is not stored at all (absent means full), so idle callers cost no memory and no Redis key.
 *
 * Two stores: in process (the embedded default; one gateway) and Redis (several gateways share the
 * buckets; one Lua script refills, checks and charges atomically on Redis's own clock).
 *
 * When Redis cannot be reached the gateway keeps serving: each gateway falls back to in-process
 * buckets of its own (with N gateways a caller may then get up to N times its rate), health()
 * reports `degraded` with the reason, and Redis is tried again every `retryIntervalMs` until it
 * answers. Failing open was chosen over failing closed because the limits protect capacity, not
 * data: refusing every request while Redis is down would turn a cache outage into an API outage.
 */

/** A bucket a request is charged to, with its parameters (they come from the plan, so they travel with the key). */
export interface BucketKey {
  /** `org:<organization id>`, `principal:<organization id>:<user or key id>`, `ip:<address>`. */
  id: string;
  /** The most points the bucket holds: the largest burst. */
  capacity: number;
  /** Points restored per second, continuously. */
  restorePerSecond: number;
}

/** The state of one bucket, in the shape of Shopify's `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  /** Whole points available now (rounded down, so it never promises more than there is). */
  currentlyAvailable: number;
  restoreRate: number;
}

/** Points reserved for one request; settle it once with the actual cost. */
export class Reservation {
  readonly keys: readonly BucketKey[];
  readonly cost: number;
  /** Where the points were taken, so they are given back there. */
  readonly store: 'redis' | 'memory';
  /** The most constraining bucket right after the reservation. */
  readonly status: ThrottleStatus;
  settled = false;

  constructor(keys: readonly BucketKey[], cost: number, store: 'redis' | 'memory', status: ThrottleStatus) {
    this.keys = keys;
    this.cost = cost;
    this.store = store;
    this.status = status;
  }
}

export type ReserveResult =
  | { allowed: true; reservation: Reservation; status: ThrottleStatus }
  | {
      allowed: false;
      /** Whole seconds until every bucket holds the cost (at least 1): the Retry-After value. */
      retryAfterSeconds: number;
      /** The bucket that refused (the one that needs the longest to refill). */
      status: ThrottleStatus;
      /**
       * The cost is larger than a bucket can ever hold: waiting will not help. Answer it like an
       * operation over the cost limit, naming the capacity; retryAfterSeconds is then the time to a full bucket.
       */
      exceedsCapacity: boolean;
    };

export interface RateLimiterHealth {
  driver: 'memory' | 'redis';
  /** True while Redis is unreachable and this gateway limits with in-process buckets alone. */
  degraded: boolean;
  /** Why it is degraded (the last Redis error); null when healthy. */
  reason: string | null;
  /** When it became degraded; null when healthy. */
  since: Date | null;
}

export interface RateLimiter {
  /**
   * Reserves `cost` points from every bucket in `keys`, or from none when any of them lacks it.
   * `now` (epoch ms) overrides the clock of the in-process store; Redis always uses its own clock.
   */
  reserve(keys: readonly BucketKey[], cost: number, now?: number): Promise<ReserveResult>;
  /**
   * Gives back what was reserved beyond `actualCost` (or takes the excess when the actual cost is
   * higher), never below 0 nor above capacity. A second settle of the same reservation does nothing.
   * Returns the most constraining bucket afterwards (for `extensions.cost.throttleStatus`).
   */
  settle(reservation: Reservation, actualCost: number, now?: number): Promise<ThrottleStatus>;
  /** The bucket as it is now, without charging it. */
  status(key: BucketKey, now?: number): Promise<ThrottleStatus>;
  health(): RateLimiterHealth;
  close(): Promise<void>;
}

function assertKeys(keys: readonly BucketKey[], amount: number): void {
  if (keys.length === 0) throw new Error('A rate-limited request names at least one bucket.');
  if (!Number.isFinite(amount) || amount < 0) throw new Error(`A cost must be a finite number of points, at least 0 (got ${amount}).`);
  const seen = new Set<string>();
  for (const key of keys) {
    if (!(key.capacity > 0 && Number.isFinite(key.capacity)) || !(key.restorePerSecond > 0 && Number.isFinite(key.restorePerSecond))) {
      throw new Error(`Bucket '${key.id}' needs a positive capacity and restore rate.`);
    }
    if (seen.has(key.id)) throw new Error(`Bucket '${key.id}' is named twice.`);
    seen.add(key.id);
  }
}

function statusOf(key: BucketKey, level: number): ThrottleStatus {
  return { maximumAvailable: key.capacity, currentlyAvailable: Math.max(0, Math.floor(level + 1e-9)), restoreRate: key.restorePerSecond };
}

/** The bucket with the fewest points left: it bounds the next request. */
function tightest(keys: readonly BucketKey[], levels: readonly number[]): ThrottleStatus {
  let index = 0;
  for (let candidate = 1; candidate < keys.length; candidate += 1) if (levels[candidate]! < levels[index]!) index = candidate;
  return statusOf(keys[index]!, levels[index]!);
}

/** The refusal for a cost that does not fit in every bucket, or null when it fits. */
function refusal(keys: readonly BucketKey[], levels: readonly number[], cost: number): Extract<ReserveResult, { allowed: false }> | null {
  let worst = -1;
  let wait = 0;
  let exceedsCapacity = false;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const level = levels[index]!;
    if (level >= cost) continue;
    const seconds = cost > key.capacity ? (key.capacity - level) / key.restorePerSecond : (cost - level) / key.restorePerSecond;
    if (cost > key.capacity) exceedsCapacity = true;
    if (worst < 0 || seconds > wait) {
      worst = index;
      wait = seconds;
    }
  }
  if (worst < 0) return null;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait - 1e-9)), status: statusOf(keys[worst]!, levels[worst]!), exceedsCapacity };
}

interface MemoryBucket {
  tokens: number;
  updatedAt: number;
  capacity: number;
  restorePerSecond: number;
}

export interface MemoryRateLimiterOptions {
  /** Epoch milliseconds; default Date.now. Tests pass their own. */
  clock?: () => number;
  /**
   * The most buckets kept; default 100,000 (a few MB). Full buckets are dropped first; beyond that
   * the least recently charged are forgotten, which forgives their debt: bounded memory wins.
   */
  maxBuckets?: number;
  /** Full buckets are swept every this many charges; default 1,000. */
  sweepEvery?: number;
}

/** Buckets in this process: the embedded default, and the fallback of the Redis store. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, MemoryBucket>();
  private readonly clock: () => number;
  private readonly maxBuckets: number;
  private readonly sweepEvery: number;
  private writes = 0;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.maxBuckets = options.maxBuckets ?? 100_000;
    this.sweepEvery = options.sweepEvery ?? 1_000;
  }

  /** How many buckets are held (full ones are not). */
  get size(): number {
    return this.buckets.size;
  }

  async reserve(keys: readonly BucketKey[], cost: number, now = this.clock()): Promise<ReserveResult> {
    return this.reserveNow(keys, cost, now);
  }

  async settle(reservation: Reservation, actualCost: number, now = this.clock()): Promise<ThrottleStatus> {
    return this.settleNow(reservation, actualCost, now);
  }

  async status(key: BucketKey, now = this.clock()): Promise<ThrottleStatus> {
    assertKeys([key], 0);
    return statusOf(key, this.level(key, now));
  }

  health(): RateLimiterHealth {
    return { driver: 'memory', degraded: false, reason: null, since: null };
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  /** Synchronous, hence atomic: nothing else runs between the check and the charge. */
  reserveNow(keys: readonly BucketKey[], cost: number, now: number): ReserveResult {
    assertKeys(keys, cost);
    const levels = keys.map((key) => this.level(key, now));
    const refused = refusal(keys, levels, cost);
    if (refused) return refused;
    const after = levels.map((level) => level - cost);
    keys.forEach((key, index) => this.write(key, after[index]!, now));
    const status = tightest(keys, after);
    return { allowed: true, reservation: new Reservation(keys, cost, 'memory', status), status };
  }

  settleNow(reservation: Reservation, actualCost: number, now: number): ThrottleStatus {
    assertKeys(reservation.keys, actualCost);
    const refund = reservation.settled ? 0 : reservation.cost - actualCost;
    reservation.settled = true;
    const after = reservation.keys.map((key) => Math.max(0, Math.min(key.capacity, this.level(key, now) + refund)));
    if (refund !== 0) reservation.keys.forEach((key, index) => this.write(key, after[index]!, now));
    return tightest(reservation.keys, after);
  }

  private level(key: BucketKey, now: number): number {
    const bucket = this.buckets.get(key.id);
    if (!bucket) return key.capacity;
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    return Math.min(key.capacity, bucket.tokens + elapsedSeconds * key.restorePerSecond);
  }

  private write(key: BucketKey, tokens: number, now: number): void {
    // Re-inserting keeps the Map in least-recently-charged order, for eviction.
    this.buckets.delete(key.id);
    if (tokens < key.capacity) this.buckets.set(key.id, { tokens, updatedAt: now, capacity: key.capacity, restorePerSecond: key.restorePerSecond });
    this.writes += 1;
    if (this.writes % this.sweepEvery === 0) this.sweep(now);
    // Over the bound (a flood of distinct callers): forget the least recently charged, most likely full anyway.
    for (const id of this.buckets.keys()) {
      if (this.buckets.size <= this.maxBuckets) break;
      this.buckets.delete(id);
    }
  }

  /** Drops the buckets that refilled: absent means full. */
  private sweep(now: number): void {
    for (const [id, bucket] of this.buckets) {
      if (bucket.tokens + (Math.max(0, now - bucket.updatedAt) / 1000) * bucket.restorePerSecond >= bucket.capacity) this.buckets.delete(id);
    }
  }
}

/**
 * One script for every operation, so each is atomic across all the buckets it names:
 * KEYS = the buckets; ARGV = mode ('reserve' | 'adjust' | 'peek'), amount (the cost to reserve, or
 * the points to give back, negative to take), then capacity and restore rate per bucket.
 * It refills each bucket from the time elapsed on Redis's clock (TIME, so every gateway agrees),
 * then 'reserve' charges all or none, and 'adjust' adds the amount clamped to [0, capacity].
 * A bucket that ends full is deleted; any other expires when it would be full again.
 * Replies: allowed (1|0), Redis time in microseconds, then each bucket's level.
 * One script touches several keys, so on Redis Cluster they would need one hash slot; the platform
 * runs a single Redis (or a primary with replicas), where any keys go.
 */
const BUCKET_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local mode = ARGV[1]
local amount = tonumber(ARGV[2])
local levels = {}
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[1 + i * 2])
  local rate = tonumber(ARGV[2 + i * 2])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local level = capacity
  if state[1] and state[2] then
    local elapsed = math.max(0, now - tonumber(state[2]))
    level = math.min(capacity, tonumber(state[1]) + elapsed * rate / 1000000)
  end
  levels[i] = level
end
local allowed = 1
if mode == 'reserve' then
  for i = 1, #KEYS do
    if levels[i] < amount then allowed = 0 end
  end
end
if allowed == 1 and mode ~= 'peek' then
  for i, key in ipairs(KEYS) do
    local capacity = tonumber(ARGV[1 + i * 2])
    local rate = tonumber(ARGV[2 + i * 2])
    local level
    if mode == 'reserve' then
      level = levels[i] - amount
    else
      level = math.max(0, math.min(capacity, levels[i] + amount))
    end
    levels[i] = level
    if level >= capacity then
      redis.call('DEL', key)
    else
      redis.call('HSET', key, 'tokens', string.format('%.17g', level), 'at', string.format('%.0f', now))
      redis.call('PEXPIRE', key, string.format('%.0f', math.ceil((capacity - level) / rate * 1000) + 1))
    end
  end
end
local reply = { allowed, string.format('%.0f', now) }
for i = 1, #KEYS do
  reply[#reply + 1] = string.format('%.17g', levels[i])
end
return reply
`;
const BUCKET_SCRIPT_SHA = createHash('sha1').update(BUCKET_SCRIPT).digest('hex');

export interface RedisRateLimiterOptions {
  /**
   * The connection: an ioredis client to share (its owner closes it), or a redis:// URL for one of
   * the limiter's own, made to fail fast (no offline queue) so an outage never holds up a request.
   */
  redis: Redis | string;
  /** Prefix of every key, as the kit's infrastructure uses; default 'platform'. Keys are `<namespace>:ratelimit:<bucket id>`. */
  namespace?: string;
  logger?: Logger;
  /** The longest a Redis call may take before the request is served from the fallback; default 250 ms. */
  timeoutMs?: number;
  /** While degraded, how often a request tries Redis again; default 1,000 ms. */
  retryIntervalMs?: number;
  /** The in-process buckets used while Redis is unreachable; default a new MemoryRateLimiter. */
  fallback?: MemoryRateLimiter;
  /** Epoch milliseconds for the retry interval; default Date.now. */
  clock?: () => number;
}

class RedisTimeout extends Error {}

type Listener = Parameters<Redis['on']>[1];

/** Buckets in Redis, shared by every gateway; in-process buckets while Redis is unreachable. */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly prefix: string;
  private readonly log: Logger | undefined;
  private readonly timeoutMs: number;
  private readonly retryIntervalMs: number;
  private readonly fallback: MemoryRateLimiter;
  private readonly clock: () => number;
  private degradedSince: Date | null = null;
  private degradedReason: string | null = null;
  private nextAttemptAt = 0;
  private lastConnectionError: string | null = null;
  private readonly listeners: { event: string; handler: Listener }[] = [];

  constructor(options: RedisRateLimiterOptions) {
    this.ownsConnection = typeof options.redis === 'string';
    this.redis =
      typeof options.redis === 'string'
        ? new Redis(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2_000, lazyConnect: true })
        : options.redis;
    this.prefix = `${options.namespace ?? 'platform'}:ratelimit:`;
    this.log = options.logger?.child({ component: 'rate-limit' });
    this.timeoutMs = options.timeoutMs ?? 250;
    this.retryIntervalMs = options.retryIntervalMs ?? 1_000;
    this.fallback = options.fallback ?? new MemoryRateLimiter();
    this.clock = options.clock ?? Date.now;
    // The connection's own events keep health() true to the connection even between requests.
    this.listen('error', (error: Error) => {
      this.lastConnectionError = error.message;
    });
    this.listen('close', () => this.degrade(`the Redis connection closed${this.lastConnectionError ? ` (${this.lastConnectionError})` : ''}`, this.clock()));
    this.listen('ready', () => {
      this.lastConnectionError = null;
      this.recover();
    });
    // ioredis keeps reconnecting by itself after a failed first attempt.
    if (this.ownsConnection) this.redis.connect().catch(() => {});
  }

  /**
   * Resolves true once Redis answers, false after `timeoutMs` (default 2 s) without an answer (the
   * limiter then serves degraded, and recovers when Redis answers). For start-up, before listening.
   */
  async ready(timeoutMs = 2_000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.once('ready', onReady);
    });
  }

  private listen(event: string, handler: Listener): void {
    this.redis.on(event, handler);
    this.listeners.push({ event, handler });
  }

  async reserve(keys: readonly BucketKey[], cost: number, now?: number): Promise<ReserveResult> {
    assertKeys(keys, cost);
    const levels = await this.attempt(keys, 'reserve', cost);
    if (!levels) return this.fallback.reserveNow(keys, cost, now ?? this.clock());
    if (!levels.allowed) return refusal(keys, levels.levels, cost) ?? { allowed: false, retryAfterSeconds: 1, status: tightest(keys, levels.levels), exceedsCapacity: false };
    const status = tightest(keys, levels.levels);
    return { allowed: true, reservation: new Reservation(keys, cost, 'redis', status), status };
  }

  async settle(reservation: Reservation, actualCost: number, now?: number): Promise<ThrottleStatus> {
    assertKeys(reservation.keys, actualCost);
    if (reservation.store === 'memory') return this.fallback.settleNow(reservation, actualCost, now ?? this.clock());
    const refund = reservation.settled ? 0 : reservation.cost - actualCost;
    reservation.settled = true;
    const levels = await this.attempt(reservation.keys, refund === 0 ? 'peek' : 'adjust', refund);
    // The points were taken in Redis; giving them back in process would credit buckets that were never charged.
    if (!levels) return reservation.status;
    return tightest(reservation.keys, levels.levels);
  }

  async status(key: BucketKey, now?: number): Promise<ThrottleStatus> {
    assertKeys([key], 0);
    const levels = await this.attempt([key], 'peek', 0);
    if (!levels) return this.fallback.status(key, now ?? this.clock());
    return statusOf(key, levels.levels[0]!);
  }

  health(): RateLimiterHealth {
    return { driver: 'redis', degraded: this.degradedSince !== null, reason: this.degradedReason, since: this.degradedSince };
  }

  async close(): Promise<void> {
    for (const { event, handler } of this.listeners) this.redis.off(event, handler);
    await this.fallback.close();
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Runs the script, or answers null when Redis is unreachable (the caller then uses the fallback). */
  private async attempt(keys: readonly BucketKey[], mode: 'reserve' | 'adjust' | 'peek', amount: number): Promise<{ allowed: boolean; levels: number[] } | null> {
    const wallClock = this.clock();
    if (this.degradedSince && wallClock < this.nextAttemptAt) return null;
    if (this.redis.status !== 'ready') {
      this.degrade(`the Redis connection is ${this.redis.status}`, wallClock);
      return null;
    }
    const redisKeys = keys.map((key) => this.prefix + key.id);
    const args = [mode, String(amount), ...keys.flatMap((key) => [String(key.capacity), String(key.restorePerSecond)])];
    try {
      const reply = await this.withTimeout(this.evaluate(redisKeys, args));
      if (!Array.isArray(reply) || reply.length !== keys.length + 2) throw new Error('the rate-limit script answered in an unexpected shape');
      this.recover();
      return { allowed: Number(reply[0]) === 1, levels: reply.slice(2).map(Number) };
    } catch (error) {
      this.degrade(error instanceof RedisTimeout ? `Redis did not answer within ${this.timeoutMs} ms` : `Redis failed: ${(error as Error).message}`, wallClock);
      return null;
    }
  }

  private async evaluate(keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(BUCKET_SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(BUCKET_SCRIPT, keys.length, ...keys, ...args);
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeout()), this.timeoutMs);
    });
    // A call that times out may still be applied by Redis later: that over-charges, never under-charges.
    work.catch(() => {});
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private degrade(reason: string, now: number): void {
    this.nextAttemptAt = now + this.retryIntervalMs;
    this.degradedReason = reason;
    if (this.degradedSince) return;
    this.degradedSince = new Date(now);
    this.log?.warn({ reason }, 'rate limits degraded: Redis is unreachable, this gateway limits with in-process buckets alone');
  }

  private recover(): void {
    if (!this.degradedSince) return;
    this.log?.info({ degradedSince: this.degradedSince }, 'rate limits recovered: Redis answers again');
    this.degradedSince = null;
    this.degradedReason = null;
  }
}

export interface CreateRateLimiterOptions extends Omit<RedisRateLimiterOptions, 'redis'> {
  /** Redis connection string, or a client to share; without either the buckets stay in this process. */
  redis?: Redis | string;
}

/** The in-process store without Redis (the embedded default), the Redis store with it. */
export function createRateLimiter(options: CreateRateLimiterOptions = {}): RateLimiter {
  const { redis, ...rest } = options;
  if (!redis) return new MemoryRateLimiter({ clock: options.clock });
  return new RedisRateLimiter({ ...rest, redis });
}

/**
 * A plan's rate as seconds of burst: capacity = apiPointsPerSecond x this. 20 s is Shopify's
 * original bucket (1,000 points restored at 50 points/s), so our Free plan (50 points/s) holds
 * exactly one operation at Shopify's single-query maximum of 1,000 points, and every larger plan more.
 */
export const DEFAULT_BURST_SECONDS = 20;

/**
 * A principal (user or API key) restores at this share of its organization's rate, with the same
 * capacity. Equal numbers would make the principal's bucket redundant (every point it spends is
 * spent from the organization's bucket too, so the organization's always runs out first); a
 * principal may still burst as far as its organization (any operation that fits the organization
 * fits the principal), but one runaway integration can sustain only half the organization's rate,
 * leaving the other half to everyone else in it.
 */
export const DEFAULT_PRINCIPAL_SHARE = 0.5;

export interface BucketOptions {
  /** Default DEFAULT_BURST_SECONDS. */
  burstSeconds?: number;
  /** Default DEFAULT_PRINCIPAL_SHARE. */
  principalShare?: number;
}

/**
 * The organization's bucket: its plan's rate, with `burstSeconds` of it as capacity. The rate is part
 * of the bucket's id, so a plan change starts a full bucket of the new plan at once instead of
 * refilling the old one's level toward a new ceiling.
 */
export function organizationBucket(organizationId: string, limits: { apiPointsPerSecond: number }, options: BucketOptions = {}): BucketKey {
  const burstSeconds = options.burstSeconds ?? DEFAULT_BURST_SECONDS;
  return { id: `org:${organizationId}:${limits.apiPointsPerSecond}`, capacity: limits.apiPointsPerSecond * burstSeconds, restorePerSecond: limits.apiPointsPerSecond };
}

/** The buckets an authenticated caller is charged to: its organization's, then its own within that organization. */
export function principalBuckets(principal: Exclude<Principal, { kind: 'anonymous' }>, limits: { apiPointsPerSecond: number }, options: BucketOptions = {}): BucketKey[] {
  const organization = organizationBucket(principal.organizationId, limits, options);
  const who = principal.kind === 'user' ? principal.userId : principal.kind === 'apiKey' ? principal.apiKeyId : `system:${principal.actor}`;
  const share = options.principalShare ?? DEFAULT_PRINCIPAL_SHARE;
  return [organization, { id: `principal:${principal.organizationId}:${who}:${limits.apiPointsPerSecond}`, capacity: organization.capacity, restorePerSecond: organization.restorePerSecond * share }];
}

/**
 * The address an anonymous caller is limited by: IPv4 as is, IPv6 by its /64 (what one subscriber
 * usually holds, so rotating through one's own addresses does not buy a fresh bucket each time).
 */
export function addressKey(address: string): string {
  const bare = address.trim().replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => part.split(':').filter(Boolean).flatMap((group) => {
    if (!group.includes('.')) return [group];
    const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  });
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${all.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/** An anonymous caller's bucket, by address (see addressKey). */
export function addressBucket(address: string, pointsPerSecond: number, options: Pick<BucketOptions, 'burstSeconds'> = {}): BucketKey {
  const burstSeconds = options.burstSeconds ?? DEFAULT_BURST_SECONDS;
  return { id: `ip:${addressKey(address)}`, capacity: pointsPerSecond * burstSeconds, restorePerSecond: pointsPerSecond };
}

/** What RateLimit-Policy advertises: normally the organization's bucket (its plan), stable across responses. */
export interface RateLimitPolicy {
  /** The policy's name in both fields; default 'cost'. */
  name?: string;
  capacity: number;
  restorePerSecond: number;
}

/**
 * The IETF rate-limit fields, as draft-ietf-httpapi-ratelimit-headers-11 (May 2026) defines them:
 *   RateLimit-Policy: "cost";q=<capacity>;w=<seconds an empty bucket takes to fill>
 *   RateLimit: "cost";r=<points available now>;t=<seconds until the bucket is full again>
 * and Retry-After (whole seconds) on a refusal, where t is the Retry-After value as well (the draft
 * wants Retry-After no earlier than the end of the effective window). `qu` is left out: the draft's
 * registry has no unit for cost points, and the policy's name says what is counted.
 * `status` is the bucket that constrains the caller (it may be the principal's, fuller or emptier
 * than the organization's); the policy stays the plan's.
 */
export function rateLimitHeaders(policy: RateLimitPolicy, status: ThrottleStatus, retryAfterSeconds?: number): Record<string, string> {
  const name = policy.name ?? 'cost';
  if (!/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(name)) throw new Error(`'${name}' cannot be a policy name (a structured-field string without quotes or backslashes).`);
  const window = Math.max(1, Math.ceil(policy.capacity / policy.restorePerSecond - 1e-9));
  const remaining = Math.max(0, Math.floor(status.currentlyAvailable));
  const untilFull = Math.max(0, Math.ceil((status.maximumAvailable - remaining) / status.restoreRate - 1e-9));
  const headers: Record<string, string> = {
    'ratelimit-policy': `"${name}";q=${Math.floor(policy.capacity)};w=${window}`,
    ratelimit: `"${name}";r=${remaining};t=${retryAfterSeconds === undefined ? untilFull : Math.max(1, Math.ceil(retryAfterSeconds))}`,
  };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  return headers;
}
