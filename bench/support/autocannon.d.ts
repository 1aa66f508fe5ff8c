// The parts of autocannon 8 the benchmarks use (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
      headers?: Record<string, string>;
      body?: string;
      /** Seconds. */
      duration?: number;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      timeout?: number;
      /** A response whose body differs counts as a mismatch. */
      expectBody?: string;
      /** A response whose body this refuses counts as a mismatch (instead of expectBody). */
      verifyBody?: (body: string) => boolean;
      /** Keep the per-run result raw (encoded histograms); the caller aggregates. */
      skipAggregateResult?: boolean;
    }

    /** A run's result as it leaves run.js in a worker thread: histograms still encoded. */
    interface RawResult {
      latencies: string;
      requests: string;
      throughput: string;
      totalCompletedRequests: number;
      totalRequests: number;
      totalBytes: number;
      samples: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      /** Seconds. */
      duration: number;
      start: Date;
      finish: Date;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total?: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      [percentile: string]: number | undefined;
    }

    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
    }

    interface Instance extends EventEmitter, PromiseLike<RawResult | Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this;
      on(event: 'reqError', listener: (error: Error) => void): this;
      on(event: 'reqMismatch', listener: (body: string) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  interface Autocannon {
    (options: autocannon.Options): autocannon.Instance;
    aggregateResult(results: autocannon.RawResult[], options?: Partial<autocannon.Options>): autocannon.Result;
  }

  const autocannon: Autocannon;
  export default autocannon;
}
