/**
 * `npm run bench:burst`: two gateway processes share one token bucket in Redis and fire at it as fast
 * as they can. The bucket must never admit more than its capacity plus what it restored while the
 * burst lasted; the script prints both, and exits 1 when the admitted cost exceeds them.
 *
 * Each process is a child of this one running the gateway's RedisRateLimiter (the same Lua script
 * every gateway runs), with its own Redis connection. Env: REDIS_URL (redis://127.0.0.1:6379),
 * BENCH_SECONDS (5), BENCH_CONCURRENCY (16) requests in flight per process.
 */
import { RedisRateLimiter, type BucketKey } from '@platform/gateway';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { positiveIntegerFromEnv } from './support/platform.ts';
import { formatTable } from './support/table.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const seconds = positiveIntegerFromEnv('BENCH_SECONDS', 5);
const concurrency = positiveIntegerFromEnv('BENCH_CONCURRENCY', 16);
/** An odd cost, so that the capacity is not a multiple of it and rounding would show. */
const COST = 7;
const PROCESSES = 2;

interface WorkerOrder {
  namespace: string;
  bucket: BucketKey;
  startAt: number;
  stopAt: number;
}

interface WorkerReport {
  admitted: number;
  refused: number;
  failed: number;
  lastAdmittedAt: number;
}

/** One gateway process: reserves COST again and again until stopAt, counting what the bucket admitted. */
async function runWorker(order: WorkerOrder): Promise<WorkerReport> {
  const limiter = new RedisRateLimiter({ redis: redisUrl, namespace: order.namespace });
  await limiter.ready();
  const report: WorkerReport = { admitted: 0, refused: 0, failed: 0, lastAdmittedAt: 0 };
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, order.startAt - Date.now())));
  const loop = async () => {
    while (Date.now() < order.stopAt) {
      try {
        const result = await limiter.reserve([order.bucket], COST);
        if (result.allowed) {
          report.admitted += COST;
          report.lastAdmittedAt = Date.now();
        } else {
          report.refused += 1;
        }
      } catch {
        report.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  if (limiter.health().degraded) report.failed += 1;
  await limiter.close();
  return report;
}

async function main(): Promise<number> {
  const namespace = `bench_burst_${randomBytes(4).toString('hex')}`;
  const bucket: BucketKey = { id: `org:bench_${randomBytes(4).toString('hex')}`, capacity: 1_000, restorePerSecond: 100 };
  const startAt = Date.now() + 1_500;
  const order: WorkerOrder = { namespace, bucket, startAt, stopAt: startAt + seconds * 1_000 };
  console.log(`Burst on one bucket from ${PROCESSES} processes sharing Redis at ${redisUrl}: capacity ${bucket.capacity}, restores ${bucket.restorePerSecond}/s, cost ${COST} per call, ${concurrency} calls in flight per process, ${seconds} s.`);
  const reports = await Promise.all(
    Array.from({ length: PROCESSES }, () => {
      const child = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      return new Promise<WorkerReport>((resolve, reject) => {
        child.once('message', (message) => resolve(message as WorkerReport));
        child.once('error', reject);
        child.once('exit', (code) => {
          if (code !== 0) reject(new Error(`a burst process exited with ${code}`));
        });
        child.send(order);
      });
    }),
  );
  const admitted = reports.reduce((sum, report) => sum + report.admitted, 0);
  const lastAdmittedAt = Math.max(...reports.map((report) => report.lastAdmittedAt));
  // The bucket started full at the first call; it restored at its rate until the last admitted call.
  const restored = bucket.restorePerSecond * Math.max(0, lastAdmittedAt - startAt) / 1000;
  const bound = bucket.capacity + restored;
  console.log(
    formatTable(
      ['process', 'admitted points', 'refused calls', 'failed calls'],
      [...reports.map((report, index) => [`${index + 1}`, `${report.admitted}`, `${report.refused}`, `${report.failed}`]), ['both', `${admitted}`, `${reports.reduce((sum, report) => sum + report.refused, 0)}`, `${reports.reduce((sum, report) => sum + report.failed, 0)}`]],
    ),
  );
  console.log(`\ncapacity ${bucket.capacity} + restored ${restored.toFixed(0)} (${bucket.restorePerSecond}/s over ${((lastAdmittedAt - startAt) / 1000).toFixed(2)} s) = ${bound.toFixed(0)}`);
  console.log(`admitted ${admitted}: ${admitted <= bound ? 'within' : 'OVER'} the bound (${((admitted / bound) * 100).toFixed(1)}% of it)`);
  const failed = reports.some((report) => report.failed > 0);
  if (failed) console.error('Some calls failed or Redis was unreachable: the figures are not a measure of the shared bucket.');
  return admitted <= bound && !failed ? 0 : 1;
}

if (process.argv.includes('--worker')) {
  process.once('message', (order) => {
    void runWorker(order as WorkerOrder).then(
      (report) => process.send?.(report, undefined, {}, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    console.error(`\nBurst benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  process.exit(code);
}
