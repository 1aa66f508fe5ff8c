import { createGateway, createRateLimiter, gatewaySettings, RedisRateLimiter, type RunningGateway } from '@platform/gateway';
import { createInfrastructure, createLogger, type Infrastructure } from '@platform/kit';
import { randomBytes } from 'node:crypto';
import { connectLive, publishLive, subscriptionsActive, until, userIdOf, type LiveClient } from './support/live.ts';
import { backing, dataOf, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';

// Several gateways share live messages only through Redis: this runs in the suite's PostgreSQL-and-Redis pass.
const withRedis = backing.redisUrl ? describe : describe.skip;

const COUNTS = 'subscription { notificationCountsChanged { unread } }';
const ENV = {
  INTERNAL_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  RATE_LIMIT_BURST_SECONDS: '3600',
};

withRedis('graphql-ws subscriptions on two gateways sharing Redis', () => {
  let platform: TestPlatform;
  /** A second gateway process: its own Redis connections and rate limiter, the platform's namespace. */
  let second: { gateway: RunningGateway; infra: Infrastructure; url: string; closed: boolean };
  /** Another relay replica publishing on the same Redis. */
  let replica: Infrastructure;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(ENV);
    const logger = createLogger({ service: 'test', level: backing.logLevel });
    const infra = await createInfrastructure({ redisUrl: backing.redisUrl, namespace: platform.namespace, logger });
    const rateLimiter = createRateLimiter({ redis: backing.redisUrl!, namespace: platform.namespace, logger });
    if (rateLimiter instanceof RedisRateLimiter) await rateLimiter.ready();
    const { settings } = gatewaySettings({ NODE_ENV: 'test', LOG_LEVEL: backing.logLevel, DATA_DIR: '/tmp', ...ENV });
    const running = platform.platform;
    const subgraphUrls = { ...settings.subgraphUrls, identity: running.identity.url, billing: running.billing.subgraph.url, notifications: running.notifications.subgraph.url, usage: running.usage.subgraph.url };
    const gateway = await (await createGateway({ settings: { ...settings, subgraphUrls, webAppDir: null }, infra, logger, rateLimiter })).listen(0, '127.0.0.1');
    second = { gateway, infra, url: gateway.url.replace('localhost', '127.0.0.1'), closed: false };
    replica = await createInfrastructure({ redisUrl: backing.redisUrl, namespace: platform.namespace, logger });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    if (second && !second.closed) await second.gateway.close();
    await second?.infra.close();
    await replica?.close();
    await platform?.close();
  });

  it('delivers every event exactly once to a subscriber on each gateway, whichever relay replica published it', async () => {
    const owner = await given(platform).owner();
    const onFirst = connectLive(`${platform.url}/graphql`, `Bearer ${owner.accessToken}`);
    const onSecond = connectLive(`${second.url}/graphql`, `Bearer ${owner.accessToken}`);
    clients.push(onFirst, onSecond);
    const first = onFirst.subscribe(COUNTS);
    const secondSubscription = onSecond.subscribe(COUNTS);
    await subscriptionsActive(platform.platform.gateway, 1);
    await subscriptionsActive(second.gateway, 1);

    const published = [];
    for (let unread = 1; unread <= 20; unread += 1) {
      const message = await publishLive(platform.platform.infra, { field: 'notificationCountsChanged', organizationId: owner.organizationId, data: { __typename: 'NotificationCounts', unread, unseen: unread } });
      published.push(message);
      // Every fourth one again from the other replica, as an at-least-once relay would.
      if (unread % 4 === 0) await publishLive(replica, message);
    }
    const expected = published.map((message) => ({ data: { notificationCountsChanged: { unread: (message.data as { unread: number }).unread } } }));
    await first.received(20);
    await secondSubscription.received(20);
    // One more, and nothing between: no repeat was still on its way.
    await publishLive(replica, { field: 'notificationCountsChanged', organizationId: owner.organizationId, data: { __typename: 'NotificationCounts', unread: 21, unseen: 21 } });
    await first.received(21);
    await secondSubscription.received(21);
    const all = [...expected, { data: { notificationCountsChanged: { unread: 21 } } }];
    expect(first.results).toEqual(all);
    expect(secondSubscription.results).toEqual(all);
  });

  it('delivers an announcement made through the first gateway to a member connected to the second', async () => {
    const owner = await given(platform).owner();
    const member = await given(platform).member(owner);
    const client = connectLive(`${second.url}/graphql`, `Bearer ${member.accessToken}`);
    clients.push(client);
    const before = second.gateway.subscriptions.stats().subscriptions;
    const subscription = client.subscribe('subscription { notificationReceived { title actor { name } } }');
    await until(() => second.gateway.subscriptions.stats().subscriptions > before, 'the subscription on the second gateway');
    dataOf(
      await platform.graphql(
        'mutation($input: NotificationSendInput!) { notificationSend(input: $input) { recipients userErrors { code } } }',
        { input: { title: 'Across gateways', body: 'Through Redis.', userIds: [userIdOf(member.accessToken)] } },
        { token: owner.accessToken },
      ),
    );
    expect(await subscription.received(1)).toEqual([{ data: { notificationReceived: { title: 'Across gateways', actor: { name: 'Owner Person' } } } }]);
  });

  it('closes its connections with 1001 when a gateway shuts down, and leaves the live channels', async () => {
    const owner = await given(platform).owner();
    const before = second.gateway.subscriptions.stats().subscriptions;
    const client = connectLive(`${second.url}/graphql`, `Bearer ${owner.accessToken}`);
    clients.push(client);
    client.subscribe(COUNTS);
    await client.acknowledged();
    await until(() => second.gateway.subscriptions.stats().subscriptions > before, 'the subscription on the second gateway');
    second.closed = true;
    await second.gateway.close();
    expect(await client.closed()).toEqual({ code: 1001, reason: 'Going away' });
    expect(second.gateway.subscriptions.stats()).toMatchObject({ connections: 0, subscriptions: 0, organizations: 0 });
  });
});
