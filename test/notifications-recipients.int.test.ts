import { createInternalClient, InternalCallError } from '@platform/kit';
import { ANONYMOUS } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { userIdOf } from './support/notifications.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';

/** Identity's signed route that tells notifications who its recipients are. */
const SECRET = randomBytes(32).toString('base64url');
const client = createInternalClient({ secret: SECRET, timeoutMs: 5000 });
const ROUTE = '/internal/organizations/members';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ INTERNAL_SIGNING_SECRET: SECRET });
});
afterAll(() => platform.close());

const ask = (body: unknown) => client.post<{ organizationName: string; members: { userId: string; email: string; name: string; role: string }[] }>(platform.identity.url, ROUTE, body, { principal: ANONYMOUS, requestId: 'test-members' });

describe('identity: /internal/organizations/members', () => {
  it('names the members of the organization asked for, all or by role or id, with their email and role', async () => {
    const owner = await given(platform).owner({ organizationName: 'Recipients Inc', name: 'Olivia' });
    const admin = await given(platform).member(owner, 'ADMIN');
    const member = await given(platform).member(owner, 'MEMBER');
    const elsewhere = await given(platform).owner();

    const everyone = await ask({ organizationId: owner.organizationId });
    expect(everyone.organizationName).toBe('Recipients Inc');
    expect(everyone.members).toEqual([
      { userId: userIdOf(owner), email: owner.email, name: 'Olivia', role: 'owner' },
      { userId: userIdOf(admin), email: admin.email, name: 'ADMIN Person', role: 'admin' },
      { userId: userIdOf(member), email: member.email, name: 'MEMBER Person', role: 'member' },
    ]);
    expect((await ask({ organizationId: owner.organizationId, roles: ['admin'] })).members.map((entry) => entry.email)).toEqual([admin.email]);
    expect((await ask({ organizationId: owner.organizationId, roles: ['owner'], userIds: [userIdOf(member)] })).members.map((entry) => entry.email)).toEqual([owner.email, member.email]);
    // Someone of another organization is not a member of this one.
    expect((await ask({ organizationId: owner.organizationId, userIds: [userIdOf(elsewhere)] })).members).toEqual([]);
    expect((await ask({ organizationId: owner.organizationId, userIds: [] })).members).toEqual([]);
  });

  it('refuses a malformed request and an unsigned one', async () => {
    const owner = await given(platform).owner();
    for (const body of [{}, { organizationId: 'nope' }, { organizationId: owner.organizationId, roles: ['emperor'] }, { organizationId: owner.organizationId, userIds: 'usr_1' }]) {
      await expect(ask(body)).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
    }
    const forged = createInternalClient({ secret: randomBytes(32).toString('base64url') });
    const refused = await forged.post(platform.identity.url, ROUTE, { organizationId: owner.organizationId }, { principal: ANONYMOUS, requestId: 'test-forged' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InternalCallError);
    expect(refused).toMatchObject({ status: 401 });
  });
});

describe('notifications: /internal/mailbox/deliver', () => {
  it('keeps a mail once however often it is delivered, and refuses what is not a mail', async () => {
    const owner = await given(platform).owner();
    const url = platform.platform.notifications.subgraph.url;
    const mail = { mailId: 'msg_test_once', organizationId: owner.organizationId, source: 'billing', kind: 'invoice', to: owner.email, subject: 'Invoice', text: 'Hello', html: null, attachments: ['INV-1.pdf'] };
    const deliver = (body: unknown) => client.post(url, '/internal/mailbox/deliver', body, { principal: ANONYMOUS, requestId: 'test-mailbox' });
    expect(await deliver(mail)).toEqual({ stored: true });
    expect(await deliver(mail)).toEqual({ stored: false });
    await expect(deliver({ ...mail, mailId: undefined })).rejects.toMatchObject({ status: 400 });
  });
});
