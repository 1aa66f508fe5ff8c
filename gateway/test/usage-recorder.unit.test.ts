import { jest } from '@jest/globals';
import { createLogger, InternalCallError } from '@platform/kit';
import type { Principal } from '@platform/schema';
import { UsageRecorder, usageOperationName, type UsageBatch, type UsageRecorderOptions } from '../src/usage.ts';

const HOUR = 60 * 60 * 1000;
const START = Date.UTC(2026, 10, 21, 14, 30);

const alice: Principal = { kind: 'user', userId: 'usr_alice', organizationId: 'org_a', role: 'owner', permissions: [], sessionId: 'ses_1' };
const bob: Principal = { kind: 'user', userId: 'usr_bob', organizationId: 'org_a', role: 'member', permissions: [], sessionId: 'ses_2' };
const key: Principal = { kind: 'apiKey', apiKeyId: 'key_ci', organizationId: 'org_b', permissions: [], createdByUserId: 'usr_x' };

/** The usage subgraph, played by the test: it keeps what it accepted and can be made to fail. */
function fakeUsageSubgraph() {
  const accepted: UsageBatch[] = [];
  const attempts: string[] = [];
  let failWith: Error | null = null;
  return {
    accepted,
    attempts,
    failWith(error: Error | null) {
      failWith = error;
    },
    async send(batch: UsageBatch) {
      attempts.push(batch.batchId);
      if (failWith) throw failWith;
      accepted.push(structuredClone(batch));
    },
  };
}

function setup(options: Partial<UsageRecorderOptions> = {}) {
  const subgraph = fakeUsageSubgraph();
  let now = START;
  const recorder = new UsageRecorder({
    send: (batch) => subgraph.send(batch),
    logger: createLogger({ service: 'test', level: 'silent' }),
    flushIntervalMs: 60_000,
    clock: () => now,
    ...options,
  });
  return { recorder, subgraph, advance: (ms: number) => (now += ms) };
}

const entries = (batches: UsageBatch[]) => batches.flatMap((batch) => batch.entries);
const unreachable = () => new InternalCallError('UNREACHABLE', '/internal/usage/ingest', 'could not reach the service');

afterEach(() => jest.useRealTimers());

