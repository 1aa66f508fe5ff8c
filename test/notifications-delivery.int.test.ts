import { createLogger, createScratchDatabase, createSmtpTransport, MailMessage, type MailTransport } from '@platform/kit';
import { notificationsSettings, startNotifications, type RunningNotifications } from '@platform/notifications';
import { NotificationDelivery, PushRegistration } from '@platform/notifications/entities/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notificationDocuments, notificationMailTo, notificationsDb, notificationsOf, settle, userIdOf, waitFor } from './support/notifications.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { browserKeys, decryptPush, startPushService, verifyVapid, type PushService } from './support/push-service.ts';
import { given } from './support/seed.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp.ts';
import { backing } from './support/test-env.ts';

/**
 * Delivery is at least once and never lost: mail through a mail server that refuses or hangs, a
 * crash between the commit and the send, and browser push with a push service that says a browser is gone.
 */
const FROM = 'Platform <no-reply@platform.test>';

async function team(platform: TestPlatform) {
  const owner = await given(platform).owner();
  const member = await given(platform).member(owner, 'MEMBER');
  await settle(platform);
  return { owner, member };
}

const emailDeliveryOf = async (platform: TestPlatform, who: Parameters<typeof notificationsOf>[1], title: string) => {
  const [notification] = (await notificationsOf(platform, who).inbox({ category: 'ANNOUNCEMENT' })).filter((candidate) => candidate.title === title);
  return notification.deliveries.find((delivery: any) => delivery.channel === 'EMAIL');
};

describe('a mail server that refuses', () => {
  let refusing = false;
  let smtp: SmtpSink;
  let transport: MailTransport;
  let platform: TestPlatform;
  beforeAll(async () => {
    smtp = await startSmtpSink({ refuse: () => refusing });
    transport = createSmtpTransport({ url: smtp.url, from: FROM });
    platform = await startTestPlatform({}, { mail: transport });
  });
  afterAll(async () => {
    await platform.close();
    await transport.close();
    await smtp.close();
  });

  it('keeps the email and its attempts, retries it later and then delivers it', async () => {
    const { owner, member } = await team(platform);
    refusing = true;
    expect((await notificationsOf(platform, owner).send({ title: 'Refused at first', body: 'Body', userIds: [userIdOf(member)] })).recipients).toBe(1);
    await settle(platform);
    const [mail] = (await notificationMailTo(platform, member.email)).filter((message) => message.subject === 'Refused at first');
    expect(mail).toMatchObject({ attempts: 1, sentAt: null, failedAt: null });
    expect(mail!.lastError).toMatch(/550/);
    expect(mail!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    const refused = await emailDeliveryOf(platform, member, 'Refused at first');
    expect(refused).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'The mail server refused the message (550).', deliveredAt: null });
    expect(Date.parse(refused.lastAttemptAt)).toBeLessThanOrEqual(Date.now());

    refusing = false;
    // The retry is due: as if its 30 seconds had passed.
    await notificationsDb(platform).nativeUpdate(MailMessage, { id: mail!.id }, { nextAttemptAt: new Date(Date.now() - 1000) });
    await platform.platform.notifications.subgraph.flushOutbox();
    await waitFor(() => smtp.received.find((received) => received.to.includes(member.email) && received.raw.includes('Subject: Refused at first')), Boolean);
    expect(await emailDeliveryOf(platform, member, 'Refused at first')).toMatchObject({ status: 'SENT', attempts: 2, lastError: null, deliveredAt: expect.any(String) });
  });

  it('has no local mailbox: mail goes out over SMTP', async () => {
    const { owner } = await team(platform);
    expect((await notificationsOf(platform, owner).call<any>(notificationDocuments.localMailbox)).localMailbox).toBeNull();
  });
});

