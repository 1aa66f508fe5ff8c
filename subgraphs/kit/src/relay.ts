import { forEachConcurrently } from './background.ts';
import type { Database } from './db/orm.ts';
import { MailMessage, OutboxEvent } from './db/entities.ts';
import type { Infrastructure } from './infra.ts';
import { isLiveEventType, liveChannel, liveMessageOf } from './live.ts';
import type { Logger } from './logger.ts';
import { createOutboxTransport, MailDeliveryError, type MailTransport, type OutgoingMail } from './mail.ts';

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

/** The domain event an outbox row stands for, as the relay publishes it and the event feed serves it. */
export function domainEventOf(row: OutboxEvent, source: string): DomainEvent {
  return {
    id: row.id,
    type: row.type,
    source,
    organizationId: row.organizationId ?? null,
    payload: row.payload,
    requestId: row.requestId ?? null,
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** The wait before the next attempt after the 1st, 2nd, ... failed one; the last entry repeats. */
export const MAIL_RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000] as const;

/** Attempts before a mail is given up (about a day and a half of retries). */
export const MAIL_MAX_ATTEMPTS = 10;

/** How long an attempt in flight keeps a mail to itself; a relay that dies mid-send frees it after this. */
const MAIL_LEASE_MS = 10 * 60_000;

/** How long stop() waits for mail in flight; the lease lets another start retry what was cut off. */
const MAIL_STOP_GRACE_MS = 2_000;

/**
 * How long a published event stays in the outbox, where the event feed serves it to durable consumers
 * (kit events.ts). A consumer that stays behind longer than this misses what was pruned meanwhile.
 */
export const EVENT_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** How often the relay prunes published events past their retention. */
const PRUNE_INTERVAL_MS = 60 * 60_000;

export function mailRetryDelayMs(failedAttempts: number): number {
  return MAIL_RETRY_DELAYS_MS[Math.min(Math.max(failedAttempts, 1), MAIL_RETRY_DELAYS_MS.length) - 1]!;
}

export interface RelayOptions {
  source: string;
  db: Database;
  infra: Infrastructure;
  logger: Logger;
  /** How often to look for committed, unpublished events and due mail; default 250 ms. */
  intervalMs?: number;
  /** Where mail goes; default the outbox transport (the log). */
  mail?: MailTransport;
  /** Mails delivered at the same time; default 4. */
  mailConcurrency?: number;
  /** How long published events are kept for the event feed; default EVENT_RETENTION_MS. */
  eventRetentionMs?: number;
}

export interface OutboxRelay {
  stop(): Promise<void>;
  /** Relays what is committed now (events, and mail that is due), instead of at the next tick. */
  flush(): Promise<void>;
  /** Deletes published events past their retention now (the relay does it hourly); resolves with how many. */
  pruneEvents(now?: Date): Promise<number>;
}

/** Runs `step` at most once at a time; a failed run is logged and the next tick tries again. */
function serialStep(step: () => Promise<void>, logger: Logger, what: string) {
  let running: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    running ??= step()
      .catch((error: unknown) => logger.error({ err: error }, `${what} failed; will retry`))
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    tick,
    /** A full run that starts after this call: one already running may predate what the caller committed. */
    async flush(): Promise<void> {
      if (running) await running;
      await tick();
    },
    get running(): Promise<void> | null {
      return running;
    },
  };
}

/**
 * Moves what mutations committed to the outbox onward: events to the event bus, live messages to their
 * organization's live channel (kit live.ts; their rows are deleted once published), mail to its transport.
 * Two independent loops, so a slow mail server never holds up events. Events are at least once: a
 * crash after publishing and before marking republishes, and consumers dedupe by event id. Mail is
 * at least once too (the Message-ID is the mail's id), and a failed delivery is retried with a
 * growing delay up to MAIL_MAX_ATTEMPTS.
 */
