import type { Database } from './db/orm.ts';
import { MailMessage, OutboxEvent } from './db/entities.ts';
import type { Infrastructure } from './infra.ts';
import type { Logger } from './logger.ts';

/** The channel every domain event is published on, as JSON `DomainEvent`. */
export const EVENTS_CHANNEL = 'events';

export interface DomainEvent {
  id: string;
  type: string;
  source: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
  requestId: string | null;
  occurredAt: string;
}

export interface RelayOptions {
  source: string;
  db: Database;
  infra: Infrastructure;
  logger: Logger;
  /** How often to look for committed, unpublished events and mail; default 250 ms. */
  intervalMs?: number;
}

/**
 * Moves what mutations committed to the outbox onward: events to the event bus, mail to its transport
 * (the log, in the embedded default). At least once: a crash after publishing and before marking
 * republishes, and consumers dedupe by event id.
 */
export function startOutboxRelay({ source, db, infra, logger, intervalMs = 250 }: RelayOptions): { stop(): Promise<void>; flush(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;

  async function relayOnce(): Promise<void> {
    const em = db.em.fork();
    const events = await em.find(OutboxEvent, { publishedAt: null }, { orderBy: { id: 'asc' }, limit: 200 });
    for (const event of events) {
      const message: DomainEvent = {
        id: event.id,
        type: event.type,
        source,
        organizationId: event.organizationId ?? null,
        payload: event.payload,
        requestId: event.requestId ?? null,
        occurredAt: event.occurredAt.toISOString(),
      };
      await infra.pubsub.publish(EVENTS_CHANNEL, JSON.stringify(message));
      event.publishedAt = new Date();
    }
    const mails = await em.find(MailMessage, { sentAt: null }, { orderBy: { id: 'asc' }, limit: 100 });
    for (const mail of mails) {
      // The body stays in the outbox table: it can hold single-use links, which have no place in logs.
      logger.info({ mailId: mail.id, to: mail.to, subject: mail.subject, kind: mail.kind }, 'mail delivered to the local outbox');
      mail.sentAt = new Date();
    }
    if (events.length > 0 || mails.length > 0) await em.flush();
  }

  function tick(): Promise<void> {
    if (!running) {
      running = relayOnce()
        .catch((error: unknown) => logger.error({ err: error }, 'outbox relay failed; will retry'))
        .finally(() => {
          running = null;
        });
    }
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, intervalMs);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    flush: tick,
  };
}
