/**
 * Runs one autocannon load in a worker thread, so that the load generator does not share an event loop
 * with the servers it measures. Posts back a LoadReport (see load.ts) with every 2xx latency.
 */
import autocannon from 'autocannon';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadOptions, LoadReport } from './load.ts';

const options = workerData as LoadOptions;

/** A GraphQL body without its extensions, as text; null when it is not JSON or carries errors. */
function dataOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
    return parsed.errors ? null : JSON.stringify(parsed.data);
  } catch {
    return null;
  }
}
const expectedData = options.expectBody === undefined ? null : dataOf(options.expectBody);
const latencies: number[] = [];
let firstMismatch: string | undefined;
let firstError: string | undefined;

const instance = autocannon({
  url: options.url,
  method: 'POST',
  headers: options.headers,
  body: options.body,
  duration: options.seconds,
  connections: options.connections,
  pipelining: 1,
  timeout: 10,
  // The data must match to the byte; extensions (the cost and the caller's bucket) change with every call.
  verifyBody: options.expectBody === undefined ? undefined : (body: string) => dataOf(body) === expectedData,
});
instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
});
instance.on('reqMismatch', (body) => {
  firstMismatch ??= body.slice(0, 500);
});
instance.on('reqError', (error) => {
  firstError ??= error.message;
});
const raw = (await instance) as autocannon.RawResult;

const samples = Float64Array.from(latencies);
const report: LoadReport = {
  seconds: raw.duration,
  completed: raw.totalCompletedRequests,
  ok: raw['2xx'],
  errors: raw.errors,
  timeouts: raw.timeouts,
  non2xx: raw.non2xx,
  mismatches: raw.mismatches,
  firstMismatch,
  firstError,
  latencies: samples,
};
parentPort!.postMessage(report, [samples.buffer]);