describe('a mail server that accepts connections and never answers', () => {
  const sockets: Socket[] = [];
  const hanging = createServer((socket) => sockets.push(socket));
  let transport: MailTransport;
  let platform: TestPlatform;
  beforeAll(async () => {
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    transport = createSmtpTransport({ url: `smtp://127.0.0.1:${(hanging.address() as AddressInfo).port}`, from: FROM, greetingTimeoutMs: 1500 });
    platform = await startTestPlatform({}, { mail: transport });
  });
  afterAll(async () => {
    await platform.close();
    await transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('holds up no request: the mail waits, its attempt is recorded as timed out, and it stays queued', async () => {
    const { owner, member } = await team(platform);
    const before = sockets.length;
    await notificationsOf(platform, owner).send({ title: 'Into the void', body: 'Body', userIds: [userIdOf(member)] });
    await waitFor(() => sockets.length, (count) => count > before, 5_000);
    // While the relay waits for a greeting, requests go on as usual.
    expect((await notificationsOf(platform, member).call<any>(notificationDocuments.markAllRead, {})).notificationMarkAllRead.updated).toBeGreaterThanOrEqual(1);
    expect(await emailDeliveryOf(platform, member, 'Into the void')).toMatchObject({ status: 'PENDING', attempts: 0 });

    const mail = await waitFor(
      async () => (await notificationMailTo(platform, member.email)).find((message) => message.subject === 'Into the void'),
      (found) => found?.attempts === 1,
      10_000,
    );
    expect(mail).toMatchObject({ sentAt: null, failedAt: null });
    expect(await emailDeliveryOf(platform, member, 'Into the void')).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'The mail server did not answer in time.' });
  });
});

