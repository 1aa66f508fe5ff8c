import { createInfrastructure, createLogger, liveChannel, type LiveMessage, type PubSub } from '@platform/kit';
import { LiveFanout, type LiveListener } from '../src/subscriptions/fanout.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

/** The in-process pub/sub, counting who listens to which channel. */
async function countingPubSub() {
  const { pubsub } = await createInfrastructure({ logger });
  const listening = new Map<string, number>();
  const counting: PubSub = {
    publish: (channel, message) => pubsub.publish(channel, message),
    async subscribe(channel, handler) {
      listening.set(channel, (listening.get(channel) ?? 0) + 1);
      const leave = await pubsub.subscribe(channel, handler);
      return async () => {
        listening.set(channel, listening.get(channel)! - 1);
        await leave();
      };
    },
  };
  return { pubsub: counting, listening };
}

class Recorder implements LiveListener {
  readonly received: LiveMessage[] = [];
  readonly organizationId: string;
  readonly field: string;
  readonly userId: string | null;
  constructor(organizationId: string, field: string, userId: string | null) {
    this.organizationId = organizationId;
    this.field = field;
    this.userId = userId;
  }
  deliver(message: LiveMessage): void {
    this.received.push(message);
  }
}

let sequence = 0;
const message = (organizationId: string, overrides: Partial<LiveMessage> = {}): LiveMessage => ({
  id: `evt_${++sequence}`,
  field: 'countsChanged',
  organizationId,
  userIds: null,
  data: { unread: sequence },
  occurredAt: new Date().toISOString(),
  ...overrides,
});

/** Publishes on each message's channel and waits until the in-process pub/sub handed them over (a later tick). */
async function publishAll(pubsub: PubSub, messages: LiveMessage[]): Promise<void> {
  for (const each of messages) await pubsub.publish(liveChannel(each.organizationId), JSON.stringify(each));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('LiveFanout', () => {
  it('listens to an organization channel from its first subscriber until its last one leaves', async () => {
    const { pubsub, listening } = await countingPubSub();
    const fanout = new LiveFanout({ pubsub, logger, dedupeSize: 100 });
    const first = new Recorder('org_a', 'countsChanged', 'usr_1');
    const second = new Recorder('org_a', 'notificationReceived', 'usr_2');
    await fanout.add(first);
    await fanout.add(second);
    expect(listening.get(liveChannel('org_a'))).toBe(1);
    expect(fanout.stats()).toEqual({ organizations: 1, listeners: 2 });
    fanout.remove(first);
    expect(listening.get(liveChannel('org_a'))).toBe(1);
    fanout.remove(second);
    fanout.remove(second);
    await new Promise((resolve) => setImmediate(resolve));
    expect(listening.get(liveChannel('org_a'))).toBe(0);
    expect(fanout.stats()).toEqual({ organizations: 0, listeners: 0 });
    // A newcomer joins again.
    await fanout.add(first);
    expect(listening.get(liveChannel('org_a'))).toBe(1);
    await fanout.close();
    expect(listening.get(liveChannel('org_a'))).toBe(0);
  });

  it('delivers a message to the listeners of its organization and field, and to its audience only', async () => {
    const { pubsub } = await countingPubSub();
    const fanout = new LiveFanout({ pubsub, logger, dedupeSize: 100 });
    const alice = new Recorder('org_a', 'countsChanged', 'usr_alice');
    const bob = new Recorder('org_a', 'countsChanged', 'usr_bob');
    const apiKey = new Recorder('org_a', 'countsChanged', null);
    const otherField = new Recorder('org_a', 'notificationReceived', 'usr_alice');
    const otherOrg = new Recorder('org_b', 'countsChanged', 'usr_alice');
    for (const listener of [alice, bob, apiKey, otherField, otherOrg]) await fanout.add(listener);

    const everyone = message('org_a');
    const toBob = message('org_a', { userIds: ['usr_bob'] });
    // An audience long enough to be looked up through a set.
    const toAliceAmongMany = message('org_a', { userIds: [...Array.from({ length: 40 }, (_, index) => `usr_${index}`), 'usr_alice'] });
    // On org_a's channel but claiming org_b: dropped, never crossed over.
    const crossed = message('org_b');
    await publishAll(pubsub, [everyone, toBob, toAliceAmongMany]);
    await pubsub.publish(liveChannel('org_a'), JSON.stringify(crossed));
    await pubsub.publish(liveChannel('org_a'), 'not json');
    await new Promise((resolve) => setImmediate(resolve));

    expect(alice.received.map((each) => each.id)).toEqual([everyone.id, toAliceAmongMany.id]);
    expect(bob.received.map((each) => each.id)).toEqual([everyone.id, toBob.id]);
    expect(apiKey.received.map((each) => each.id)).toEqual([everyone.id]);
    expect(otherField.received).toEqual([]);
    expect(otherOrg.received).toEqual([]);
    await fanout.close();
  });

  it('drops a message it has delivered before, remembering a bounded number of ids', async () => {
    const { pubsub } = await countingPubSub();
    const fanout = new LiveFanout({ pubsub, logger, dedupeSize: 3 });
    const listener = new Recorder('org_a', 'countsChanged', 'usr_1');
    await fanout.add(listener);
    const [one, two, three, four] = [message('org_a'), message('org_a'), message('org_a'), message('org_a')];
    await publishAll(pubsub, [one!, one!, two!, three!, two!, four!]);
    expect(listener.received.map((each) => each.id)).toEqual([one!.id, two!.id, three!.id, four!.id]);
    // The oldest id was forgotten to keep the memory bounded: a very late repeat gets through.
    await publishAll(pubsub, [one!, four!]);
    expect(listener.received.map((each) => each.id)).toEqual([one!.id, two!.id, three!.id, four!.id, one!.id]);
    await fanout.close();
  });

  it('lets a subscriber fail when the channel cannot be listened to, and tries again for the next one', async () => {
    let fail = true;
    const { pubsub } = await countingPubSub();
    const flaky: PubSub = {
      publish: (channel, raw) => pubsub.publish(channel, raw),
      subscribe: async (channel, handler) => {
        if (fail) throw new Error('redis is down');
        return pubsub.subscribe(channel, handler);
      },
    };
    const fanout = new LiveFanout({ pubsub: flaky, logger, dedupeSize: 10 });
    await expect(fanout.add(new Recorder('org_a', 'countsChanged', 'usr_1'))).rejects.toThrow('redis is down');
    expect(fanout.stats()).toEqual({ organizations: 0, listeners: 0 });
    fail = false;
    const listener = new Recorder('org_a', 'countsChanged', 'usr_1');
    await fanout.add(listener);
    const next = message('org_a');
    await publishAll(pubsub, [next]);
    expect(listener.received.map((each) => each.id)).toEqual([next.id]);
    await fanout.close();
  });
});
