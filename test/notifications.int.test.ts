import { DAY, TestClock } from './support/billing.ts';
import { captureLive, localMailTo, notificationDocuments, notificationMailTo, notificationsOf, settle, userIdOf, waitFor } from './support/notifications.ts';
import { errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

let platform: TestPlatform;
const clock = new TestClock();
const started = clock.now();
beforeAll(async () => {
  platform = await startTestPlatform({}, { notificationsClock: clock });
});
afterAll(() => platform.close());
// Every test starts at the same time, however far the one before moved the clock.
afterEach(() => clock.set(started));

/** An owner with an admin and a member, every event of their joining already turned into notifications. */
async function team() {
  const owner = await given(platform).owner();
  const admin = await given(platform).member(owner, 'ADMIN');
  const member = await given(platform).member(owner, 'MEMBER');
  await settle(platform);
  return { owner, admin, member };
}

const announcements = (who: SignedIn) => notificationsOf(platform, who).inbox({ category: 'ANNOUNCEMENT' });

describe('an announcement', () => {
  it('reaches every member in the app and by email, and each new notification and count is published live', async () => {
    const { owner, admin, member } = await team();
    const live = await captureLive(platform, owner.organizationId);
    const sent = await notificationsOf(platform, owner).send({ title: 'Maintenance tonight', body: 'We upgrade the database at 22:00 UTC.\n\nExpect 5 minutes of downtime.', link: '/status' });
    expect(sent).toEqual({ recipients: 3, userErrors: [] });

    const [received] = await announcements(member);
    expect(received).toMatchObject({ kind: 'announcement', category: 'ANNOUNCEMENT', critical: false, title: 'Maintenance tonight', link: '/status', actor: { id: userIdOf(owner) }, readAt: null, seenAt: null });
    expect((await notificationsOf(platform, member).counts())).toEqual({ unread: 1, unseen: 1 });
    expect(received.deliveries.map((delivery: any) => [delivery.channel, delivery.status])).toEqual([['IN_APP', 'SENT'], ['EMAIL', 'PENDING'], ['PUSH', 'PENDING']]);

    await settle(platform);
    await platform.platform.notifications.worker.runOnce();
    const [after] = await announcements(member);
    expect(after.deliveries).toEqual([
      expect.objectContaining({ channel: 'IN_APP', status: 'SENT', attempts: 1 }),
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT', attempts: 1, lastError: null }),
      expect.objectContaining({ channel: 'PUSH', status: 'SKIPPED', lastError: 'No browser is registered for push.' }),
    ]);
    const [mail] = await notificationMailTo(platform, member.email);
    expect(mail).toMatchObject({ subject: 'Maintenance tonight', kind: 'notification:announcement', organizationId: owner.organizationId });
    expect(mail!.text).toContain('Expect 5 minutes of downtime.');
    expect(mail!.html).toContain('<p style="margin:0 0 16px">Expect 5 minutes of downtime.</p>');
    expect((await localMailTo(platform, member.email)).map((local) => [local.source, local.kind, local.subject])).toContainEqual(['notifications', 'notification:announcement', 'Maintenance tonight']);

    await waitFor(() => live.of('notificationReceived').filter((message) => message.data.kind === 'announcement'), (messages) => messages.length === 3);
    for (const who of [owner, admin, member]) {
      const userId = userIdOf(who);
      const [message] = live.of('notificationReceived', userId).filter((candidate) => candidate.data.kind === 'announcement');
      expect(message).toMatchObject({ organizationId: owner.organizationId, userIds: [userId] });
      expect(message!.data).toEqual({
        __typename: 'Notification',
        id: expect.stringMatching(/^ntf_/),
        kind: 'announcement',
        category: 'ANNOUNCEMENT',
        critical: false,
        title: 'Maintenance tonight',
        body: 'We upgrade the database at 22:00 UTC.\n\nExpect 5 minutes of downtime.',
        link: '/status',
        actor: { __typename: 'User', id: userIdOf(owner) },
        createdAt: expect.any(String),
        seenAt: null,
        readAt: null,
        archivedAt: null,
        snoozedUntil: null,
        // As they were made, in the mutation's transaction: shown in the app at once, mail queued, push left to the worker.
        deliveries: [
          { __typename: 'NotificationDelivery', channel: 'IN_APP', status: 'SENT', attempts: 1, lastAttemptAt: expect.any(String), deliveredAt: expect.any(String), lastError: null },
          { __typename: 'NotificationDelivery', channel: 'EMAIL', status: 'PENDING', attempts: 0, lastAttemptAt: null, deliveredAt: null, lastError: null },
          { __typename: 'NotificationDelivery', channel: 'PUSH', status: 'PENDING', attempts: 0, lastAttemptAt: null, deliveredAt: null, lastError: null },
        ],
      });
      expect(live.of('notificationCountsChanged', userId).at(-1)!.data).toEqual({ __typename: 'NotificationCounts', ...(await notificationsOf(platform, who).counts()) });
    }
    await live.stop();
  });
});

describe('sending an announcement', () => {
  it('is refused to a member without notification.send', async () => {
    const { member } = await team();
    const result = await notificationsOf(platform, member).raw(notificationDocuments.send, { input: { title: 'Hi', body: 'All' } });
    expect(errorCode(result)).toBe('FORBIDDEN');
  });

  it('refuses bad input with a code for each field, and sends nothing', async () => {
    const { owner, member } = await team();
    const api = notificationsOf(platform, owner);
    const codes = async (input: Record<string, unknown>) => (await api.send({ title: 'Title', body: 'Body', ...input })).userErrors.map((error) => [error.code, error.field.join('.')]);
    expect(await codes({ title: '  ' })).toEqual([['INVALID_TITLE', 'input.title']]);
    expect(await codes({ title: 'x'.repeat(201) })).toEqual([['INVALID_TITLE', 'input.title']]);
    expect(await codes({ body: 'x'.repeat(5001) })).toEqual([['INVALID_BODY', 'input.body']]);
    for (const link of ['https://evil.example/phish', '//evil.example', 'javascript:alert(1)', 'billing', '/a b']) {
      expect(await codes({ link })).toEqual([['INVALID_LINK', 'input.link']]);
    }
    expect(await codes({ userIds: [userIdOf(member), 'usr_nobody'] })).toEqual([['NOT_A_MEMBER', 'input.userIds.1']]);
    const stranger = await given(platform).owner();
    expect(await codes({ userIds: [userIdOf(stranger)] })).toEqual([['NOT_A_MEMBER', 'input.userIds.0']]);
    expect(await codes({ userIds: Array.from({ length: 1001 }, (_, index) => `usr_${index}`) })).toEqual([['TOO_MANY_RECIPIENTS', 'input.userIds']]);
    expect(await announcements(member)).toEqual([]);
  });

  it('reaches only the roles or members chosen', async () => {
    const { owner, admin, member } = await team();
    const api = notificationsOf(platform, owner);
    expect(await api.send({ title: 'Admins only', body: 'Hi', roles: ['ADMIN'] })).toEqual({ recipients: 1, userErrors: [] });
    expect(await api.send({ title: 'Just you', body: 'Hi', userIds: [userIdOf(member)] })).toEqual({ recipients: 1, userErrors: [] });
    expect((await announcements(admin)).map((notification) => notification.title)).toEqual(['Admins only']);
    expect((await announcements(member)).map((notification) => notification.title)).toEqual(['Just you']);
    expect(await announcements(owner)).toEqual([]);
  });
});

describe('the inbox', () => {
  async function inboxOf(count: number) {
    const { owner, member } = await team();
    for (let index = 1; index <= count; index += 1) await notificationsOf(platform, owner).send({ title: `News ${index}`, body: 'Body', userIds: [userIdOf(member)] });
    const api = notificationsOf(platform, member);
    return { owner, member, api, ids: (await api.inbox()).map((notification) => notification.id as string) };
  }

  it('lists newest first, page by page, and filters by status and category', async () => {
    const { api, ids } = await inboxOf(3);
    const first = await api.list({ first: 2 });
    expect(first.nodes.map((node: any) => node.title)).toEqual(['News 3', 'News 2']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await api.list({ first: 2, after: first.pageInfo.endCursor });
    expect(second.nodes.map((node: any) => node.title)).toEqual(['News 1']);
    await api.bulk('markRead', [ids[0]!]);
    expect((await api.inbox({ status: 'UNREAD' })).map((node) => node.title)).toEqual(['News 2', 'News 1']);
    expect((await api.inbox({ status: 'READ' })).map((node) => node.title)).toEqual(['News 3']);
    expect(await api.inbox({ category: 'BILLING' })).toEqual([]);
  });

  it('shows one notification only to its recipient', async () => {
    const { owner, api, ids } = await inboxOf(1);
    expect((await api.call<any>(notificationDocuments.one, { id: ids[0] })).notification).toMatchObject({ id: ids[0], title: 'News 1' });
    expect((await notificationsOf(platform, owner).call<any>(notificationDocuments.one, { id: ids[0] })).notification).toBeNull();
  });

  it('marks read, unread and seen, archives and unarchives, and publishes the counts after each change', async () => {
    const { member, api, ids } = await inboxOf(3);
    await platform.platform.notifications.subgraph.flushOutbox();
    const live = await captureLive(platform, member.organizationId);
    const userId = userIdOf(member);
    expect(await api.counts()).toEqual({ unread: 3, unseen: 3 });

    expect(await api.bulk('markSeen', [ids[0]!])).toEqual({ updated: 1, counts: { unread: 3, unseen: 2 }, userErrors: [] });
    expect(await api.bulk('markRead', [ids[0]!, ids[1]!])).toEqual({ updated: 2, counts: { unread: 1, unseen: 1 }, userErrors: [] });
    expect(await api.bulk('markRead', [ids[0]!])).toEqual({ updated: 0, counts: { unread: 1, unseen: 1 }, userErrors: [] });
    expect(await api.bulk('markUnread', [ids[1]!])).toEqual({ updated: 1, counts: { unread: 2, unseen: 1 }, userErrors: [] });
    expect(await api.bulk('archive', [ids[1]!, ids[2]!])).toEqual({ updated: 2, counts: { unread: 0, unseen: 0 }, userErrors: [] });
    expect((await api.inbox()).map((node) => node.id)).toEqual([ids[0]]);
    expect((await api.inbox({ archived: true })).map((node) => node.id)).toEqual([ids[1], ids[2]]);
    expect(await api.bulk('unarchive', [ids[2]!])).toEqual({ updated: 1, counts: { unread: 1, unseen: 1 }, userErrors: [] });
    const all = (await api.call<any>(notificationDocuments.markAllRead, {})).notificationMarkAllRead;
    expect(all).toEqual({ updated: 1, counts: { unread: 0, unseen: 0 }, userErrors: [] });

    await platform.platform.notifications.subgraph.flushOutbox();
    const published = await waitFor(() => live.of('notificationCountsChanged', userId), (messages) => messages.length >= 6);
    expect(published.map((message) => message.data)).toEqual(
      [[3, 2], [1, 1], [2, 1], [0, 0], [1, 1], [0, 0]].map(([unread, unseen]) => ({ __typename: 'NotificationCounts', unread, unseen })),
    );
    await live.stop();
  });

  it('marks every unseen notification seen at once, leaving them unread, and publishes the counts to the user\'s other tabs', async () => {
    const { member, api } = await inboxOf(3);
    await platform.platform.notifications.subgraph.flushOutbox();
    const live = await captureLive(platform, member.organizationId);
    expect(await api.counts()).toEqual({ unread: 3, unseen: 3 });
    expect((await api.call<any>(notificationDocuments.markAllSeen, {})).notificationMarkAllSeen).toEqual({ updated: 3, counts: { unread: 3, unseen: 0 }, userErrors: [] });
    expect((await api.call<any>(notificationDocuments.markAllSeen, {})).notificationMarkAllSeen).toEqual({ updated: 0, counts: { unread: 3, unseen: 0 }, userErrors: [] });
    await platform.platform.notifications.subgraph.flushOutbox();
    const published = await waitFor(() => live.of('notificationCountsChanged', userIdOf(member)), (messages) => messages.length > 0);
    // Once: the second call changed nothing.
    expect(published.map((message) => message.data)).toEqual([{ __typename: 'NotificationCounts', unread: 3, unseen: 0 }]);
    await live.stop();
  });

  it('applies nothing when any id is unknown, someone else\'s or beyond 100', async () => {
    const { owner, api, ids } = await inboxOf(1);
    const others = await notificationsOf(platform, owner).inbox();
    const refused = await api.bulk('markRead', [ids[0]!, 'ntf_unknown']);
    expect(refused).toEqual({ updated: 0, counts: { unread: 1, unseen: 1 }, userErrors: [{ code: 'NOT_FOUND', message: "No notification with id 'ntf_unknown' in your inbox.", field: ['input', 'ids', '1'] }] });
    expect((await api.bulk('archive', [others[0]!.id])).userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'ids', '0'] });
    expect((await api.bulk('markRead', Array.from({ length: 101 }, (_, index) => `ntf_${index}`))).userErrors[0]).toMatchObject({ code: 'TOO_MANY_IDS' });
    expect((await api.bulk('markRead', [])).userErrors[0]).toMatchObject({ code: 'NO_IDS' });
    expect(await api.inbox({ status: 'UNREAD' })).toHaveLength(1);
  });

  it('snoozes until a future time, then the worker brings it back unread and publishes the counts', async () => {
    const { member, api, ids } = await inboxOf(2);
    const snooze = (until: Date, target = [ids[0]!]) => api.call<any>(notificationDocuments.snooze, { input: { ids: target, until: until.toISOString() } }).then((data) => data.notificationSnooze);
    expect((await snooze(new Date(clock.now().getTime() - 1000))).userErrors[0]).toMatchObject({ code: 'SNOOZE_IN_PAST', field: ['input', 'until'] });
    expect((await snooze(new Date(clock.now().getTime() + 91 * DAY))).userErrors[0]).toMatchObject({ code: 'SNOOZE_TOO_FAR' });
    await api.bulk('markRead', [ids[0]!]);
    expect(await snooze(new Date(clock.now().getTime() + 60 * 60_000))).toEqual({ updated: 1, counts: { unread: 1, unseen: 1 }, userErrors: [] });
    expect((await api.inbox()).map((node) => node.id)).toEqual([ids[1]]);

    expect((await platform.platform.notifications.worker.runOnce()).woken).toBe(0);
    const live = await captureLive(platform, member.organizationId);
    clock.advance(60 * 60_000 + 1000);
    expect((await platform.platform.notifications.worker.runOnce()).woken).toBe(1);
    expect((await api.inbox()).map((node) => [node.id, node.readAt, node.snoozedUntil])).toEqual([[ids[0], null, null], [ids[1], null, null]]);
    expect(await api.counts()).toEqual({ unread: 2, unseen: 2 });
    await platform.platform.notifications.subgraph.flushOutbox();
    // The snooze's own counts (unread 1) may still be on their way when the capture starts: the worker's come after them.
    await waitFor(() => live.of('notificationCountsChanged', userIdOf(member)), (messages) => (messages.at(-1)?.data as { unread?: number } | undefined)?.unread === 2);
    expect(live.of('notificationCountsChanged', userIdOf(member)).at(-1)!.data).toEqual({ __typename: 'NotificationCounts', unread: 2, unseen: 2 });
    await live.stop();
  });
});

