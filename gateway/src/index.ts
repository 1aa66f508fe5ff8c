export { createGateway, type GatewayOptions, type RunningGateway } from './gateway.ts';
export { createRateLimiter, RedisRateLimiter, type BucketKey, type RateLimiter } from './rate-limit.ts';
export { gatewaySettings, gatewayEnvironment, type GatewaySettings } from './config.ts';
export type { SubscriptionStats } from './subscriptions/server.ts';
