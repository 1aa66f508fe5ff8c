import type { BillingServices } from '@platform/billing';
import {
  ConsumedEvent,
  createInternalClient,
  createLogger,
  EVENT_FEED_PATH,
  EVENT_MAX_ATTEMPTS,
  EVENTS_CHANNEL,
  InternalCallError,
  newId,
  OutboxEvent,
  startEventConsumers,
  type DomainEvent,
  type EventConsumer,
  type RunningEventConsumers,
  type SubgraphContext,
} from '@platform/kit';
import { ANONYMOUS } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { backing } from './support/test-env.ts';
import { given } from './support/seed.ts';

const SECRET = randomBytes(32).toString('base64url');
const internal = createInternalClient({ secret: SECRET, timeoutMs: 5000 });

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ INTERNAL_SIGNING_SECRET: SECRET });
});
afterAll(() => platform.close());

type BillingContext = SubgraphContext<BillingServices>;

/** Writes an event straight into identity's outbox, already marked published: pub/sub never carries it. */
async function recordUnannounced(type: string, organizationId: string, id = newId('evt')): Promise<string> {
  const em = platform.identity.db.em.fork();
  em.persist(em.create(OutboxEvent, { id, type, organizationId, payload: { marker: id }, requestId: null, occurredAt: new Date(), publishedAt: new Date() }));
  await em.flush();
  return id;
}

/**
 * A consumer on billing's database that reads identity's outbox and records what it saw. Each test's
 * consumer handles an event type of its own (named like the consumer), so tests never see each other's.
 */
function startCounting(name: string, handle: (event: DomainEvent, context: BillingContext) => Promise<void>): RunningEventConsumers {
  const consumer: EventConsumer<BillingServices, null> = { name, source: 'identity', types: [name], handle: (event, context) => handle(event, context) };
  return startEventConsumers({
    consumers: [consumer],
    sources: { identity: platform.identity.url },
    db: platform.platform.billing.subgraph.db,
    infra: platform.platform.infra,
    internal,
    deps: null,
    makeContext: (principal, requestId) => platform.platform.billing.subgraph.context(principal, requestId),
    logger: createLogger({ service: 'test', level: backing.logLevel }),
    intervalMs: 60_000,
  });
}

const handledBy = async (name: string) =>
  (await platform.platform.billing.subgraph.db.em.fork().find(ConsumedEvent, { consumer: name }, { orderBy: { eventId: 'asc' } })).map(({ eventId, outcome }) => ({ eventId, outcome }));