describe('tenants', () => {
  it('never show one organization\'s notifications to another\'s members, even the same person', async () => {
    const { owner, member } = await team();
    await notificationsOf(platform, owner).send({ title: 'Internal', body: 'Only for us' });
    const mine = await announcements(member);
    const other = await given(platform).owner();
    const theirs = notificationsOf(platform, other);
    expect(await theirs.inbox({ category: 'ANNOUNCEMENT' })).toEqual([]);
    expect((await theirs.call<any>(notificationDocuments.one, { id: mine[0].id })).notification).toBeNull();
    expect((await theirs.bulk('markRead', [mine[0].id])).userErrors[0].code).toBe('NOT_FOUND');
    expect(await theirs.counts()).toEqual({ unread: 0, unseen: 0 });
    const mailbox = (await theirs.call<any>(notificationDocuments.localMailbox, {})).localMailbox.nodes;
    expect(mailbox.some((mail: any) => mail.subject === 'Internal')).toBe(false);
  });
});

describe('preferences', () => {
  it('list every kind with its channels, and where each setting comes from', async () => {
    const { member } = await team();
    const api = notificationsOf(platform, member);
    const kinds = (await api.call<any>(notificationDocuments.kinds)).notificationKinds;
    expect(kinds.find((kind: any) => kind.key === 'payment.failed')).toMatchObject({ category: 'BILLING', critical: true, defaultChannels: ['IN_APP', 'EMAIL', 'PUSH'] });
    const preferences = (await api.call<any>(notificationDocuments.preferences)).notificationPreferences;
    expect(preferences).toMatchObject({ emailDelivery: 'INSTANT', locale: 'en' });
    expect(preferences.preferences).toContainEqual({ kind: 'announcement', channel: 'EMAIL', enabled: true, source: 'PLATFORM', editable: true });
    expect(preferences.preferences).toContainEqual({ kind: 'invitation.created', channel: 'EMAIL', enabled: false, source: 'PLATFORM', editable: true });
    expect(preferences.preferences).toContainEqual({ kind: 'payment.failed', channel: 'EMAIL', enabled: true, source: 'CRITICAL', editable: false });
  });

  it('stop an email when the member turns it off; a critical announcement still goes', async () => {
    const { owner, member } = await team();
    const api = notificationsOf(platform, member);
    expect((await api.setPreference('announcement', 'EMAIL', false)).userErrors).toEqual([]);
    await notificationsOf(platform, owner).send({ title: 'Quiet news', body: 'Nothing urgent' });
    await settle(platform);
    const [quiet] = await announcements(member);
    expect(quiet.deliveries.find((delivery: any) => delivery.channel === 'EMAIL')).toMatchObject({ status: 'SKIPPED', lastError: 'Turned off in the preferences.' });
    expect(await notificationMailTo(platform, member.email)).toEqual([]);
    const notificationMail = async () => (await localMailTo(platform, member.email)).filter((mail) => mail.source === 'notifications').map((mail) => mail.subject);
    expect(await notificationMail()).toEqual([]);
    expect((await notificationMailTo(platform, owner.email)).map((mail) => mail.subject)).toContain('Quiet news');

    await notificationsOf(platform, owner).send({ title: 'Security incident', body: 'Rotate your keys', critical: true });
    await settle(platform);
    expect((await notificationMailTo(platform, member.email)).map((mail) => mail.subject)).toEqual(['Security incident']);
    expect(await notificationMail()).toEqual(['Security incident']);
  });

  it('in the app: a muted kind goes straight to the archive, with its other channels still delivered', async () => {
    const { owner, member } = await team();
    await notificationsOf(platform, member).setPreference('announcement', 'IN_APP', false);
    const live = await captureLive(platform, owner.organizationId);
    await notificationsOf(platform, owner).send({ title: 'Muted', body: 'Body', userIds: [userIdOf(member)] });
    expect(await announcements(member)).toEqual([]);
    await settle(platform);
    const [archived] = await notificationsOf(platform, member).inbox({ archived: true });
    expect(archived.deliveries.map((delivery: any) => [delivery.channel, delivery.status])).toEqual([['IN_APP', 'SKIPPED'], ['EMAIL', 'SENT'], ['PUSH', 'PENDING']]);
    expect(live.of('notificationReceived', userIdOf(member))).toEqual([]);
    await live.stop();
  });

  it('follow the organization default unless the member chose otherwise', async () => {
    const { owner, admin, member } = await team();
    const set = await notificationsOf(platform, owner).call<any>(notificationDocuments.organizationDefaultSet, { input: { kind: 'announcement', channel: 'EMAIL', enabled: false } });
    expect(set.organizationNotificationDefaultSet).toEqual({ defaults: [{ kind: 'announcement', channel: 'EMAIL', enabled: false }], userErrors: [] });
    expect(errorCode(await notificationsOf(platform, member).raw(notificationDocuments.organizationDefaultSet, { input: { kind: 'announcement', channel: 'EMAIL', enabled: true } }))).toBe('FORBIDDEN');
    const chosen = await notificationsOf(platform, admin).setPreference('announcement', 'EMAIL', true);
    expect(chosen.preferences.preferences).toContainEqual({ kind: 'announcement', channel: 'EMAIL', enabled: true, source: 'USER', editable: true });
    const memberView = (await notificationsOf(platform, member).call<any>(notificationDocuments.preferences)).notificationPreferences.preferences;
    expect(memberView).toContainEqual({ kind: 'announcement', channel: 'EMAIL', enabled: false, source: 'ORGANIZATION', editable: true });

    await notificationsOf(platform, owner).send({ title: 'Defaults', body: 'Body' });
    await settle(platform);
    expect((await notificationMailTo(platform, admin.email)).map((mail) => mail.subject)).toContain('Defaults');
    expect((await notificationMailTo(platform, member.email)).map((mail) => mail.subject)).not.toContain('Defaults');

    const reset = (await notificationsOf(platform, admin).call<any>(notificationDocuments.preferenceReset, { input: { kind: 'announcement', channel: 'EMAIL' } })).notificationPreferenceReset;
    expect(reset.preferences.preferences).toContainEqual({ kind: 'announcement', channel: 'EMAIL', enabled: false, source: 'ORGANIZATION' });
  });

  it('go back to the platform default when the organization resets its default, members\' own choices kept', async () => {
    const { owner, admin, member } = await team();
    const manage = notificationsOf(platform, owner);
    const setDefault = (who: SignedIn, channel: string, enabled: boolean) =>
      notificationsOf(platform, who).call<any>(notificationDocuments.organizationDefaultSet, { input: { kind: 'announcement', channel, enabled } });
    await setDefault(owner, 'EMAIL', false);
    await setDefault(owner, 'PUSH', false);
    await notificationsOf(platform, admin).setPreference('announcement', 'EMAIL', false);
    // Another organization's default for the same cell is its own.
    const other = await given(platform).owner();
    await setDefault(other, 'EMAIL', false);
    const emailOf = async (who: SignedIn) =>
      ((await notificationsOf(platform, who).call<any>(notificationDocuments.preferences)).notificationPreferences.preferences as any[]).find(
        (preference) => preference.kind === 'announcement' && preference.channel === 'EMAIL',
      );
    expect(await emailOf(member)).toMatchObject({ enabled: false, source: 'ORGANIZATION' });

    const refused = await notificationsOf(platform, member).raw(notificationDocuments.organizationDefaultReset, { input: { kind: 'announcement', channel: 'EMAIL' } });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(await emailOf(member)).toMatchObject({ enabled: false, source: 'ORGANIZATION' });

    const reset = (input: Record<string, unknown>) => manage.call<any>(notificationDocuments.organizationDefaultReset, { input }).then((data) => data.organizationNotificationDefaultReset);
    expect(await reset({ kind: 'announcement', channel: 'EMAIL' })).toEqual({ defaults: [{ kind: 'announcement', channel: 'PUSH', enabled: false }], userErrors: [] });
    expect(await emailOf(member)).toEqual({ kind: 'announcement', channel: 'EMAIL', enabled: true, source: 'PLATFORM', editable: true });
    expect(await emailOf(admin)).toMatchObject({ enabled: false, source: 'USER' });
    expect((await manage.call<any>(notificationDocuments.organizationDefaults)).organizationNotificationDefaults).toEqual([{ kind: 'announcement', channel: 'PUSH', enabled: false }]);
    expect((await notificationsOf(platform, other).call<any>(notificationDocuments.organizationDefaults)).organizationNotificationDefaults).toEqual([
      { kind: 'announcement', channel: 'EMAIL', enabled: false },
    ]);
    // Resetting what is not set changes nothing; an unknown kind is named back.
    expect(await reset({ kind: 'announcement', channel: 'EMAIL' })).toEqual({ defaults: [{ kind: 'announcement', channel: 'PUSH', enabled: false }], userErrors: [] });
    expect((await reset({ kind: 'no.such.kind', channel: 'EMAIL' })).userErrors).toEqual([
      { code: 'UNKNOWN_KIND', message: "'no.such.kind' is not a notification kind; see notificationKinds.", field: ['input', 'kind'] },
    ]);

    await manage.send({ title: 'Back to the platform', body: 'Body' });
    await settle(platform);
    expect((await notificationMailTo(platform, member.email)).map((mail) => mail.subject)).toContain('Back to the platform');
    expect((await notificationMailTo(platform, admin.email)).map((mail) => mail.subject)).not.toContain('Back to the platform');
  });

  it('cannot turn off a critical kind on its default channels, nor name an unknown kind or language', async () => {
    const { owner, member } = await team();
    const api = notificationsOf(platform, member);
    expect((await api.setPreference('payment.failed', 'EMAIL', false)).userErrors).toEqual([
      { code: 'CRITICAL_KIND', message: "'payment.failed' is critical: it cannot be turned off on email.", field: ['input', 'enabled'] },
    ]);
    expect((await api.setPreference('no.such.kind', 'EMAIL', false)).userErrors[0].code).toBe('UNKNOWN_KIND');
    const orgDefault = await notificationsOf(platform, owner).call<any>(notificationDocuments.organizationDefaultSet, { input: { kind: 'user.password_changed', channel: 'IN_APP', enabled: false } });
    expect(orgDefault.organizationNotificationDefaultSet.userErrors[0].code).toBe('CRITICAL_KIND');
    expect((await api.settings({ locale: 'fr' })).userErrors).toEqual([{ code: 'UNSUPPORTED_LOCALE', message: "'fr' is not a supported language; choose one of en, de.", field: ['input', 'locale'] }]);
    expect((await api.settings({ locale: 'de', emailDelivery: 'DAILY_DIGEST' })).preferences).toEqual({ locale: 'de', emailDelivery: 'DAILY_DIGEST' });
  });
});