export function startOutboxRelay({
  source,
  db,
  infra,
  logger,
  intervalMs = 250,
  mail: transport = createOutboxTransport(),
  mailConcurrency = 4,
  eventRetentionMs = EVENT_RETENTION_MS,
}: RelayOptions): OutboxRelay {
  let stopped = false;

  async function publishEvents(): Promise<void> {
    const em = db.em.fork();
    const events = await em.find(OutboxEvent, { publishedAt: null }, { orderBy: { id: 'asc' }, limit: 200 });
    const publishedLive: string[] = [];
    for (const event of events) {
      if (isLiveEventType(event.type)) {
        const live = liveMessageOf(event);
        await infra.pubsub.publish(liveChannel(live.organizationId), JSON.stringify(live));
        publishedLive.push(event.id);
        continue;
      }
      await infra.pubsub.publish(EVENTS_CHANNEL, JSON.stringify(domainEventOf(event, source)));
      event.publishedAt = new Date();
    }
    if (events.length > publishedLive.length) await em.flush();
    // A live message is for whoever listens now: nothing reads it later, so its row goes once it is out.
    if (publishedLive.length > 0) await em.nativeDelete(OutboxEvent, { id: { $in: publishedLive } });
  }

  const dueAt = (now: Date) => ({ sentAt: null, failedAt: null, $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] });

  async function deliver(mail: MailMessage): Promise<void> {
    const em = db.em.fork();
    const claimedAt = new Date();
    // Claim it first: a second relay (another replica) that read the same row finds it leased and skips it.
    const claimed = await em.nativeUpdate(MailMessage, { id: mail.id, ...dueAt(claimedAt) }, { nextAttemptAt: new Date(claimedAt.getTime() + MAIL_LEASE_MS) });
    if (claimed === 0) return;
    const attempts = mail.attempts + 1;
    const outgoing: OutgoingMail = {
      id: mail.id,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? null,
      attachments: mail.attachments ?? [],
      kind: mail.kind,
      organizationId: mail.organizationId ?? null,
      source,
    };
    try {
      await transport.send(outgoing, logger);
    } catch (error) {
      const lastError = error instanceof MailDeliveryError ? error.message : 'ESEND: the mail transport failed unexpectedly';
      if (!(error instanceof MailDeliveryError)) logger.error({ err: error, mailId: mail.id }, 'mail transport failed unexpectedly');
      const now = new Date();
      if (attempts >= MAIL_MAX_ATTEMPTS) {
        await em.nativeUpdate(MailMessage, { id: mail.id }, { attempts, lastError, nextAttemptAt: null, failedAt: now });
        logger.error({ mailId: mail.id, kind: mail.kind, attempts, lastError }, 'mail not delivered; giving up');
        return;
      }
      const nextAttemptAt = new Date(now.getTime() + mailRetryDelayMs(attempts));
      await em.nativeUpdate(MailMessage, { id: mail.id }, { attempts, lastError, nextAttemptAt });
      logger.warn({ mailId: mail.id, kind: mail.kind, attempts, lastError, nextAttemptAt }, 'mail not delivered; will retry');
      return;
    }
    await em.nativeUpdate(MailMessage, { id: mail.id }, { attempts, sentAt: new Date(), lastError: null, nextAttemptAt: null });
  }

  async function deliverDueMail(): Promise<void> {
    const due = await db.em.fork().find(MailMessage, dueAt(new Date()), { orderBy: { id: 'asc' }, limit: 50 });
    await forEachConcurrently(due, mailConcurrency, async (mail) => {
      if (stopped) return;
      try {
        await deliver(mail);
      } catch (error) {
        logger.error({ err: error, mailId: mail.id }, 'mail relay failed; will retry');
      }
    });
  }

  const events = serialStep(publishEvents, logger, 'event relay');
  const mail = serialStep(deliverDueMail, logger, 'mail relay');

  const timer = setInterval(() => {
    if (stopped) return;
    void events.tick();
    void mail.tick();
  }, intervalMs);
  timer.unref();

  async function pruneEvents(now = new Date()): Promise<number> {
    return db.em.fork().nativeDelete(OutboxEvent, { publishedAt: { $ne: null }, occurredAt: { $lt: new Date(now.getTime() - eventRetentionMs) } });
  }
  const pruneTimer = setInterval(() => {
    if (!stopped) void pruneEvents().catch((error: unknown) => logger.warn({ err: error }, 'could not prune published events; will retry'));
  }, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      await events.running;
      const inFlight = mail.running;
      if (inFlight) {
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([inFlight, new Promise<void>((resolve) => (grace = setTimeout(resolve, MAIL_STOP_GRACE_MS)))]);
        clearTimeout(grace);
      }
    },
    async flush() {
      await Promise.all([events.flush(), mail.flush()]);
    },
    pruneEvents,
  };
}