describe('the usage recorder', () => {
  it('adds operations up per organization, principal, operation and UTC hour', async () => {
    const { recorder, subgraph, advance } = setup();
    recorder.record({ principal: alice, operationName: 'Members', cost: 12, failed: false });
    recorder.record({ principal: alice, operationName: 'Members', cost: 8, failed: true });
    recorder.record({ principal: bob, operationName: 'Members', cost: 3, failed: false });
    recorder.record({ principal: alice, operationName: 'Viewer', cost: 1, failed: false });
    recorder.record({ principal: key, operationName: null, documentHash: 'ab12cd34ef56ab12cd34ef56', cost: 5, failed: false });
    advance(HOUR);
    recorder.record({ principal: alice, operationName: 'Members', cost: 2, failed: false });

    expect(await recorder.flush()).toBe(true);
    expect(subgraph.accepted).toHaveLength(1);
    const sorted = entries(subgraph.accepted).sort((a, b) => `${a.hour}${a.principalId}${a.operationName}`.localeCompare(`${b.hour}${b.principalId}${b.operationName}`));
    expect(sorted).toEqual([
      { organizationId: 'org_b', principalKind: 'apiKey', principalId: 'key_ci', operationName: 'anonymous:ab12cd34ef56', hour: '2026-11-21T14:00:00.000Z', calls: 1, cost: 5, errors: 0 },
      { organizationId: 'org_a', principalKind: 'user', principalId: 'usr_alice', operationName: 'Members', hour: '2026-11-21T14:00:00.000Z', calls: 2, cost: 20, errors: 1 },
      { organizationId: 'org_a', principalKind: 'user', principalId: 'usr_alice', operationName: 'Viewer', hour: '2026-11-21T14:00:00.000Z', calls: 1, cost: 1, errors: 0 },
      { organizationId: 'org_a', principalKind: 'user', principalId: 'usr_bob', operationName: 'Members', hour: '2026-11-21T14:00:00.000Z', calls: 1, cost: 3, errors: 0 },
      { organizationId: 'org_a', principalKind: 'user', principalId: 'usr_alice', operationName: 'Members', hour: '2026-11-21T15:00:00.000Z', calls: 1, cost: 2, errors: 0 },
    ]);
    // Nothing is sent twice: a second flush with nothing new sends nothing.
    expect(await recorder.flush()).toBe(true);
    expect(subgraph.attempts).toHaveLength(1);
    await recorder.close();
  });

  it('leaves anonymous operations out: they belong to no organization', async () => {
    const { recorder, subgraph } = setup();
    recorder.record({ principal: { kind: 'anonymous' }, operationName: 'SignIn', cost: 10, failed: false });
    await recorder.flush();
    expect(subgraph.attempts).toEqual([]);
    await recorder.close();
  });

  it('names unnamed operations by their document hash, and cuts overlong names', () => {
    expect(usageOperationName(null, '0123456789abcdef0123')).toBe('anonymous:0123456789ab');
    expect(usageOperationName(null, null)).toBe('anonymous');
    expect(usageOperationName('x'.repeat(300), null)).toHaveLength(120);
  });

  it('keeps a batch whose send failed and sends it again under the same id, with newer usage in a batch of its own', async () => {
    const { recorder, subgraph } = setup();
    recorder.record({ principal: alice, operationName: 'Members', cost: 10, failed: false });
    subgraph.failWith(unreachable());
    expect(await recorder.flush()).toBe(false);
    const [firstId] = subgraph.attempts;
    // While the batch waits, new usage of the same key aggregates apart from it.
    recorder.record({ principal: alice, operationName: 'Members', cost: 4, failed: false });
    recorder.record({ principal: alice, operationName: 'Members', cost: 4, failed: false });
    expect(recorder.stats()).toMatchObject({ pendingEntries: 2, queuedBatches: 1 });

    subgraph.failWith(null);
    expect(await recorder.flush()).toBe(true);
    expect(subgraph.accepted.map((batch) => batch.batchId)[0]).toBe(firstId);
    expect(subgraph.accepted.map((batch) => batch.entries.map((entry) => [entry.calls, entry.cost]))).toEqual([[[1, 10]], [[2, 8]]]);
    expect(new Set(subgraph.accepted.map((batch) => batch.batchId)).size).toBe(2);
    expect(recorder.stats()).toMatchObject({ pendingEntries: 0, queuedBatches: 0, sentBatches: 2 });
    await recorder.close();
  });

  it('waits longer between tries while the usage subgraph stays away, and a flush does not wait', async () => {
    jest.useFakeTimers({ now: START });
    const subgraph = fakeUsageSubgraph();
    const recorder = new UsageRecorder({ send: (batch) => subgraph.send(batch), logger: createLogger({ service: 'test', level: 'silent' }), flushIntervalMs: 1_000 });
    subgraph.failWith(unreachable());
    recorder.record({ principal: alice, operationName: 'Members', cost: 1, failed: false });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(subgraph.attempts).toHaveLength(1);
    // Next try after 1 s, then 2 s, then 4 s.
    await jest.advanceTimersByTimeAsync(1_000);
    expect(subgraph.attempts).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(subgraph.attempts).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(subgraph.attempts).toHaveLength(3);
    subgraph.failWith(null);
    expect(await recorder.flush()).toBe(true);
    expect(subgraph.accepted).toHaveLength(1);
    await recorder.close();
  });

  it('sends as soon as a batch is full, and splits the aggregate into batches of at most batchSize', async () => {
    const { recorder, subgraph } = setup({ batchSize: 3 });
    for (const name of ['A', 'B']) recorder.record({ principal: alice, operationName: name, cost: 1, failed: false });
    expect(subgraph.attempts).toHaveLength(0);
    recorder.record({ principal: alice, operationName: 'C', cost: 1, failed: false });
    await recorder.flush();
    expect(subgraph.accepted.map((batch) => batch.entries.length)).toEqual([3]);

    subgraph.failWith(unreachable());
    for (const name of ['D', 'E']) recorder.record({ principal: alice, operationName: name, cost: 1, failed: false });
    await recorder.flush();
    subgraph.failWith(null);
    for (const name of ['F', 'G', 'H', 'I']) recorder.record({ principal: alice, operationName: name, cost: 1, failed: false });
    await recorder.flush();
    expect(subgraph.accepted.map((batch) => batch.entries.map((entry) => entry.operationName).join(''))).toEqual(['ABC', 'DE', 'FGH', 'I']);
    await recorder.close();
  });

  it('keeps at most maxPendingEntries while the usage subgraph is away, and counts what it had to drop', async () => {
    const { recorder, subgraph } = setup({ maxPendingEntries: 3 });
    subgraph.failWith(unreachable());
    for (const name of ['A', 'B', 'C', 'D', 'E']) recorder.record({ principal: alice, operationName: name, cost: 10, failed: false });
    // A key already held still counts: memory does not grow with it.
    recorder.record({ principal: alice, operationName: 'A', cost: 5, failed: false });
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ pendingEntries: 3, dropped: { calls: 2, cost: 20 } });

    subgraph.failWith(null);
    await recorder.flush();
    expect(entries(subgraph.accepted).map((entry) => [entry.operationName, entry.calls, entry.cost])).toEqual([
      ['A', 2, 15],
      ['B', 1, 10],
      ['C', 1, 10],
    ]);
    // Room again once the batch is accepted.
    recorder.record({ principal: alice, operationName: 'D', cost: 10, failed: false });
    expect(recorder.stats().pendingEntries).toBe(1);
    await recorder.close();
  });

  it('drops a batch the usage subgraph refuses as malformed instead of sending it forever', async () => {
    const { recorder, subgraph } = setup();
    subgraph.failWith(new InternalCallError('HTTP_STATUS', '/internal/usage/ingest', 'answered 400', 400));
    recorder.record({ principal: alice, operationName: 'Members', cost: 7, failed: false });
    expect(await recorder.flush()).toBe(true);
    expect(recorder.stats()).toMatchObject({ pendingEntries: 0, dropped: { calls: 1, cost: 7 } });
    await recorder.close();
  });

  it('sends what is left when it closes, and records nothing after', async () => {
    const { recorder, subgraph } = setup();
    recorder.record({ principal: key, operationName: 'Export', cost: 30, failed: false });
    await recorder.close();
    expect(entries(subgraph.accepted)).toEqual([expect.objectContaining({ operationName: 'Export', calls: 1, cost: 30 })]);
    recorder.record({ principal: key, operationName: 'Export', cost: 30, failed: false });
    expect(recorder.stats().pendingEntries).toBe(0);
  });
});
