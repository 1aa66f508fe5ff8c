import { ANONYMOUS, systemPrincipal, type Principal } from '@platform/schema';
import type { RequestContext } from './context.ts';
import { ConsumedEvent, EventCursor, OutboxEvent } from './db/entities.ts';
import type { Database } from './db/orm.ts';
import { idFloor, idTime } from './ids.ts';
import type { Infrastructure } from './infra.ts';
import type { InternalClient } from './internal-client.ts';
import type { Logger } from './logger.ts';
import { domainEventOf, EVENTS_CHANNEL, type DomainEvent } from './relay.ts';

/** The route every subgraph serves its outbox on, for other subgraphs' consumers. */
export const EVENT_FEED_PATH = '/internal/events/feed';

/** The most events one feed page holds. */
export const EVENT_FEED_MAX_PAGE = 500;

/**
 * How far back every read starts before the cursor. An event's id is taken when it is recorded, but
 * its transaction may commit a little later, after events with larger ids; re-reading this window
 * (and skipping what was handled) picks such a late commit up.
 */
export const EVENT_LOOKBACK_MS = 60_000;

/**
 * How often a consumer re-reads the look-back window when nothing asks for it sooner. Other reads
 * start at the cursor, so an idle consumer's poll costs one empty page. A wake-up for an event below
 * the cursor (a late commit, relayed after later events) asks for a look-back read at once.
 */
const LOOKBACK_EVERY_MS = 30_000;

/** Handler failures before an event is set aside as failed, so one bad event cannot stall the rest. */
export const EVENT_MAX_ATTEMPTS = 8;

/** How long handled event ids are kept: far longer than the lookback window, which is all that needs them. */
const CONSUMED_RETENTION_MS = 24 * 60 * 60_000;

export interface EventConsumer<Services, Deps> {
  /** Unique name, kept with the consumer's progress, e.g. 'notifications.identity'. */
  name: string;
  /** The subgraph whose outbox feeds it, e.g. 'identity'. */
  source: string;
  /** The event types it handles. */
  types: readonly string[];
  /**
   * Runs once per event, in a transaction of its own that also records the event as handled, as the
   * system principal of the event's organization (anonymous for events of no organization). A throw
   * rolls back and the event is retried; after EVENT_MAX_ATTEMPTS it is set aside and logged.
   */
  handle(event: DomainEvent, context: RequestContext & { services: Services }, deps: Deps): Promise<void>;
}

interface FeedRequest {
  after: string | null;
  types: string[];
  limit: number;
}

function isEventId(value: unknown): value is string {
  return typeof value === 'string' && /^evt_[0-9a-z]{26}$/.test(value);
}

/** Parses a feed request, refusing anything malformed; the route answers 400 with the message. */
export function parseFeedRequest(body: unknown): FeedRequest | string {
  const { after = null, types, limit = 100 } = (body ?? {}) as Record<string, unknown>;
  if (after !== null && !isEventId(after)) return "'after' must be an event id (evt_...) or null.";
  if (!Array.isArray(types) || types.length === 0 || types.length > 100 || !types.every((type) => typeof type === 'string' && /^[a-z][a-z0-9_.]{0,99}$/.test(type))) {
    return "'types' must list 1 to 100 event types such as 'member.joined'.";
  }
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > EVENT_FEED_MAX_PAGE) return `'limit' must be an integer from 1 to ${EVENT_FEED_MAX_PAGE}.`;
  return { after, types: types as string[], limit };
}

/** One page of a subgraph's outbox: the domain events of the given types after `after`, oldest first. */
export async function readEventFeed(db: Database, source: string, request: FeedRequest): Promise<DomainEvent[]> {
  const rows = await db.em.fork().find(
    OutboxEvent,
    { type: { $in: request.types }, ...(request.after ? { id: { $gt: request.after } } : {}) },
    { orderBy: { id: 'asc' }, limit: request.limit },
  );
  return rows.map((row) => domainEventOf(row, source));
}

