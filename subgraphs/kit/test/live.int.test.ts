import { backing } from '../src/test-config.ts';
import { ANONYMOUS, type Principal } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { createRequestContext } from '../src/context.ts';
import { KIT_ENTITIES, OutboxEvent } from '../src/db/entities.ts';
import { openDatabase, type Database } from '../src/db/orm.ts';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.ts';
import { createInfrastructure, type Infrastructure } from '../src/infra.ts';
import { liveChannel, MAX_LIVE_DATA_BYTES, parseLiveMessage, recordLiveMessage, type LiveMessage } from '../src/live.ts';
import { createLogger } from '../src/logger.ts';
import { EVENTS_CHANNEL, startOutboxRelay } from '../src/relay.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const ORG = 'org_live_a';
const OTHER_ORG = 'org_live_b';
const member: Principal = { kind: 'user', userId: 'usr_live_1', organizationId: ORG, role: 'member', permissions: [], sessionId: 'ses_1' };

// SQLite in memory, or PostgreSQL when the run has DATABASE_URL; Redis pub/sub when it has REDIS_URL.
let scratch: ScratchDatabase | undefined;
let db: Database;
let infra: Infrastructure;
beforeEach(async () => {
  scratch = backing.databaseUrl ? await createScratchDatabase(backing.databaseUrl, 'live') : undefined;
  db = await openDatabase({ name: 'live', entities: KIT_ENTITIES, migrations: { sqlite: [], postgresql: [] }, databaseUrl: scratch?.url, inMemory: true, logger });
  await db.orm.schema.create();
  infra = await createInfrastructure({ redisUrl: backing.redisUrl, namespace: `test_live_${randomBytes(6).toString('hex')}`, logger });
});
afterEach(async () => {
  await db.close();
  await infra.close();
  await scratch?.drop();
});

/** Everything published on `channel` from now on, parsed. */
async function listen(channel: string): Promise<{ messages: unknown[]; stop: () => Promise<void> }> {
  const messages: unknown[] = [];
  const stop = await infra.pubsub.subscribe(channel, (message) => messages.push(JSON.parse(message)));
  return { messages, stop };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const context = (principal: Principal = member) =>
  createRequestContext({ requestId: 'req_live_test', principal, clientIp: null, userAgent: null, em: db.em.fork(), log: logger, infra });

describe('live publishing through the outbox', () => {
  it('publishes a committed context.publish() on the organization live channel as a LiveMessage, not on the events channel', async () => {
    const live = await listen(liveChannel(ORG));
    const events = await listen(EVENTS_CHANNEL);
    const request = context();
    await request.em.begin();
    request.publish('notificationReceived', { __typename: 'Notification', id: 'ntf_1', title: 'Hello' }, { userIds: ['usr_live_1', 'usr_live_1', 'usr_live_2'] });
    request.emit('thing.happened', { id: 1 });
    await request.em.commit();

    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000 });
    await relay.flush();
    await until(() => live.messages.length === 1 && events.messages.length === 1, 'the live message and the domain event');
    await relay.stop();

    const [message] = live.messages as LiveMessage[];
    expect(message).toEqual({
      id: expect.stringMatching(/^evt_/),
      field: 'notificationReceived',
      organizationId: ORG,
      userIds: ['usr_live_1', 'usr_live_2'],
      data: { __typename: 'Notification', id: 'ntf_1', title: 'Hello' },
      occurredAt: expect.any(String),
    });
    expect(new Date(message!.occurredAt).toISOString()).toBe(message!.occurredAt);
    expect(events.messages).toEqual([expect.objectContaining({ type: 'thing.happened', organizationId: ORG })]);
    // The live row is gone once published; the domain event stays, marked.
    const rows = await db.em.fork().find(OutboxEvent, {});
    expect(rows.map((row) => row.type)).toEqual(['thing.happened']);
    expect(rows[0]!.publishedAt).toBeInstanceOf(Date);
    await Promise.all([live.stop(), events.stop()]);
  });

  it('publishes nothing for a transaction that rolls back', async () => {
    const live = await listen(liveChannel(ORG));
    const request = context();
    await request.em.begin();
    request.publish('notificationCountsChanged', { __typename: 'NotificationCounts', unread: 1, unseen: 1 });
    await request.em.rollback();
    // A later, committed message proves the relay ran past where the rolled-back one would have been.
    const later = context();
    await later.em.begin();
    later.publish('notificationCountsChanged', { __typename: 'NotificationCounts', unread: 2, unseen: 2 });
    await later.em.commit();

    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000 });
    await relay.flush();
    await until(() => live.messages.length >= 1, 'the committed message');
    await relay.stop();
    expect(live.messages).toEqual([expect.objectContaining({ userIds: null, data: { __typename: 'NotificationCounts', unread: 2, unseen: 2 } })]);
    await live.stop();
  });

  it('records with recordLiveMessage() in the caller\'s unit of work, for another organization on its own channel', async () => {
    const mine = await listen(liveChannel(ORG));
    const theirs = await listen(liveChannel(OTHER_ORG));
    const em = db.em.fork();
    await em.transactional(async (tx) => {
      recordLiveMessage(tx, { field: 'jobProgress', organizationId: OTHER_ORG, data: { __typename: 'Job', id: 'job_1', percent: 40 } });
    });
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000 });
    await relay.flush();
    await until(() => theirs.messages.length === 1, 'the message on the other organization channel');
    await relay.stop();
    expect(theirs.messages).toEqual([expect.objectContaining({ field: 'jobProgress', organizationId: OTHER_ORG, userIds: null })]);
    expect(mine.messages).toEqual([]);
    await Promise.all([mine.stop(), theirs.stop()]);
  });

  it('refuses a publication the gateway could not deliver, before anything is written', () => {
    const request = context();
    expect(() => request.publish('not a field', { __typename: 'X' })).toThrow(/Subscription field/);
    expect(() => request.publish('notificationReceived', [] as never)).toThrow(/data must be an object/);
    expect(() => request.publish('notificationReceived', { blob: 'x'.repeat(MAX_LIVE_DATA_BYTES) })).toThrow(/at most/);
    expect(() => context(ANONYMOUS).publish('notificationReceived', { __typename: 'Notification' })).toThrow(/needs an organization/);
    expect(() => request.publish('notificationReceived', {}, { userIds: [''] })).toThrow(/userIds/);
    expect(request.em.getUnitOfWork().getPersistStack().size).toBe(0);
  });

  it('reads back only well-formed live messages from the channel', () => {
    const message: LiveMessage = { id: 'evt_1', field: 'notificationReceived', organizationId: ORG, userIds: null, data: { id: 'n' }, occurredAt: new Date().toISOString() };
    expect(parseLiveMessage(JSON.stringify(message))).toEqual(message);
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ ...message, organizationId: '' }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ ...message, userIds: 'usr_1' }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ ...message, data: null }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ ...message, field: '__proto__.x' }))).toBeNull();
  });
});
