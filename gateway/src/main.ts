/** Runs the gateway on its own (one container in production); the subgraphs run elsewhere. */
import { ConfigError, createInfrastructure, createLogger } from '@platform/kit';
import { createGateway } from './gateway.ts';
import { createRateLimiter, RedisRateLimiter } from './rate-limit.ts';
import { gatewaySettings } from './config.ts';

try {
  const { env, settings } = gatewaySettings();
  const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });
  const infra = await createInfrastructure({ redisUrl: env.REDIS_URL, logger });
  // Every gateway process shares the same buckets through Redis.
  const rateLimiter = env.REDIS_URL ? createRateLimiter({ redis: env.REDIS_URL, logger }) : createRateLimiter();
  if (rateLimiter instanceof RedisRateLimiter) await rateLimiter.ready();
  const running = await (await createGateway({ settings, infra, logger, rateLimiter })).listen(env.PORT, env.HOST);
  logger.info({ url: running.url, subscriptions: `${running.url.replace(/^http/, 'ws')}/graphql` }, 'gateway listening');
  const stop = async () => {
    logger.info('shutting down');
    await running.close();
    await infra.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
