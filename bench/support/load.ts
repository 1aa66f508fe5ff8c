import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  seconds: number;
  connections: number;
  /** Every response must have exactly this body; any other counts as a mismatch. */
  expectBody?: string;
}

export interface LoadReport {
  /** How long the run actually took, in seconds. */
  seconds: number;
  /** Responses received, whatever their status. */
  completed: number;
  /** 2xx responses. */
  ok: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx responses whose body was not the expected one (GraphQL errors, other data). */
  mismatches: number;
  firstMismatch?: string;
  firstError?: string;
  /** Milliseconds, one per 2xx response. */
  latencies: Float64Array;
}

/** One autocannon run in its own worker thread; resolves when it is over. */
export function runLoad(options: LoadOptions): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: options });
    let report: LoadReport | undefined;
    worker.once('message', (message: LoadReport) => {
      report = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (report) resolve(report);
      else reject(new Error(`The load worker exited with code ${code} without a result`));
    });
  });
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p97_5: number;
  p99: number;
  max: number;
}

/** Exact percentiles (nearest rank) over every sample. */
export function summarize(samples: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (percentile: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)]!);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p97_5: at(97.5),
    p99: at(99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

export function concatSamples(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}