export interface EventConsumersOptions<Services, Deps> {
  consumers: readonly EventConsumer<Services, Deps>[];
  /** Where each source subgraph is reached (its /graphql URL or its base URL), by name. */
  sources: Readonly<Record<string, string>>;
  db: Database;
  infra: Infrastructure;
  internal: InternalClient;
  deps: Deps;
  /** A fresh context for one event, on its own entity manager fork. */
  makeContext(principal: Principal, requestId: string): RequestContext & { services: Services };
  logger: Logger;
  /** How often each consumer reads its source when no event woke it; default 2000 ms. */
  intervalMs?: number;
}

export interface RunningEventConsumers {
  /** Reads every source now and handles what is there; resolves when done (tests, and before shutdown). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads other subgraphs' outboxes and hands their events to this subgraph's consumers. Progress lives
 * in this subgraph's database (a cursor, and the ids handled within the look-back window), so nothing
 * is lost when either side is down: the source's outbox keeps the events, and the consumer catches up.
 * Pub/sub only wakes a consumer early; a lost message costs a poll interval, never an event.
 */
export function startEventConsumers<Services, Deps>(options: EventConsumersOptions<Services, Deps>): RunningEventConsumers {
  const { db, logger, internal } = options;
  const intervalMs = options.intervalMs ?? 2_000;
  const failures = new Map<string, number>();
  let stopped = false;

  for (const consumer of options.consumers) {
    if (!options.sources[consumer.source]) throw new Error(`Event consumer '${consumer.name}' reads '${consumer.source}', whose URL was not given in eventSources`);
  }

  async function positionOf(name: string): Promise<string | null> {
    const cursor = await db.em.fork().findOne(EventCursor, { consumer: name });
    return cursor?.position ?? null;
  }

  async function savePosition(name: string, position: string): Promise<void> {
    const em = db.em.fork();
    const cursor = await em.findOne(EventCursor, { consumer: name });
    if (cursor) {
      if (cursor.position >= position) return;
      cursor.position = position;
      cursor.updatedAt = new Date();
    } else {
      em.persist(em.create(EventCursor, { consumer: name, position, updatedAt: new Date() }));
    }
    await em.flush();
  }

  /** Runs the handler and records the event in one transaction; false when the handler threw. */
  async function handleOne(consumer: EventConsumer<Services, Deps>, event: DomainEvent): Promise<boolean> {
    const principal = event.organizationId ? systemPrincipal(event.organizationId, `event:${consumer.name}`) : ANONYMOUS;
    const context = options.makeContext(principal, event.requestId ?? `event-${event.id}`);
    const em = context.em;
    await em.begin();
    try {
      await consumer.handle(event, context, options.deps);
      em.persist(em.create(ConsumedEvent, { consumer: consumer.name, eventId: event.id, outcome: 'handled', lastError: null, consumedAt: new Date() }));
      await em.commit();
      failures.delete(`${consumer.name}:${event.id}`);
      return true;
    } catch (error) {
      await em.rollback();
      const key = `${consumer.name}:${event.id}`;
      const attempts = (failures.get(key) ?? 0) + 1;
      failures.set(key, attempts);
      if (attempts < EVENT_MAX_ATTEMPTS) {
        logger.warn({ err: error, consumer: consumer.name, eventId: event.id, type: event.type, attempts }, 'event handler failed; will retry');
        return false;
      }
      failures.delete(key);
      logger.error({ err: error, consumer: consumer.name, eventId: event.id, type: event.type, attempts }, 'event handler keeps failing; setting the event aside');
      const reason = error instanceof Error ? error.message.slice(0, 255) : 'the handler failed';
      const aside = db.em.fork();
      aside.persist(aside.create(ConsumedEvent, { consumer: consumer.name, eventId: event.id, outcome: 'failed', lastError: reason, consumedAt: new Date() }));
      await aside.flush();
      return true;
    }
  }

  /** The furthest event each consumer got past, as of its last read; a wake-up for one below it asks for a look-back read. */
  const reached = new Map<string, string>();
  const lookedBackAt = new Map<string, number>();
  const lookBackWanted = new Set<string>();

  async function consume(consumer: EventConsumer<Services, Deps>, lookBack: boolean): Promise<void> {
    const position = await positionOf(consumer.name);
    if (position) reached.set(consumer.name, position);
    let after: string | null = position && lookBack ? idFloor('evt', idTime(position) - EVENT_LOOKBACK_MS) : position;
    let furthest = position;
    for (;;) {
      const page = await internal.post<{ events: DomainEvent[] }>(
        options.sources[consumer.source]!,
        EVENT_FEED_PATH,
        { after, types: consumer.types, limit: 200 },
        { principal: ANONYMOUS, requestId: `consume-${consumer.name}`, userAgent: consumer.name },
      );
      const events = page.events;
      if (events.length === 0) break;
      const done = new Set(
        (await db.em.fork().find(ConsumedEvent, { consumer: consumer.name, eventId: { $in: events.map((event) => event.id) } }, { fields: ['eventId'] })).map((row) => row.eventId),
      );
      for (const event of events) {
        if (stopped) return;
        if (!done.has(event.id) && !(await handleOne(consumer, event))) {
          // Keep the order: later events wait until this one is handled or set aside.
          if (furthest) await savePosition(consumer.name, furthest);
          // The failed event is read again next time, wherever the cursor stands.
          lookBackWanted.add(consumer.name);
          return;
        }
        if (!furthest || event.id > furthest) furthest = event.id;
      }
      after = events[events.length - 1]!.id;
      if (events.length < 200) break;
    }
    if (furthest) {
      await savePosition(consumer.name, furthest);
      reached.set(consumer.name, furthest);
    }
  }

  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();

  /** One run per consumer at a time; a wake-up during a run asks for one more run after it. */
  function run(consumer: EventConsumer<Services, Deps>, lookBack = false): Promise<void> {
    if (lookBack) lookBackWanted.add(consumer.name);
    const current = running.get(consumer.name);
    if (current) {
      again.add(consumer.name);
      return current;
    }
    const now = Date.now();
    const full = lookBackWanted.delete(consumer.name) || now - (lookedBackAt.get(consumer.name) ?? 0) >= LOOKBACK_EVERY_MS;
    if (full) lookedBackAt.set(consumer.name, now);
    const next = consume(consumer, full)
      .catch((error: unknown) => {
        lookBackWanted.add(consumer.name);
        logger.warn({ err: error, consumer: consumer.name }, 'could not read events; will retry');
      })
      .finally(() => {
        running.delete(consumer.name);
        if (again.delete(consumer.name) && !stopped) void run(consumer);
      });
    running.set(consumer.name, next);
    return next;
  }

  async function prune(): Promise<void> {
    await db.em.fork().nativeDelete(ConsumedEvent, { consumedAt: { $lt: new Date(Date.now() - CONSUMED_RETENTION_MS) } });
  }

  const timer = setInterval(() => {
    if (!stopped) for (const consumer of options.consumers) void run(consumer);
  }, intervalMs);
  timer.unref();
  const pruneTimer = setInterval(() => void prune().catch((error: unknown) => logger.warn({ err: error }, 'could not prune handled events')), 60 * 60_000);
  pruneTimer.unref();

  const unsubscribe = options.infra.pubsub.subscribe(EVENTS_CHANNEL, (message) => {
    if (stopped) return;
    let event: Pick<DomainEvent, 'id' | 'source' | 'type'>;
    try {
      event = JSON.parse(message) as DomainEvent;
    } catch {
      return;
    }
    for (const consumer of options.consumers) {
      if (consumer.source !== event.source || !consumer.types.includes(event.type)) continue;
      const position = reached.get(consumer.name);
      void run(consumer, typeof event.id === 'string' && position !== undefined && event.id <= position);
    }
  });
  for (const consumer of options.consumers) void run(consumer);

  return {
    async drain() {
      for (const consumer of options.consumers) {
        // A run already going may have read the feed before the caller's events were committed.
        for (let current = running.get(consumer.name); current; current = running.get(consumer.name)) await current;
        await run(consumer, true);
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      await (await unsubscribe)();
      await Promise.allSettled(running.values());
    },
  };
}