describe('browser push', () => {
  let push: PushService;
  let platform: TestPlatform;
  beforeAll(async () => {
    push = await startPushService();
    platform = await startTestPlatform({ PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true' }, { pushAgent: push.agent });
  });
  afterAll(async () => {
    await platform.close();
    await push.close();
  });

  async function register(who: Parameters<typeof notificationsOf>[1], name: string) {
    const browser = browserKeys();
    const result = (await notificationsOf(platform, who).call<any>(notificationDocuments.pushRegister, { input: { endpoint: push.endpoint(name), p256dh: browser.p256dh, auth: browser.auth } })).pushSubscriptionRegister;
    expect(result.userErrors).toEqual([]);
    return { browser, id: result.pushSubscription.id as string };
  }

  it('refuses endpoints that are not https and keys of the wrong size', async () => {
    const { member } = await team(platform);
    const api = notificationsOf(platform, member);
    const browser = browserKeys();
    const attempt = async (input: Record<string, unknown>) =>
      (await api.call<any>(notificationDocuments.pushRegister, { input: { endpoint: push.endpoint('x'), p256dh: browser.p256dh, auth: browser.auth, ...input } })).pushSubscriptionRegister.userErrors;
    expect(await attempt({ endpoint: 'http://push.example/abc' })).toEqual([{ code: 'INVALID_ENDPOINT', message: 'The endpoint must be an https URL of a push service.', field: ['input', 'endpoint'] }]);
    expect((await attempt({ p256dh: 'AAAA' }))[0]).toMatchObject({ code: 'INVALID_KEYS', field: ['input', 'p256dh'] });
    expect((await attempt({ auth: 'AAAA' }))[0]).toMatchObject({ code: 'INVALID_KEYS', field: ['input', 'auth'] });
    expect(await attempt({ expirationTime: new Date(Date.now() - 1000).toISOString() })).toEqual([expect.objectContaining({ code: 'EXPIRED' })]);
  });

  it('encrypts the payload for the browser, signs with VAPID, sets TTL and urgency, and drops a browser the push service says is gone', async () => {
    const { owner, member } = await team(platform);
    const api = notificationsOf(platform, member);
    const vapidPublicKey = (await api.call<any>(notificationDocuments.pushConfig)).pushConfig.vapidPublicKey;
    const desk = await register(member, `desk-${member.organizationId}`);
    const gone = await register(member, `gone-${member.organizationId}`);
    push.answer(`gone-${member.organizationId}`, 410);
    expect((await api.call<any>(notificationDocuments.pushSubscriptions)).pushSubscriptions).toHaveLength(2);
    const stored = await notificationsDb(platform).find(PushRegistration, { id: desk.id }, { filters: { tenant: false } });
    expect(stored[0]!.secretBox).not.toContain('push/v2');

    await notificationsOf(platform, owner).send({ title: 'Server on fire', body: 'Look now', link: '/status', critical: true, userIds: [userIdOf(member)] });
    const report = await platform.platform.notifications.worker.runOnce();
    expect(report.pushed).toBe(1);
    const toDesk = push.received.find((request) => request.name === `desk-${member.organizationId}`)!;
    const [notification] = await api.inbox({ category: 'ANNOUNCEMENT' });
    expect(JSON.parse(decryptPush(toDesk.body, desk.browser))).toEqual({ id: notification.id, title: 'Server on fire', body: 'Look now', link: '/status' });
    expect(toDesk.headers).toMatchObject({ ttl: '3600', urgency: 'high', 'content-encoding': 'aes128gcm' });
    const vapid = verifyVapid(toDesk.headers.authorization as string);
    expect(vapid.publicKey).toBe(vapidPublicKey);
    expect(vapid.claims).toMatchObject({ aud: push.origin, sub: 'mailto:no-reply@localhost' });
    expect(vapid.claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(vapid.claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 60 * 60_000);

    expect(push.received.some((request) => request.name === `gone-${member.organizationId}`)).toBe(true);
    const left = (await api.call<any>(notificationDocuments.pushSubscriptions)).pushSubscriptions;
    expect(left.map((registration: any) => registration.id)).toEqual([desk.id]);
    expect(left[0]).toMatchObject({ endpointHost: push.origin.replace('https://', ''), lastDeliveredAt: expect.any(String) });
    expect(notification.deliveries.find((delivery: any) => delivery.channel === 'PUSH')).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(gone.id).not.toBe(desk.id);

    await notificationsOf(platform, owner).send({ title: 'Calm news', body: 'Later', userIds: [userIdOf(member)] });
    await platform.platform.notifications.worker.runOnce();
    const calm = push.received.filter((request) => request.name === `desk-${member.organizationId}`).at(-1)!;
    expect(calm.headers).toMatchObject({ ttl: '86400', urgency: 'normal' });
  });

  it('retries a push the push service failed, recording each attempt', async () => {
    const { owner, member } = await team(platform);
    const name = `flaky-${member.organizationId}`;
    await register(member, name);
    push.answer(name, 503);
    await notificationsOf(platform, owner).send({ title: 'Try again', body: 'Body', userIds: [userIdOf(member)] });
    expect((await platform.platform.notifications.worker.runOnce()).pushRetries).toBe(1);
    const pushDelivery = async () => (await notificationsOf(platform, member).inbox({ category: 'ANNOUNCEMENT' }))[0].deliveries.find((delivery: any) => delivery.channel === 'PUSH');
    expect(await pushDelivery()).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'The push service answered 503.' });
    // Not due again before its backoff has passed.
    expect((await platform.platform.notifications.worker.runOnce()).pushRetries).toBe(0);

    push.answer(name, 201);
    await notificationsDb(platform).nativeUpdate(NotificationDelivery, { userId: userIdOf(member), channel: 'push' }, { nextAttemptAt: new Date(Date.now() - 1000) }, { filters: { tenant: false } });
    expect((await platform.platform.notifications.worker.runOnce()).pushed).toBe(1);
    expect(await pushDelivery()).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
  });
});

describe('a crash between the commit and the send', () => {
  let smtp: SmtpSink;
  let push: PushService;
  let platform: TestPlatform;
  let dataDir: string;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  beforeAll(async () => {
    [smtp, push] = await Promise.all([startSmtpSink(), startPushService()]);
    platform = await startTestPlatform({ PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true' }, { pushAgent: push.agent });
    dataDir = mkdtempSync(join(tmpdir(), 'notifications-crash-'));
    scratch = backing.databaseUrl ? await createScratchDatabase(backing.databaseUrl, 'test') : undefined;
  });
  afterAll(async () => {
    await platform.close();
    await Promise.all([smtp.close(), push.close(), scratch?.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A notifications subgraph of its own, on its own database that outlives it, beside the platform's identity and billing. */
  async function startOwn(options: { sending: boolean; mail: MailTransport }): Promise<RunningNotifications> {
    const secret = platform.platform.notifications.deps.settings.internalSigningSecret;
    const { settings } = notificationsSettings({ NODE_ENV: 'test', DATA_DIR: dataDir, INTERNAL_SIGNING_SECRET: secret, ACCESS_TOKEN_SECRET: secret, PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true' });
    return startNotifications({
      settings: { ...settings, identityUrl: platform.identity.url, billingUrl: platform.platform.billing.subgraph.url },
      eventSources: { identity: platform.identity.url, billing: platform.platform.billing.subgraph.url, usage: platform.platform.usage.subgraph.url },
      logger: createLogger({ service: 'test', level: backing.logLevel }),
      infra: platform.platform.infra,
      signingSecret: secret,
      database: scratch ? { databaseUrl: scratch.url } : { dataDir },
      mail: options.mail,
      pushAgent: push.agent,
      // The first one "crashes" before its relay or worker ever runs.
      work: options.sending,
      relayIntervalMs: options.sending ? 50 : 3_600_000,
    });
  }

  it('sends the committed email and push once a fresh subgraph starts on the same database, with the same VAPID key', async () => {
    const { owner, member } = await team(platform);
    const transport = createSmtpTransport({ url: smtp.url, from: FROM });
    const first = await startOwn({ sending: false, mail: transport });
    const asMember = first.subgraph.context({ kind: 'user', userId: userIdOf(member), organizationId: member.organizationId, role: 'member', permissions: [], sessionId: 'ses_test' });
    const browser = browserKeys();
    await asMember.em.begin();
    await asMember.services.push.register({ endpoint: push.endpoint('after-crash'), p256dh: browser.p256dh, auth: browser.auth });
    await asMember.em.commit();
    const firstKey = first.deps.push.publicKey;

    const asOwner = first.subgraph.context({ kind: 'user', userId: userIdOf(owner), organizationId: owner.organizationId, role: 'owner', permissions: [], sessionId: 'ses_test' });
    await asOwner.em.begin();
    expect(await asOwner.services.announcements.send({ title: 'Survives a crash', body: 'Body', userIds: [userIdOf(member)] })).toEqual({ recipients: 1 });
    await asOwner.em.commit();
    await first.close();
    expect(smtp.received.filter((mail) => mail.to.includes(member.email))).toEqual([]);
    expect(push.received.filter((request) => request.name === 'after-crash')).toEqual([]);

    const second = await startOwn({ sending: true, mail: transport });
    try {
      expect(second.deps.push.publicKey).toBe(firstKey);
      await waitFor(() => smtp.received.find((received) => received.to.includes(member.email) && received.raw.includes('Subject: Survives a crash')), Boolean);
      await waitFor(() => push.received.filter((request) => request.name === 'after-crash'), (requests) => requests.length === 1);
      expect(JSON.parse(decryptPush(push.received.find((request) => request.name === 'after-crash')!.body, browser)).title).toBe('Survives a crash');
      const deliveries = await waitFor(
        () => second.subgraph.db.em.fork().find(NotificationDelivery, { userId: userIdOf(member) }, { filters: { tenant: false } }),
        (rows) => rows.find((row) => row.channel === 'push')?.status === 'sent',
      );
      expect(deliveries.map((row) => [row.channel, row.status]).sort()).toEqual([['email', 'pending'], ['in_app', 'sent'], ['push', 'sent']]);
      const mail = await waitFor(() => second.subgraph.db.em.fork().findOne(MailMessage, { id: deliveries.find((row) => row.channel === 'email')!.mailId! }), (row) => row?.sentAt != null);
      expect(mail).toMatchObject({ attempts: 1 });
    } finally {
      await second.close();
      await transport.close();
    }
  });

});
