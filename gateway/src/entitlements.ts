import type { InternalClient, Logger } from '@platform/kit';
import { ANONYMOUS } from '@platform/schema';

/** An organization's API limits, as billing's `/internal/entitlements` answers them. */
export interface Entitlements {
  /** The plan whose limits apply ('free', 'pro', ...). */
  plan: string;
  apiPointsPerSecond: number;
  /** null: unlimited. */
  apiPointsPerMonth: number | null;
}

export interface EntitlementsCacheOptions {
  /** Signs the call the way the gateway signs every subgraph request. */
  internal: InternalClient;
  /** Billing's URL (its /graphql); the route beside it is called. */
  billingUrl: string;
  /**
   * What an organization gets while billing has never answered for it (billing down or failing):
   * the free plan's defaults from configuration. Once billing has answered, its last answer is used instead.
   */
  fallback: Entitlements;
  /** How long an answer is used before asking again; default 30 s (a plan change reaches the limits within it). */
  ttlMs?: number;
  /**
   * After a failed call, how long the fallback (or last answer) is used before trying again; default
   * 5 s. The retry, like any refresh, runs behind the value already held: no request waits for it.
   */
  retryAfterFailureMs?: number;
  /** The longest an organization's first request waits for billing before it gets the fallback; default 2 s. */
  timeoutMs?: number;
  /** The most organizations remembered; default 10,000 (the longest unrefreshed are forgotten first). */
  maxEntries?: number;
  logger: Logger;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
}

interface Entry {
  value: Entitlements;
  expiresAt: number;
  /** Whether the value is billing's answer rather than the fallback. */
  answered: boolean;
}

const ROUTE = '/internal/entitlements';

function parseEntitlements(answer: unknown): Entitlements | null {
  const { plan, apiPointsPerSecond, apiPointsPerMonth } = (answer ?? {}) as Record<string, unknown>;
  if (typeof plan !== 'string' || plan === '') return null;
  if (typeof apiPointsPerSecond !== 'number' || !Number.isFinite(apiPointsPerSecond) || apiPointsPerSecond <= 0) return null;
  if (apiPointsPerMonth !== null && (typeof apiPointsPerMonth !== 'number' || !Number.isFinite(apiPointsPerMonth) || apiPointsPerMonth < 0)) return null;
  return { plan, apiPointsPerSecond, apiPointsPerMonth };
}

/**
 * Organizations' API limits, asked of billing and kept for a short while. One call per organization
 * at a time (callers arriving meanwhile share it). An answer past its TTL is still returned at once
 * while a fresh one is fetched in the background, so only an organization's first request waits for
 * billing. It never fails: when billing cannot answer, the last answer stands, else the fallback.
 */
export class EntitlementsCache {
  private readonly options: EntitlementsCacheOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entitlements>>();
  private readonly clock: () => number;
  private readonly log: Logger;

  constructor(options: EntitlementsCacheOptions) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.log = options.logger.child({ component: 'entitlements' });
  }

  async get(organizationId: string, requestId = `entitlements-${Date.now()}`): Promise<Entitlements> {
    const entry = this.entries.get(organizationId);
    if (entry && entry.expiresAt > this.clock()) return entry.value;
    const fetching = this.fetch(organizationId, requestId);
    return entry ? entry.value : fetching;
  }

  /** Forgets an organization's answer (after a plan change this process saw), so the next request asks again. */
  invalidate(organizationId: string): void {
    this.entries.delete(organizationId);
  }

  private fetch(organizationId: string, requestId: string): Promise<Entitlements> {
    let pending = this.inFlight.get(organizationId);
    if (!pending) {
      pending = this.load(organizationId, requestId).finally(() => this.inFlight.delete(organizationId));
      this.inFlight.set(organizationId, pending);
    }
    return pending;
  }

  private async load(organizationId: string, requestId: string): Promise<Entitlements> {
    try {
      const answer = await this.options.internal.post(this.options.billingUrl, ROUTE, { organizationId }, {
        // The route names the organization; the call carries no one's authority.
        principal: ANONYMOUS,
        requestId,
        timeoutMs: this.options.timeoutMs ?? 2_000,
      });
      const value = parseEntitlements(answer);
      if (!value) throw new Error(`billing answered ${ROUTE} in an unexpected shape`);
      this.remember(organizationId, { value, expiresAt: this.clock() + (this.options.ttlMs ?? 30_000), answered: true });
      return value;
    } catch (error) {
      const known = this.entries.get(organizationId);
      const answered = known?.answered ?? false;
      this.log.warn({ err: (error as Error).message, organizationId, using: answered ? 'last answer' : 'fallback' }, "could not read the organization's entitlements from billing");
      const value = answered ? known!.value : this.options.fallback;
      this.remember(organizationId, { value, expiresAt: this.clock() + (this.options.retryAfterFailureMs ?? 5_000), answered });
      return value;
    }
  }

  private remember(organizationId: string, entry: Entry): void {
    this.entries.delete(organizationId);
    this.entries.set(organizationId, entry);
    const limit = this.options.maxEntries ?? 10_000;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= limit) break;
      this.entries.delete(oldest);
    }
  }
}