describe('durable event consumers', () => {
  it('handles an event that pub/sub never announced, once, however often the feed is read', async () => {
    const owner = await given(platform).owner();
    const seen: string[] = [];
    const consumers = startCounting('test.once', async (event) => {
      seen.push(event.id);
    });
    try {
      const id = await recordUnannounced('test.once', owner.organizationId);
      await consumers.drain();
      await consumers.drain();
      expect(seen.filter((eventId) => eventId === id)).toEqual([id]);
      expect(await handledBy('test.once')).toContainEqual({ eventId: id, outcome: 'handled' });
    } finally {
      await consumers.stop();
    }
  });

  it('catches up after a restart on what was committed while it was stopped, and only that', async () => {
    const owner = await given(platform).owner();
    const seen: string[] = [];
    const count = async (event: DomainEvent) => {
      seen.push(event.id);
    };
    const first = startCounting('test.restart', count);
    const before = await recordUnannounced('test.restart', owner.organizationId);
    await first.drain();
    await first.stop();

    const whileDown = await recordUnannounced('test.restart', owner.organizationId);
    const second = startCounting('test.restart', count);
    try {
      await second.drain();
      expect(seen.filter((id) => id === before || id === whileDown)).toEqual([before, whileDown]);
    } finally {
      await second.stop();
    }
  });

  it('picks up an event that committed late, behind one it already handled', async () => {
    const owner = await given(platform).owner();
    const seen: string[] = [];
    const consumers = startCounting('test.late', async (event) => {
      seen.push(event.id);
    });
    try {
      // Its id was taken first, but its transaction committed after a later event was handled.
      const lateId = newId('evt');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const early = await recordUnannounced('test.late', owner.organizationId);
      await consumers.drain();
      await recordUnannounced('test.late', owner.organizationId, lateId);
      await consumers.drain();
      expect(seen).toEqual([early, lateId]);
    } finally {
      await consumers.stop();
    }
  });

  it('reads back behind its cursor at once when pub/sub announces an event that committed late', async () => {
    const owner = await given(platform).owner();
    const seen: string[] = [];
    const consumers = startCounting('test.late_announced', async (event) => {
      seen.push(event.id);
    });
    try {
      const lateId = newId('evt');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const early = await recordUnannounced('test.late_announced', owner.organizationId);
      await consumers.drain();
      expect(seen).toEqual([early]);
      // The relay announces the late event once it commits; the consumer's poll is a minute away.
      await recordUnannounced('test.late_announced', owner.organizationId, lateId);
      const announcement: Partial<DomainEvent> = { id: lateId, source: 'identity', type: 'test.late_announced', organizationId: owner.organizationId };
      await platform.platform.infra.pubsub.publish(EVENTS_CHANNEL, JSON.stringify(announcement));
      const deadline = Date.now() + 10_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual([early, lateId]);
    } finally {
      await consumers.stop();
    }
  });

  it("rolls the handler's writes back when it throws, retries, and commits them with the event once it succeeds", async () => {
    const owner = await given(platform).owner();
    let failing = true;
    const consumers = startCounting('test.retry', async (event, context) => {
      context.emit('test.reacted', { to: event.id }, event.organizationId);
      if (failing) throw new Error('not yet');
    });
    try {
      const id = await recordUnannounced('test.retry', owner.organizationId);
      await consumers.drain();
      await consumers.drain();
      expect(await handledBy('test.retry')).toEqual([]);
      failing = false;
      await consumers.drain();
      expect(await handledBy('test.retry')).toEqual([{ eventId: id, outcome: 'handled' }]);
      const reactions = await platform.platform.billing.subgraph.db.em.fork().find(OutboxEvent, { type: 'test.reacted' });
      expect(reactions.filter((row) => row.payload.to === id)).toHaveLength(1);
    } finally {
      await consumers.stop();
    }
  });

  it('sets an event aside after repeated failures, so the events behind it still flow', async () => {
    const owner = await given(platform).owner();
    const poison = await recordUnannounced('test.poison', owner.organizationId);
    const after = await recordUnannounced('test.poison', owner.organizationId);
    const seen: string[] = [];
    const consumers = startCounting('test.poison', async (event) => {
      if (event.id === poison) throw new Error('cannot handle this one');
      seen.push(event.id);
    });
    try {
      for (let attempt = 0; attempt < EVENT_MAX_ATTEMPTS; attempt += 1) await consumers.drain();
      expect(await handledBy('test.poison')).toEqual(expect.arrayContaining([{ eventId: poison, outcome: 'failed' }, { eventId: after, outcome: 'handled' }]));
      expect(seen).toEqual([after]);
    } finally {
      await consumers.stop();
    }
  });

  it("runs each event as the system principal of the event's organization", async () => {
    const owner = await given(platform).owner();
    const principals: unknown[] = [];
    const consumers = startCounting('test.principal', async (_event, context) => {
      principals.push({ kind: context.principal.kind, organizationId: context.organizationId });
    });
    try {
      await recordUnannounced('test.principal', owner.organizationId);
      await consumers.drain();
      expect(principals).toEqual([{ kind: 'system', organizationId: owner.organizationId }]);
    } finally {
      await consumers.stop();
    }
  });
});

describe('the event feed every subgraph serves', () => {
  it('answers signed callers with events of the asked types, oldest first, after a cursor', async () => {
    const owner = await given(platform).owner();
    const a = await recordUnannounced('test.fed', owner.organizationId);
    const b = await recordUnannounced('test.fed', owner.organizationId);
    const page = await internal.post<{ events: DomainEvent[] }>(platform.identity.url, EVENT_FEED_PATH, { after: a, types: ['test.fed'], limit: 10 }, { principal: ANONYMOUS, requestId: 'test-feed' });
    expect(page.events.map((event) => event.id)).toEqual([b]);
    expect(page.events[0]).toMatchObject({ type: 'test.fed', source: 'identity', organizationId: owner.organizationId, payload: { marker: b } });
  });

  it.each([
    [{ after: 'not-an-id', types: ['member.joined'] }],
    [{ after: null, types: [] }],
    [{ after: null, types: ['member.joined'], limit: 10_000 }],
    [{ after: null, types: ['live:notificationReceived'] }],
  ])('refuses a malformed request %j with 400', async (body) => {
    const refused = await internal.post(platform.identity.url, EVENT_FEED_PATH, body, { principal: ANONYMOUS, requestId: 'test-feed-bad' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InternalCallError);
    expect((refused as InternalCallError).status).toBe(400);
  });

  it('refuses an unsigned caller', async () => {
    const response = await fetch(platform.identity.url.replace('/graphql', EVENT_FEED_PATH), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ after: null, types: ['member.joined'] }) });
    expect(response.status).toBe(401);
  });
});
