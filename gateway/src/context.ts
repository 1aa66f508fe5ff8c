import type { Principal } from '@platform/schema';
import type { OperationCost } from './cost.ts';
import type { RateLimitPolicy, Reservation } from './rate-limit.ts';

/** What the gateway knows about a request once it is authenticated. */
export interface GatewayContext {
  requestId: string;
  principal: Principal;
  clientIp: string | null;
  userAgent: string | null;
  /** The signed-principal envelope, encoded once per request for every subgraph call. */
  envelope: string;
  /**
   * The operation's cost, once it is priced (after authorization, before any subgraph). Apollo gives
   * every operation of a batch its own shallow copy of the context, so this is per operation. A rate
   * limiter sets `throttleStatus` on it; the response reports it in `extensions.cost`.
   */
  cost: OperationCost | null;
  /** What the operation reserved in the rate limiter, settled with its actual cost when the response is sent. */
  throttle: { reservation: Reservation; policy: RateLimitPolicy } | null;
  /**
   * Already paid for: a subscription's event resolved through a query field. Its subscription was
   * charged once when it started, so the event is authorized and priced but charges no bucket.
   */
  prepaid?: boolean;
}
