import type { LiveMessage } from '@platform/kit';
import { GraphQLError } from 'graphql';
import { LiveStream, type LiveAnswer } from '../src/subscriptions/stream.ts';

const message = (id: string): LiveMessage => ({ id, field: 'f', organizationId: 'org', userIds: null, data: { id }, occurredAt: new Date().toISOString() });

function streamOf(answer: (message: LiveMessage) => LiveAnswer | Promise<LiveAnswer>, maxQueued = 10) {
  const sent: string[] = [];
  const events = { overflows: 0, ended: 0 };
  const stream = new LiveStream({
    organizationId: 'org',
    field: 'f',
    userId: 'usr',
    maxQueued,
    answer,
    send: (value) => sent.push(value),
    onOverflow: () => (events.overflows += 1),
    onEnd: () => (events.ended += 1),
  });
  return { stream, sent, events };
}

/** An answer the test settles by hand. */
function deferred() {
  let resolve!: (value: LiveAnswer) => void;
  const promise = new Promise<LiveAnswer>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('LiveStream', () => {
  it('sends answers worked out at once immediately, and skips an event with nothing to send', () => {
    const { stream, sent } = streamOf((event) => (event.id === 'skip' ? null : `{"n":"${event.id}"}`));
    for (const id of ['a', 'skip', 'b']) stream.deliver(message(id), new Map());
    expect(sent).toEqual(['{"n":"a"}', '{"n":"b"}']);
  });

  it('keeps arrival order when an earlier event is still being resolved through a query', async () => {
    const slow = deferred();
    const { stream, sent } = streamOf((event) => (event.id === 'slow' ? slow.promise : event.id));
    stream.deliver(message('slow'), new Map());
    stream.deliver(message('fast'), new Map());
    expect(sent).toEqual([]);
    slow.resolve('slow');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(['slow', 'fast']);
    stream.deliver(message('later'), new Map());
    expect(sent).toEqual(['slow', 'fast', 'later']);
  });

  it('reports a subscriber whose queue of unresolved events is full, and queues no more for it', () => {
    const never = deferred();
    const { stream, events } = streamOf(() => never.promise, 2);
    for (const id of ['1', '2', '3', '4']) stream.deliver(message(id), new Map());
    expect(events.overflows).toBe(2);
  });

  it('finishes the iteration graphql-ws reads when it ends, and throws when it fails', async () => {
    const first = streamOf(() => 'x');
    const done = first.stream.next();
    await first.stream.return();
    expect(await done).toEqual({ done: true, value: undefined });
    expect(first.events.ended).toBe(1);
    first.stream.deliver(message('after'), new Map());
    expect(first.sent).toEqual([]);

    const second = streamOf(() => 'x');
    const failed = second.stream.next();
    second.stream.fail(new GraphQLError('no longer allowed', { extensions: { code: 'FORBIDDEN' } }));
    await expect(failed).rejects.toThrow('no longer allowed');
    expect(second.events.ended).toBe(1);
  });
});
