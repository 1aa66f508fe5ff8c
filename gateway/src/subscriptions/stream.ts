import type { LiveMessage } from '@platform/kit';
import type { ExecutionResult } from 'graphql';
import type { LiveListener } from './fanout.ts';

/** An event's answer for one subscriber, as the JSON of its ExecutionResult; null: nothing to send them. */
export type LiveAnswer = string | null;

export interface LiveStreamOptions {
  organizationId: string;
  field: string;
  userId: string | null;
  /** Events waiting to be answered beyond which the consumer is too slow. */
  maxQueued: number;
  /** Works out an event's answer for this subscriber: at once when served from data, later through a query. */
  answer(message: LiveMessage, shared: Map<string, unknown>): LiveAnswer | Promise<LiveAnswer>;
  /** Sends an answer to the subscriber as this subscription's `next` message. */
  send(answer: string): void;
  /** Called when the queue is full: the connection is dropped. */
  onOverflow(): void;
  /** Called once when the stream ends, whoever ends it. */
  onEnd(stream: LiveStream): void;
}

/**
 * One subscription's events, in arrival order. An answer worked out at once is sent at once (the common
 * case: thousands of subscribers of one event cost no promise each); answers that need a query are
 * sent in order as they come, with a bounded queue, so a subscriber that falls behind is dropped
 * instead of growing memory.
 *
 * To graphql-ws it is the subscription's async iterator: it yields nothing (the answers go out through
 * `send`), finishes when the subscription ends, and throws when it fails, which graphql-ws turns into
 * the `complete` or `error` message.
 */
export class LiveStream implements LiveListener, AsyncIterableIterator<ExecutionResult> {
  readonly organizationId: string;
  readonly field: string;
  readonly userId: string | null;
  private readonly options: LiveStreamOptions;
  private readonly pending: Promise<LiveAnswer>[] = [];
  private draining = false;
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private ended = false;

  constructor(options: LiveStreamOptions) {
    this.options = options;
    this.organizationId = options.organizationId;
    this.field = options.field;
    this.userId = options.userId;
  }

  get finished(): boolean {
    return this.ended;
  }

  deliver(message: LiveMessage, shared: Map<string, unknown>): void {
    if (this.ended) return;
    if (this.pending.length >= this.options.maxQueued) {
      this.options.onOverflow();
      return;
    }
    let answer: LiveAnswer | Promise<LiveAnswer>;
    try {
      answer = this.options.answer(message, shared);
    } catch (error) {
      answer = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (!(answer instanceof Promise) && this.pending.length === 0) {
      if (answer !== null) this.options.send(answer);
      return;
    }
    const queued = Promise.resolve(answer);
    // Settled here too, so a rejection is never unhandled while it waits its turn.
    queued.catch(() => {});
    this.pending.push(queued);
    void this.drain();
  }

  /** Ends the stream with an error; graphql-ws sends it as the subscription's `error` message. */
  fail(error: Error): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    this.wakeUp();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    while (!this.ended && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    const failure = this.failure;
    this.end();
    if (failure) throw failure;
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops taking events and lets go of what was queued; idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending.length = 0;
    this.wakeUp();
    this.options.onEnd(this);
  }

  /** Sends queued answers in arrival order, each once it is ready. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0 && !this.ended) {
        let answer: LiveAnswer;
        try {
          answer = await this.pending[0]!;
        } catch (error) {
          this.fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        this.pending.shift();
        if (answer !== null && !this.ended && !this.failure) this.options.send(answer);
      }
    } finally {
      this.draining = false;
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
