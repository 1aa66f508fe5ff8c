/**
 * One gateway process for the fan-out benchmark (forked by bench/fanout.bench.ts, run with --expose-gc):
 * the gateway alone, no subgraphs (events are served from their data), on the in-process pub/sub or on
 * Redis when BENCH_REDIS_URL is set. It answers the parent's messages: memory, stats, publish, close.
 */
import { createGateway, createRateLimiter, gatewaySettings, RedisRateLimiter } from '@platform/gateway';
import { createInfrastructure, createLogger, liveChannel, type LiveMessage } from '@platform/kit';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type GatewayRequest = { type: 'memory' } | { type: 'stats' } | { type: 'publish'; message: Omit<LiveMessage, 'data'> & { data: Record<string, unknown> } } | { type: 'close' };

const redisUrl = process.env.BENCH_REDIS_URL || undefined;
const namespace = process.env.BENCH_NAMESPACE ?? 'bench';
const dataDir = await mkdtemp(join(tmpdir(), 'platform-bench-fanout-'));
const logger = createLogger({ service: 'bench-gateway', level: 'silent' });
const { settings } = gatewaySettings({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATA_DIR: dataDir,
  WEB_APP_DIR: '',
  ACCESS_TOKEN_SECRET: process.env.BENCH_ACCESS_TOKEN_SECRET,
  INTERNAL_SIGNING_SECRET: process.env.BENCH_INTERNAL_SIGNING_SECRET,
  // Every subscriber belongs to one organization: buckets too big to ever refuse a subscribe.
  RATE_LIMIT_BURST_SECONDS: '100000000',
});
const infra = await createInfrastructure({ redisUrl, namespace, logger });
const rateLimiter = redisUrl ? createRateLimiter({ redis: redisUrl, namespace, logger }) : createRateLimiter();
if (rateLimiter instanceof RedisRateLimiter) await rateLimiter.ready();
const gateway = await (await createGateway({ settings, infra, logger, rateLimiter })).listen(0, '127.0.0.1');

const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (request: GatewayRequest) => {
  void (async () => {
    switch (request.type) {
      case 'memory': {
        for (let round = 0; round < 3; round += 1) gc?.();
        process.send!({ type: 'memory', usage: process.memoryUsage() });
        break;
      }
      case 'stats':
        process.send!({ type: 'stats', stats: gateway.subscriptions.stats() });
        break;
      case 'publish': {
        // Stamped here, as close to the publish as the process gets: the latency runs from this instant.
        const publishedAt = performance.timeOrigin + performance.now();
        const message = { ...request.message, data: { ...request.message.data, body: String(publishedAt) } };
        await infra.pubsub.publish(liveChannel(message.organizationId), JSON.stringify(message));
        process.send!({ type: 'published' });
        break;
      }
      case 'close':
        await gateway.close();
        await infra.close();
        await rm(dataDir, { recursive: true, force: true });
        process.exit(0);
    }
  })();
});

process.send!({ type: 'ready', url: gateway.url.replace('localhost', '127.0.0.1') });