describe('the local mailbox', () => {
  it('shows the organization the mail every part of the platform sent it, newest first, to those holding notification.manage', async () => {
    const { owner, member } = await team();
    await notificationsOf(platform, owner).send({ title: 'Hello team', body: 'Welcome <b>all</b> & "friends"' });
    await settle(platform);
    const mailbox = (await notificationsOf(platform, owner).call<any>(notificationDocuments.localMailbox, { first: 50 })).localMailbox;
    const invitation = mailbox.nodes.find((mail: any) => mail.to === member.email && mail.kind === 'invitation');
    expect(invitation).toMatchObject({ source: 'identity', subject: expect.stringMatching(/invited to join/), attachments: [] });
    const announcement = mailbox.nodes.find((mail: any) => mail.to === member.email && mail.kind === 'notification:announcement');
    expect(announcement).toMatchObject({ source: 'notifications', subject: 'Hello team' });
    expect(announcement.html).toContain('Welcome &lt;b&gt;all&lt;/b&gt; &amp; &quot;friends&quot;');
    expect(announcement.text).toContain('Welcome <b>all</b> & "friends"');
    const times = mailbox.nodes.map((mail: any) => Date.parse(mail.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(errorCode(await notificationsOf(platform, member).raw(notificationDocuments.localMailbox, {}))).toBe('FORBIDDEN');
  });
});

describe('the daily digest', () => {
  it('gathers non-critical email into one localized mail at the digest hour; critical email goes at once', async () => {
    // 07:00 UTC: the digest goes out at 08:00.
    const day = new Date(Date.UTC(2031, 2, 10, 7, 0, 0));
    clock.set(day);
    const { owner, member } = await team();
    await notificationsOf(platform, member).settings({ emailDelivery: 'DAILY_DIGEST', locale: 'de' });
    const api = notificationsOf(platform, owner);
    await api.send({ title: 'Erste Neuigkeit', body: 'Eins', userIds: [userIdOf(member)] });
    await api.send({ title: 'Zweite Neuigkeit', body: 'Zwei', userIds: [userIdOf(member)], link: '/billing' });
    await api.send({ title: 'Dringend', body: 'Sofort', userIds: [userIdOf(member)], critical: true });
    await settle(platform);
    expect((await notificationMailTo(platform, member.email)).map((mail) => mail.subject)).toEqual(['Dringend']);
    const waiting = (await announcements(member)).filter((notification) => !notification.critical);
    expect(waiting.map((notification) => notification.deliveries[1])).toEqual([
      expect.objectContaining({ channel: 'EMAIL', status: 'DIGEST_PENDING' }),
      expect.objectContaining({ channel: 'EMAIL', status: 'DIGEST_PENDING' }),
    ]);

    expect((await platform.platform.notifications.worker.runOnce()).digests).toBe(0);
    clock.set(new Date(day.getTime() + 60 * 60_000 + 1000));
    expect((await platform.platform.notifications.worker.runOnce()).digests).toBe(1);
    expect((await platform.platform.notifications.worker.runOnce()).digests).toBe(0);
    await settle(platform);
    const mails = await notificationMailTo(platform, member.email);
    expect(mails.map((mail) => mail.subject)).toEqual(['Dringend', 'Ihre tägliche Zusammenfassung: 2 Benachrichtigungen']);
    const digest = mails[1]!;
    expect(digest.kind).toBe('notification:digest');
    expect(digest.text).toMatch(/Hallo MEMBER Person,/);
    expect(digest.text.indexOf('Erste Neuigkeit')).toBeLessThan(digest.text.indexOf('Zweite Neuigkeit'));
    expect(digest.html).toContain('/billing');
    expect(digest.html).toContain('<html lang="de">');
    for (const notification of await announcements(member)) {
      expect(notification.deliveries[1]).toMatchObject({ channel: 'EMAIL', status: 'SENT', attempts: 1 });
    }

    await api.send({ title: 'Dritte', body: 'Drei', userIds: [userIdOf(member)] });
    clock.set(new Date(day.getTime() + 2 * 60 * 60_000));
    expect((await platform.platform.notifications.worker.runOnce()).digests).toBe(0);
    clock.set(new Date(day.getTime() + DAY + 60 * 60_000));
    expect((await platform.platform.notifications.worker.runOnce()).digests).toBe(1);
  });
});
