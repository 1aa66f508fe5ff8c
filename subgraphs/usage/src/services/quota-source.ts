import type { InternalClient } from '@platform/kit';
import { ANONYMOUS } from '@platform/schema';
import type { MonthlyQuota, QuotaSource } from './support.ts';

const ROUTE = '/internal/entitlements';

export interface BillingQuotaSourceOptions {
  internal: InternalClient;
  /** Billing's URL (its /graphql), read at each call; the route beside it is called. */
  billingUrl: () => string;
  /** How long an answer is used before asking again, in ms. */
  ttlMs: number;
  /** The most organizations remembered; default 10,000 (the oldest answers are forgotten first). */
  maxEntries?: number;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
}

function parseQuota(answer: unknown): MonthlyQuota {
  const { plan, apiPointsPerMonth } = (answer ?? {}) as Record<string, unknown>;
  if (typeof plan !== 'string' || plan === '') throw new Error(`billing answered ${ROUTE} without a plan`);
  if (apiPointsPerMonth !== null && (typeof apiPointsPerMonth !== 'number' || !Number.isFinite(apiPointsPerMonth) || apiPointsPerMonth < 0)) {
    throw new Error(`billing answered ${ROUTE} with an unexpected apiPointsPerMonth`);
  }
  return { plan, apiPointsPerMonth };
}

/** Organizations' monthly quotas from billing, each kept for a short while; concurrent askers share one call. */
export function billingQuotaSource(options: BillingQuotaSourceOptions): QuotaSource {
  const clock = options.clock ?? Date.now;
  const known = new Map<string, { value: MonthlyQuota; expiresAt: number }>();
  const inFlight = new Map<string, Promise<MonthlyQuota>>();

  async function load(organizationId: string, requestId: string): Promise<MonthlyQuota> {
    // The route names the organization; the call carries no one's authority.
    const answer = await options.internal.post(options.billingUrl(), ROUTE, { organizationId }, { principal: ANONYMOUS, requestId, timeoutMs: 2_000 });
    const value = parseQuota(answer);
    known.delete(organizationId);
    known.set(organizationId, { value, expiresAt: clock() + options.ttlMs });
    for (const oldest of known.keys()) {
      if (known.size <= (options.maxEntries ?? 10_000)) break;
      known.delete(oldest);
    }
    return value;
  }

  return {
    quotaOf(organizationId, requestId) {
      const entry = known.get(organizationId);
      if (entry && entry.expiresAt > clock()) return Promise.resolve(entry.value);
      let pending = inFlight.get(organizationId);
      if (!pending) {
        pending = load(organizationId, requestId).finally(() => inFlight.delete(organizationId));
        inFlight.set(organizationId, pending);
      }
      return pending;
    },
    invalidate(organizationId) {
      known.delete(organizationId);
    },
  };
}
