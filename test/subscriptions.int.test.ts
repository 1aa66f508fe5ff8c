import { signAccessToken } from '@platform/kit';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { connectLive, publishLive, subscriptionsActive, until, userIdOf, type LiveClient } from './support/live.ts';
import { dataOf, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';

const ACCESS_TOKEN_SECRET = randomBytes(32).toString('base64url');
const RECEIVED = 'subscription Received { notificationReceived { id title body } }';
const COUNTS = 'subscription Counts { notificationCountsChanged { unread unseen } }';

/** A Notification as the notifications subgraph puts it in a live message: every field it owns, the actor as a reference. */
function notification(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = `ntf_${randomBytes(8).toString('hex')}`;
  return {
    __typename: 'Notification',
    id,
    kind: 'announcement',
    category: 'ANNOUNCEMENT',
    critical: false,
    title: `Title of ${id}`,
    body: 'Body text',
    link: '/members',
    actor: { __typename: 'User', id: 'usr_actor' },
    createdAt: new Date().toISOString(),
    seenAt: null,
    readAt: null,
    archivedAt: null,
    snoozedUntil: null,
    deliveries: [{ __typename: 'NotificationDelivery', channel: 'IN_APP', status: 'SENT', attempts: 1, lastAttemptAt: null, deliveredAt: new Date().toISOString(), lastError: null }],
    ...overrides,
  };
}

const counts = (unread: number) => ({ __typename: 'NotificationCounts', unread, unseen: unread });

describe('GraphQL subscriptions over graphql-ws at /graphql', () => {
  let platform: TestPlatform;
  let graphqlUrl: string;
  const clients: LiveClient[] = [];
  const live = (token?: string, options?: Parameters<typeof connectLive>[2]) => {
    const client = connectLive(graphqlUrl, token === undefined ? undefined : `Bearer ${token}`, options);
    clients.push(client);
    return client;
  };
  const stats = () => platform.platform.gateway.subscriptions.stats();
  const publish = (message: Parameters<typeof publishLive>[1]) => publishLive(platform.platform.infra, message);

  beforeAll(async () => {
    platform = await startTestPlatform({
      ACCESS_TOKEN_SECRET,
      SUBSCRIPTION_MAX_PER_CONNECTION: '3',
      SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: '3',
      SUBSCRIPTION_MAX_BUFFERED_BYTES: String(64 * 1024),
      SUBSCRIPTION_RECHECK_MS: '300',
    });
    graphqlUrl = `${platform.url}/graphql`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await until(() => stats().connections === 0 && stats().subscriptions === 0, 'every test connection to be gone');
  });
  afterAll(async () => {
    await platform.close();
  });

  describe('authentication in connection_init', () => {
    it('closes a connection without credentials with 4403 and says what is missing', async () => {
      const closed = await live(undefined, { connectionParams: {} }).closed();
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/Missing credentials.*authorization.*Bearer/);
    });

    it('closes a connection with a forged access token with 4403', async () => {
      const owner = await given(platform).owner();
      const claims = JSON.parse(Buffer.from(owner.accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string; org: string; sid: string };
      const forged = await signAccessToken(randomBytes(32).toString('base64url'), { userId: claims.sub, organizationId: claims.org, sessionId: claims.sid, role: 'owner', operator: true }, 900);
      const closed = await live(forged.token).closed();
      expect(closed).toEqual({ code: 4403, reason: 'The access token is invalid or has expired; refresh it or sign in again.' });
      expect((await live('not-even-a-jwt').closed()).code).toBe(4403);
      expect((await live(undefined, { connectionParams: { authorization: 'Basic dXNlcjpwYXNz' } }).closed()).code).toBe(4403);
    });

    it('closes a connection whose access token has already expired with 4403', async () => {
      const owner = await given(platform).owner();
      const claims = JSON.parse(Buffer.from(owner.accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string; org: string; sid: string };
      const expired = await signAccessToken(ACCESS_TOKEN_SECRET, { userId: claims.sub, organizationId: claims.org, sessionId: claims.sid, role: 'owner', operator: false }, 60, Date.now() - 120_000);
      expect((await live(expired.token).closed()).code).toBe(4403);
    });

    it('closes the connection with 4403 "token expired" when the access token expires while connected', async () => {
      const owner = await given(platform).owner();
      const claims = JSON.parse(Buffer.from(owner.accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string; org: string; sid: string };
      const shortLived = await signAccessToken(ACCESS_TOKEN_SECRET, { userId: claims.sub, organizationId: claims.org, sessionId: claims.sid, role: 'owner', operator: false }, 2);
      const client = live(shortLived.token);
      await client.acknowledged();
      expect(await client.closed()).toEqual({ code: 4403, reason: 'token expired' });
    });

    it('closes the connection with 4403 once its session is signed out (re-checked periodically)', async () => {
      const owner = await given(platform).owner();
      const client = live(owner.accessToken);
      await client.acknowledged();
      dataOf(await platform.graphql('mutation { sessionRevoke(input: {}) { userErrors { code } } }', {}, { token: owner.accessToken }));
      const closed = await client.closed();
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/revoked/);
    });

    it('refuses a WebSocket without the graphql-transport-ws subprotocol with 4406', async () => {
      const socket = new WebSocket(graphqlUrl.replace(/^http/, 'ws'));
      const closed = await new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
      expect(closed).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
    });

    it('answers an upgrade on another path with 404', async () => {
      const socket = new WebSocket(`${platform.url.replace(/^http/, 'ws')}/elsewhere`, 'graphql-transport-ws');
      socket.on('error', () => {});
      const status = await new Promise((resolve) => socket.once('unexpected-response', (_request, response) => resolve(response.statusCode)));
      socket.terminate();
      expect(status).toBe(404);
    });
  });

  describe('subscribing', () => {
    it('serves the selection from the event data: aliases, __typename, fragments, nested objects, lists, variables and @include', async () => {
      const owner = await given(platform).owner();
      const client = live(owner.accessToken);
      const subscription = client.subscribe(
        `subscription Live($withBody: Boolean!, $withLink: Boolean!) {
          incoming: notificationReceived {
            kind: __typename
            ...Basics
            ... on Notification { headline: title }
            body @include(if: $withBody)
            link @include(if: $withLink)
            actor { id __typename }
            deliveries { channel status }
          }
        }
        fragment Basics on Notification { id category createdAt readAt }`,
        { withBody: true, withLink: false },
      );
      await subscriptionsActive(platform.platform.gateway, 1);
      const data = notification();
      await publish({ field: 'notificationReceived', organizationId: owner.organizationId, data });
      const [result] = await subscription.received(1);
      expect(result).toEqual({
        data: {
          incoming: {
            kind: 'Notification',
            id: data.id,
            category: 'ANNOUNCEMENT',
            createdAt: data.createdAt,
            readAt: null,
            headline: data.title,
            body: 'Body text',
            actor: { id: 'usr_actor', __typename: 'User' },
            deliveries: [{ channel: 'IN_APP', status: 'SENT' }],
          },
        },
      });
    });

    it('never delivers another organization\'s events', async () => {
      const alice = await given(platform).owner();
      const bob = await given(platform).owner();
      const aliceClient = live(alice.accessToken);
      const bobClient = live(bob.accessToken);
      const aliceCounts = aliceClient.subscribe(COUNTS);
      const bobCounts = bobClient.subscribe(COUNTS);
      await subscriptionsActive(platform.platform.gateway, 2);

      await publish({ field: 'notificationCountsChanged', organizationId: bob.organizationId, data: counts(7) });
      // A message that claims Bob's organization on Alice's channel is dropped too.
      await publish({ field: 'notificationCountsChanged', organizationId: alice.organizationId, data: counts(8) });
      await platform.platform.infra.pubsub.publish(
        `live:${alice.organizationId}`,
        JSON.stringify({ id: 'evt_crossed', field: 'notificationCountsChanged', organizationId: bob.organizationId, userIds: null, data: counts(99), occurredAt: new Date().toISOString() }),
      );
      // A later event for Bob arrives: whatever was published before it for Alice's organization had its chance.
      await publish({ field: 'notificationCountsChanged', organizationId: bob.organizationId, data: counts(9) });
      const bobResults = await bobCounts.received(2);
      expect(bobResults.map((result) => (result.data!.notificationCountsChanged as { unread: number }).unread)).toEqual([7, 9]);
      await aliceCounts.received(1);
      expect(aliceCounts.results).toEqual([{ data: { notificationCountsChanged: { unread: 8, unseen: 8 } } }]);
    });

    it('delivers a message naming userIds only to those users, never to an API key', async () => {
      const owner = await given(platform).owner();
      const member = await given(platform).member(owner);
      // The member joining notifies the owner for real: let that count change go out before anyone listens.
      await platform.platform.notifications.subgraph.drainEvents();
      await platform.platform.notifications.subgraph.flushOutbox();
      const created = dataOf(
        await platform.graphql<{ apiKeyCreate: { secret: string } }>('mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { code } } }', { input: { name: 'dashboard' } }, { token: owner.accessToken }),
      ).apiKeyCreate;
      const ownerSub = live(owner.accessToken).subscribe(COUNTS);
      const memberSub = live(member.accessToken).subscribe(COUNTS);
      const keySub = live(created.secret).subscribe(COUNTS);
      await subscriptionsActive(platform.platform.gateway, 3);

      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, userIds: [userIdOf(member.accessToken)], data: counts(1) });
      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(2) });
      await Promise.all([memberSub.received(2), ownerSub.received(1), keySub.received(1)]);
      const unread = (subscription: typeof ownerSub) => subscription.results.map((result) => (result.data!.notificationCountsChanged as { unread: number }).unread);
      expect(unread(memberSub)).toEqual([1, 2]);
      expect(unread(ownerSub)).toEqual([2]);
      expect(unread(keySub)).toEqual([2]);
    });

    it('delivers a message published twice (relay replicas, at least once) once', async () => {
      const owner = await given(platform).owner();
      const subscription = live(owner.accessToken).subscribe(COUNTS);
      await subscriptionsActive(platform.platform.gateway, 1);
      const first = await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(1) });
      await publish({ ...first });
      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(2) });
      await subscription.received(2);
      expect(subscription.results).toEqual([{ data: { notificationCountsChanged: { unread: 1, unseen: 1 } } }, { data: { notificationCountsChanged: { unread: 2, unseen: 2 } } }]);
    });

    it('answers a document that fails validation with an error for its id and keeps the connection usable', async () => {
      const owner = await given(platform).owner();
      const client = live(owner.accessToken);
      const invalid = client.subscribe('subscription { notificationReceived { id nope } }');
      const errors = await invalid.refused();
      expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/Cannot query field "nope" on type "Notification"/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
      const unparsable = await client.subscribe('subscription {').refused();
      expect(unparsable[0]!.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
      const twoFields = await client.subscribe('subscription { notificationReceived { id } notificationCountsChanged { unread } }').refused();
      expect(twoFields[0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
      // The HTTP path's limits apply too: here the alias limit (MAX_ALIASES, 15).
      const aliases = Array.from({ length: 16 }, (_, index) => `a${index}: id`).join(' ');
      const flooded = await client.subscribe(`subscription { notificationReceived { ${aliases} } }`).refused();
      expect(flooded).toEqual([{ message: 'The document uses 16 aliases; the limit is 15.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);

      const valid = client.subscribe(COUNTS);
      await subscriptionsActive(platform.platform.gateway, 1);
      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(3) });
      expect(await valid.received(1)).toEqual([{ data: { notificationCountsChanged: { unread: 3, unseen: 3 } } }]);
    });

    it('refuses queries and mutations over WebSocket, and subscriptions over HTTP, saying where each goes', async () => {
      const owner = await given(platform).owner();
      const client = live(owner.accessToken);
      const query = await client.subscribe('{ viewer { role } }').refused();
      expect(query).toEqual([{ message: 'Only subscriptions are served over WebSocket; send queries with POST /graphql.', extensions: { code: 'BAD_REQUEST' } }]);
      const mutation = await client.subscribe('mutation { sessionRevoke(input: {}) { userErrors { code } } }').refused();
      expect(mutation[0]!.message).toMatch(/send mutations with POST \/graphql/);

      const overHttp = await platform.graphql(RECEIVED, {}, { token: owner.accessToken });
      expect(overHttp.status).toBe(400);
      expect(overHttp.body.errors).toEqual([{ message: expect.stringMatching(/served over WebSocket: connect to \/graphql with graphql-ws/), extensions: { code: 'BAD_REQUEST' } }]);
    });

    it('gives the subscription beyond SUBSCRIPTION_MAX_PER_CONNECTION an error for its id, and keeps the others', async () => {
      const owner = await given(platform).owner();
      const client = live(owner.accessToken);
      const kept = [client.subscribe(COUNTS), client.subscribe(COUNTS), client.subscribe(COUNTS)];
      await subscriptionsActive(platform.platform.gateway, 3);
      const refused = await client.subscribe(COUNTS).refused();
      expect(refused).toEqual([{ message: 'Too many subscriptions on this connection: at most 3. Complete one first, or open another connection.', extensions: { code: 'BAD_REQUEST' } }]);
      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(4) });
      for (const subscription of kept) expect(await subscription.received(1)).toHaveLength(1);
      // Completing one makes room for another.
      kept[0]!.unsubscribe();
      await until(() => stats().subscriptions === 2, 'the completed subscription to go');
      const another = client.subscribe(COUNTS);
      await subscriptionsActive(platform.platform.gateway, 3);
      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(5) });
      expect(await another.received(1)).toEqual([{ data: { notificationCountsChanged: { unread: 5, unseen: 5 } } }]);
    });

    it('closes the connection beyond SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL with 1008, and admits one again once another closes', async () => {
      const owner = await given(platform).owner();
      const open = [live(owner.accessToken), live(owner.accessToken), live(owner.accessToken)];
      await Promise.all(open.map((client) => client.acknowledged()));
      const closed = await live(owner.accessToken).closed();
      expect(closed).toEqual({ code: 1008, reason: 'Too many connections: at most 3 per user or API key; close one first.' });
      // Another user of the same organization is not affected.
      const member = await given(platform).member(owner);
      await live(member.accessToken).acknowledged();
      await open[0]!.dispose();
      await until(() => stats().connections === 3, 'the closed connection to be released');
      await live(owner.accessToken).acknowledged();
    });

    it('drops a consumer that stops reading (1013 slow consumer) instead of buffering for it', async () => {
      const owner = await given(platform).owner();
      const slow = live(owner.accessToken);
      slow.subscribe(RECEIVED);
      const healthy = live(owner.accessToken).subscribe(COUNTS);
      await subscriptionsActive(platform.platform.gateway, 2);
      slow.socket()!.pause();
      const dropped = stats().slowConsumersDropped;
      const body = 'x'.repeat(60_000);
      // Kernel socket buffers take a few MiB before the gateway's own buffer grows past its bound.
      for (let sent = 0; stats().slowConsumersDropped === dropped; sent += 1) {
        if (sent > 2_000) throw new Error('The slow consumer was never dropped');
        await publish({ field: 'notificationReceived', organizationId: owner.organizationId, data: notification({ body }) });
        if (sent % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(stats().subscriptions).toBe(1);
      slow.socket()!.resume();
      expect(await slow.closed()).toEqual({ code: 1013, reason: 'slow consumer' });
      // The other subscriber of the organization carries on.
      await publish({ field: 'notificationCountsChanged', organizationId: owner.organizationId, data: counts(6) });
      expect(await healthy.received(1)).toEqual([{ data: { notificationCountsChanged: { unread: 6, unseen: 6 } } }]);
    });
  });

  describe('publishing through the kit', () => {
    it('delivers an announcement live: notificationSend commits the live message with the notification, through the outbox', async () => {
      const owner = await given(platform).owner();
      const member = await given(platform).member(owner);
      const subscription = live(member.accessToken).subscribe('subscription { notificationReceived { id title body createdAt readAt } }');
      await subscriptionsActive(platform.platform.gateway, 1);
      const sent = dataOf(
        await platform.graphql<{ notificationSend: { recipients: number; userErrors: unknown[] } }>(
          'mutation($input: NotificationSendInput!) { notificationSend(input: $input) { recipients userErrors { code message } } }',
          { input: { title: 'Maintenance tonight', body: 'The app is read-only from 22:00.', userIds: [userIdOf(member.accessToken)] } },
          { token: owner.accessToken },
        ),
      ).notificationSend;
      expect(sent.userErrors).toEqual([]);
      const [result] = await subscription.received(1);
      expect(result).toEqual({ data: { notificationReceived: { id: expect.stringMatching(/^ntf_/), title: 'Maintenance tonight', body: 'The app is read-only from 22:00.', createdAt: expect.any(String), readAt: null } } });
    });

    it('resolves a selection the event does not carry through Query.notification, as the subscriber, with fields of other subgraphs', async () => {
      const owner = await given(platform).owner({ name: 'Olga Owner' });
      const member = await given(platform).member(owner);
      const subscription = live(member.accessToken).subscribe('subscription { mine: notificationReceived { id title actor { name email } deliveries { channel } } }');
      await subscriptionsActive(platform.platform.gateway, 1);
      dataOf(
        await platform.graphql(
          'mutation($input: NotificationSendInput!) { notificationSend(input: $input) { recipients userErrors { code } } }',
          { input: { title: 'With its actor', body: 'Resolved per subscriber.' } },
          { token: owner.accessToken },
        ),
      );
      const [result] = await subscription.received(1);
      expect(result!.errors).toBeUndefined();
      expect(result!.data).toEqual({ mine: { id: expect.stringMatching(/^ntf_/), title: 'With its actor', actor: { name: 'Olga Owner', email: owner.email }, deliveries: expect.arrayContaining([{ channel: 'IN_APP' }]) } });
    });

    it('sends nothing for an event the subscriber cannot see when it is resolved through the query', async () => {
      const owner = await given(platform).owner();
      const member = await given(platform).member(owner);
      const subscription = live(member.accessToken).subscribe('subscription { notificationReceived { title actor { name } } }');
      await subscriptionsActive(platform.platform.gateway, 1);
      // An organization-wide message about a notification that is not the member's: Query.notification answers null for them.
      await publish({ field: 'notificationReceived', organizationId: owner.organizationId, data: notification({ id: 'ntf_00000000000000000000000000' }) });
      dataOf(
        await platform.graphql(
          'mutation($input: NotificationSendInput!) { notificationSend(input: $input) { recipients userErrors { code } } }',
          { input: { title: 'Theirs to see', body: '.', userIds: [userIdOf(member.accessToken)] } },
          { token: owner.accessToken },
        ),
      );
      // One subscription answers its events in order: once the later one is there, the earlier one was dropped.
      await subscription.received(1);
      expect(subscription.results).toEqual([{ data: { notificationReceived: { title: 'Theirs to see', actor: { name: 'Owner Person' } } } }]);
    });

    it('delivers a live message a subgraph committed through its outbox (context.publish and the relay)', async () => {
      const owner = await given(platform).owner();
      const subscription = live(owner.accessToken).subscribe(RECEIVED);
      await subscriptionsActive(platform.platform.gateway, 1);
      const principal = { kind: 'user' as const, userId: userIdOf(owner.accessToken), organizationId: owner.organizationId, role: 'owner' as const, permissions: [], sessionId: 'ses_test' };
      const context = platform.identity.context(principal);
      const data = notification({ title: 'Committed with the change' });
      await context.em.begin();
      context.publish('notificationReceived', data, { userIds: [principal.userId] });
      await context.em.commit();
      await platform.identity.flushOutbox();
      expect(await subscription.received(1)).toEqual([{ data: { notificationReceived: { id: data.id, title: 'Committed with the change', body: 'Body text' } } }]);
    });
  });
});

