import type { Principal } from '@platform/schema';

/** What the gateway knows about a request once it is authenticated. */
export interface GatewayContext {
  requestId: string;
  principal: Principal;
  clientIp: string | null;
  userAgent: string | null;
  /** The signed-principal envelope, encoded once per request for every subgraph call. */
  envelope: string;
}
