import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewaySettings } from './config.ts';
import type { GatewayContext } from './context.ts';
import { queryCostExceeded } from './cost.ts';
import type { EntitlementsCache } from './entitlements.ts';
import { addressBucket, principalBuckets, rateLimitHeaders, type BucketKey, type RateLimitPolicy, type ReserveResult } from './rate-limit.ts';

/** The same error, answered with this HTTP status (Apollo answers 500 for errors thrown by plugins). */
export function withStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}

export type BucketsOf = (context: Pick<GatewayContext, 'principal' | 'clientIp' | 'requestId'>) => Promise<{ buckets: BucketKey[]; policy: RateLimitPolicy }>;

/** The buckets an operation is charged to, and the policy its headers advertise (its plan's). */
export function bucketResolver(limits: GatewaySettings['rateLimits'], entitlements: EntitlementsCache): BucketsOf {
  return async ({ principal, clientIp, requestId }) => {
    if (principal.kind === 'anonymous') {
      const bucket = addressBucket(clientIp ?? 'unknown', limits.anonymousPointsPerSecond, { burstSeconds: limits.burstSeconds });
      return { buckets: [bucket], policy: { capacity: bucket.capacity, restorePerSecond: bucket.restorePerSecond } };
    }
    const plan = await entitlements.get(principal.organizationId, requestId);
    const buckets = principalBuckets(principal, plan, { burstSeconds: limits.burstSeconds, principalShare: limits.principalShare });
    return { buckets, policy: { capacity: buckets[0]!.capacity, restorePerSecond: buckets[0]!.restorePerSecond } };
  };
}

/**
 * Why a reservation was refused: QUERY_COST_EXCEEDED (400) when the cost exceeds what the bucket can
 * ever hold, otherwise RATE_LIMITED (429) with when to retry and the RateLimit headers.
 */
export function rateLimitRefusal(requestedQueryCost: number, refused: Extract<ReserveResult, { allowed: false }>, policy: RateLimitPolicy): GraphQLError {
  if (refused.exceedsCapacity) return withStatus(queryCostExceeded(requestedQueryCost, policy.capacity), 400);
  return new GraphQLError(
    `Rate limited: this operation costs ${requestedQueryCost} points and ${refused.status.currentlyAvailable} are available, restoring ${refused.status.restoreRate} per second. Retry after ${refused.retryAfterSeconds} s.`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfter: refused.retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap(Object.entries(rateLimitHeaders(policy, refused.status, refused.retryAfterSeconds))) },
      },
    },
  );
}
