import { connectLive, publishLive, until } from './support/live.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';

/*
 * A subscription is charged its requested cost once, when it starts, to the same token buckets as an
 * HTTP operation. Buckets here hold one second of the plan's rate (Free: 50 points/s, 25 for one user),
 * so a burst of subscribes runs out.
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ RATE_LIMIT_BURST_SECONDS: '1', RATE_LIMIT_ANONYMOUS_POINTS_PER_SECOND: '1000' });
});
afterAll(() => platform.close());

/** Costs 4 points: the notification, and its deliveries (a list assumed to hold 3). */
const PRICED = 'subscription { notificationReceived { id deliveries { channel } } }';

it('refuses subscribes beyond the caller\'s bucket with RATE_LIMITED, and charges nothing per event to the ones that started', async () => {
  const owner = await given(platform).owner();
  const client = connectLive(`${platform.url}/graphql`, `Bearer ${owner.accessToken}`);
  await client.acknowledged();
  // 20 x 4 points at once, against a bucket of 25 that restores 25 per second.
  const subscriptions = Array.from({ length: 20 }, () => client.subscribe(PRICED));
  const refusedCount = () => subscriptions.filter((subscription) => subscription.errors).length;
  await until(() => platform.platform.gateway.subscriptions.stats().subscriptions + refusedCount() === 20, 'every subscribe to be answered');
  const refused = subscriptions.filter((subscription) => subscription.errors);
  const started = subscriptions.filter((subscription) => !subscription.errors);
  expect(refused.length).toBeGreaterThan(0);
  expect(started.length).toBeGreaterThan(0);
  for (const subscription of refused) {
    expect(subscription.errors).toEqual([{ message: expect.stringMatching(/^Rate limited: this operation costs 4 points/), extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } }]);
  }

  // Many more events than the bucket could pay for, each delivered to every subscription that started.
  const events = 40;
  for (let index = 0; index < events; index += 1) {
    await publishLive(platform.platform.infra, {
      field: 'notificationReceived',
      organizationId: owner.organizationId,
      data: { __typename: 'Notification', id: `ntf_${index}`, deliveries: [{ __typename: 'NotificationDelivery', channel: 'IN_APP' }] },
    });
  }
  for (const subscription of started) expect(await subscription.received(events)).toHaveLength(events);
  expect(started[0]!.results.every((result) => !result.errors)).toBe(true);
  await client.dispose();
});
