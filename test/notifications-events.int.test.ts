import { newId, OutboxEvent } from '@platform/kit';
import { Notification } from '@platform/notifications/entities/index.ts';
import { localMailTo, notificationMailTo, notificationRows, notificationsDb, notificationsOf, settle, userIdOf } from './support/notifications.ts';
import { dataOf, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

/** Identity's and billing's domain events become notifications through the durable event consumers. */
let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

const MEMBERS = `{ viewer { organization { members(first: 50) { nodes { id user { id email } } } } } }`;
const UPDATE = 'mutation($input: MemberUpdateInput!) { memberUpdate(input: $input) { userErrors { code } } }';
const REMOVE = 'mutation($input: MemberRemoveInput!) { memberRemove(input: $input) { userErrors { code } } }';
const PASSWORD = 'mutation($input: UserPasswordChangeInput!) { userPasswordChange(input: $input) { userErrors { code } } }';
const API_KEY = 'mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { userErrors { code } } }';

async function memberIdOf(owner: SignedIn, email: string): Promise<string> {
  const nodes = dataOf(await platform.graphql<any>(MEMBERS, {}, { token: owner.accessToken })).viewer.organization.members.nodes;
  return nodes.find((node: any) => node.user.email === email).id;
}

/** A fresh session for someone whose tokens a role change ended. */
async function signInAgain(who: SignedIn): Promise<SignedIn> {
  const session = dataOf(await given(platform).signIn(who.email, who.password, who.organizationId)).sessionCreate.session!;
  return { ...who, ...session };
}

const kindsOf = async (who: SignedIn) => (await notificationRows(platform, userIdOf(who))).filter((row) => row.organizationId === who.organizationId).map((row) => row.kind);

describe('identity events', () => {
  it('tell the owners and admins who joined, but not the one who joined; admins learn of invitations others made', async () => {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    const member = await given(platform).member(owner, 'MEMBER');
    await settle(platform);
    const ownerInbox = await notificationsOf(platform, owner).inbox({ category: 'MEMBERSHIP' });
    expect(ownerInbox.map((notification) => notification.title)).toEqual([`MEMBER Person joined ${(await orgName(owner))}`, `ADMIN Person joined ${(await orgName(owner))}`]);
    expect(ownerInbox[0]).toMatchObject({ kind: 'member.joined', link: '/members', actor: { id: userIdOf(member) } });
    expect(ownerInbox[0].body).toBe('MEMBER Person accepted the invitation and joined as member.');
    // The admin joined before the member was invited: told of the member's invitation and arrival, not of their own.
    expect(await kindsOf(admin)).toEqual(['invitation.created', 'member.joined']);
    expect(await kindsOf(owner)).toEqual(['member.joined', 'member.joined']);
    expect(await kindsOf(member)).toEqual([]);
    const [joinedMail] = (await notificationMailTo(platform, owner.email)).filter((mail) => mail.kind === 'notification:member.joined');
    expect(joinedMail!.subject).toMatch(/ADMIN Person joined/);
  });

  it('tell a member their new role, in their language, with who changed it', async () => {
    const owner = await given(platform).owner({ name: 'Olga Owner' });
    let member = await given(platform).member(owner, 'MEMBER');
    await notificationsOf(platform, member).settings({ locale: 'de' });
    await platform.graphql(UPDATE, { input: { id: await memberIdOf(owner, member.email), role: 'ANALYST' } }, { token: owner.accessToken });
    await settle(platform);
    member = await signInAgain(member);
    const [changed] = await notificationsOf(platform, member).inbox();
    expect(changed).toMatchObject({ kind: 'member.role_changed', title: `Ihre Rolle in ${await orgName(owner)} ist jetzt Analyst`, actor: { id: userIdOf(owner) } });
    expect(changed.body).toContain('Olga Owner hat Ihre Rolle von Mitglied zu Analyst geändert.');
    const [mail] = (await notificationMailTo(platform, member.email)).filter((message) => message.kind === 'notification:member.role_changed');
    expect(mail!.html).toContain('<html lang="de">');
    expect(mail!.text).toContain('Hallo MEMBER Person,');
    expect(mail!.text).toContain('Wählen Sie, welche Benachrichtigungen Sie erhalten: http://localhost:4000/settings/notifications');
  });

  it('tell a removed member by email, and the other admins in the app', async () => {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    const leaving = await given(platform).member(owner, 'MEMBER');
    await settle(platform);
    await platform.graphql(REMOVE, { input: { id: await memberIdOf(owner, leaving.email) } }, { token: owner.accessToken });
    await settle(platform);
    const [goodbye] = (await notificationMailTo(platform, leaving.email)).filter((mail) => mail.kind === 'notification:member.removed');
    expect(goodbye!.subject).toBe(`You were removed from ${await orgName(owner)}`);
    expect((await localMailTo(platform, leaving.email)).map((mail) => mail.kind)).toContain('notification:member.removed');
    const [told] = await notificationsOf(platform, admin).inbox({ category: 'MEMBERSHIP' });
    expect(told).toMatchObject({ kind: 'member.removed', title: `MEMBER Person was removed from ${await orgName(owner)}` });
    expect(told.deliveries.map((delivery: any) => delivery.status)).toEqual(['SENT', 'SKIPPED', 'SKIPPED']);
    expect((await notificationMailTo(platform, admin.email)).map((mail) => mail.kind)).not.toContain('notification:member.removed');
    expect(await kindsOf(owner)).not.toContain('member.removed');
  });

  it('tell a user their password changed (critical), and admins of a new API key but not its creator', async () => {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    await settle(platform);
    await platform.graphql(PASSWORD, { input: { currentPassword: owner.password, newPassword: 'a brand new password' } }, { token: owner.accessToken });
    await platform.graphql(API_KEY, { input: { name: 'Deploy bot' } }, { token: owner.accessToken });
    await settle(platform);
    const [password] = await notificationsOf(platform, owner).inbox({ category: 'SECURITY' });
    expect(password).toMatchObject({ kind: 'user.password_changed', critical: true, title: 'Your password was changed', link: '/profile' });
    expect(password.deliveries.map((delivery: any) => [delivery.channel, delivery.status])).toEqual([['IN_APP', 'SENT'], ['EMAIL', 'SKIPPED'], ['PUSH', 'PENDING']]);
    const [key] = await notificationsOf(platform, admin).inbox({ category: 'SECURITY' });
    expect(key).toMatchObject({ kind: 'api_key.created', title: 'API key "Deploy bot" was created', actor: { id: userIdOf(owner) } });
    expect(await kindsOf(owner)).not.toContain('api_key.created');
  });

  it('reach the consumer through the outbox even when pub/sub never announced them, and take effect once', async () => {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    await settle(platform);
    const em = platform.identity.db.em.fork();
    const id = newId('evt');
    const payload = { invitationId: 'ivt_x', email: 'late@example.test', role: 'member', actorId: userIdOf(owner) };
    em.persist(em.create(OutboxEvent, { id, type: 'invitation.created', organizationId: owner.organizationId, payload, requestId: null, occurredAt: new Date(), publishedAt: new Date() }));
    await em.flush();
    await platform.platform.notifications.subgraph.drainEvents();
    await platform.platform.notifications.subgraph.drainEvents();
    const made = await notificationsDb(platform).find(Notification, { sourceEventId: `identity:${id}` }, { filters: { tenant: false } });
    expect(made.map((row) => [row.userId, row.title])).toEqual([[userIdOf(admin), 'late@example.test was invited']]);
  });
});

describe('billing events', () => {
  /** Records a billing event as billing's services write it (see subgraphs/billing/src/services). */
  async function billingEvent(organizationId: string, type: string, payload: Record<string, unknown>): Promise<string> {
    const em = platform.platform.billing.subgraph.db.em.fork();
    const id = newId('evt');
    em.persist(em.create(OutboxEvent, { id, type, organizationId, payload, requestId: null, occurredAt: new Date(), publishedAt: null }));
    await em.flush();
    await settle(platform);
    return id;
  }

  it('tell those who manage billing of a failed payment, critically, whatever their preferences', async () => {
    const owner = await given(platform).owner();
    const billingManager = await given(platform).member(owner, 'BILLING_MANAGER');
    const admin = await given(platform).member(owner, 'ADMIN');
    await notificationsOf(platform, billingManager).setPreference('trial.will_end', 'EMAIL', false);
    await billingEvent(owner.organizationId, 'payment.failed', {
      invoiceId: 'inv_1', number: 'ACME-0007', attempt: 1, code: 'card_declined', amount: 4_900, currency: 'EUR', nextPaymentAttemptAt: '2031-03-12T08:00:00.000Z',
    });
    await billingEvent(owner.organizationId, 'trial.will_end', { subscriptionId: 'sub_1', trialEnd: '2031-03-15T00:00:00.000Z' });
    await billingEvent(owner.organizationId, 'invoice.paid', { invoiceId: 'inv_0', number: 'ACME-0006', amountPaid: 0, currency: 'EUR' });
    for (const who of [owner, billingManager]) {
      const inbox = await notificationsOf(platform, who).inbox({ category: 'BILLING' });
      expect(inbox.map((notification) => notification.kind)).toEqual(['trial.will_end', 'payment.failed']);
      expect(inbox[1]).toMatchObject({ critical: true, title: 'Payment for invoice ACME-0007 failed', link: '/billing' });
      expect(inbox[1].body).toContain('We could not collect €49.00 for invoice ACME-0007 (card_declined). We will try again on March 12, 2031.');
    }
    expect(await kindsOf(admin)).not.toContain('payment.failed');
    const managerMail = (await notificationMailTo(platform, billingManager.email)).map((mail) => mail.kind);
    expect(managerMail).toContain('notification:payment.failed');
    expect(managerMail).not.toContain('notification:trial.will_end');
  });
});

describe('usage events', () => {
  it("tell those who read usage when the month's quota is 80% and then 100% used, in their language", async () => {
    const owner = await given(platform).owner();
    const analyst = await given(platform).member(owner, 'ANALYST');
    const member = await given(platform).member(owner, 'MEMBER');
    await notificationsOf(platform, analyst).settings({ locale: 'de' });
    await settle(platform);
    const em = platform.platform.usage.subgraph.db.em.fork();
    for (const [type, threshold, used] of [['usage.quota_warning', 80, 8_000], ['usage.quota_exceeded', 100, 10_250]] as const) {
      const payload = { alertId: newId('qal'), month: '2031-03', threshold, plan: 'free', quota: 10_000, used };
      em.persist(em.create(OutboxEvent, { id: newId('evt'), type, organizationId: owner.organizationId, payload, requestId: null, occurredAt: new Date(), publishedAt: null }));
    }
    await em.flush();
    await platform.platform.usage.subgraph.flushOutbox();
    await settle(platform);
    const ownerInbox = await notificationsOf(platform, owner).inbox({ category: 'BILLING' });
    // Both were made in the same moment: their order in the inbox is not the point here.
    expect(ownerInbox.map((notification) => notification.kind).sort()).toEqual(['usage.quota_exceeded', 'usage.quota_warning']);
    const warning = ownerInbox.find((notification) => notification.kind === 'usage.quota_warning')!;
    expect(warning).toMatchObject({ title: `${await orgName(owner)} used 80% of this month's API quota`, link: '/usage' });
    expect(warning.body).toContain('8,000 of 10,000 API points are used this month on the free plan.');
    const exceeded = (await notificationsOf(platform, analyst).inbox({ category: 'BILLING' })).find((notification) => notification.kind === 'usage.quota_exceeded');
    expect(exceeded!.title).toBe(`${await orgName(owner)} hat das API-Kontingent dieses Monats aufgebraucht`);
    expect(exceeded!.body).toContain('10.250 von 10.000 API-Punkten');
    expect(await kindsOf(member)).toEqual([]);
  });
});

async function orgName(owner: SignedIn): Promise<string> {
  return dataOf(await platform.graphql<any>('{ viewer { organization { name } } }', {}, { token: owner.accessToken })).viewer.organization.name;
}
