import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { documents, given, uniqueEmail, type SignedIn } from './support/seed.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

const MEMBERS = `query Members($first: Int, $after: String) { viewer { organization { members(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id role isLastOwner user { id email } } } } } }`;
const UPDATE = 'mutation($input: MemberUpdateInput!) { memberUpdate(input: $input) { member { id role } userErrors { field code message } } }';
const REMOVE = 'mutation($input: MemberRemoveInput!) { memberRemove(input: $input) { removedMemberId userErrors { field code message } } }';

async function members(token: string, variables: Record<string, unknown> = {}) {
  return dataOf(await platform.graphql<any>(MEMBERS, variables, { token })).viewer.organization.members;
}

async function memberId(owner: SignedIn, email: string): Promise<string> {
  const list = await members(owner.accessToken, { first: 100 });
  return list.nodes.find((node: any) => node.user.email === email).id;
}

describe('invitations', () => {
  it('mail a single-use link that adds the invitee with the invited role', async () => {
    const owner = await given(platform).owner();
    const email = uniqueEmail('invitee');
    const invited = dataOf(await platform.graphql<any>(documents.invite, { input: { email, role: 'ANALYST' } }, { token: owner.accessToken })).invitationCreate;
    expect(invited.invitation).toMatchObject({ email, role: 'ANALYST', status: 'PENDING' });
    const mail = await platform.mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/invited to join/);
    const token = await given(platform).invitationToken(email);

    const accepted = dataOf(await platform.graphql<any>(documents.accept, { input: { token, name: 'Ivy', password: 'a fine password' } })).invitationAccept;
    expect(accepted.userErrors).toEqual([]);
    const viewer = dataOf(await platform.graphql<any>(documents.viewer, {}, { token: accepted.session.accessToken })).viewer;
    expect(viewer).toMatchObject({ role: 'ANALYST', organization: { id: owner.organizationId }, user: { email, name: 'Ivy' } });

    const again = dataOf(await platform.graphql<any>(documents.accept, { input: { token, name: 'Ivy', password: 'a fine password' } })).invitationAccept;
    expect(again.userErrors[0].code).toBe('INVALID_INVITATION');
  });

  it('refuse a forged token, missing sign-up fields, and a signed-in user with another email', async () => {
    const owner = await given(platform).owner();
    const forged = dataOf(await platform.graphql<any>(documents.accept, { input: { token: 'forged-token' } })).invitationAccept;
    expect(forged.userErrors[0].code).toBe('INVALID_INVITATION');

    const email = uniqueEmail('x');
    await platform.graphql(documents.invite, { input: { email } }, { token: owner.accessToken });
    const token = await given(platform).invitationToken(email);
    const missing = dataOf(await platform.graphql<any>(documents.accept, { input: { token } })).invitationAccept;
    expect(missing.userErrors.map((error: any) => error.field.join('.')).sort()).toEqual(['input.name', 'input.password']);

    const other = await given(platform).owner();
    const mismatch = dataOf(await platform.graphql<any>(documents.accept, { input: { token } }, { token: other.accessToken })).invitationAccept;
    expect(mismatch.userErrors[0].code).toBe('EMAIL_MISMATCH');
  });

  it('can be revoked, and inviting again replaces the earlier link', async () => {
    const owner = await given(platform).owner();
    const email = uniqueEmail('twice');
    await platform.graphql(documents.invite, { input: { email } }, { token: owner.accessToken });
    const firstToken = await given(platform).invitationToken(email);
    const second = dataOf(await platform.graphql<any>(documents.invite, { input: { email } }, { token: owner.accessToken })).invitationCreate.invitation;
    const stale = dataOf(await platform.graphql<any>(documents.accept, { input: { token: firstToken, name: 'A', password: 'a fine password' } })).invitationAccept;
    expect(stale.userErrors[0].code).toBe('INVALID_INVITATION');

    const revoke = 'mutation($input: InvitationRevokeInput!) { invitationRevoke(input: $input) { invitation { status } userErrors { code } } }';
    const revoked = dataOf(await platform.graphql<any>(revoke, { input: { id: second.id } }, { token: owner.accessToken })).invitationRevoke;
    expect(revoked).toEqual({ invitation: { status: 'REVOKED' }, userErrors: [] });
    const pending = dataOf(await platform.graphql<any>('{ viewer { organization { invitations { totalCount } } } }', {}, { token: owner.accessToken }));
    expect(pending.viewer.organization.invitations.totalCount).toBe(0);
  });

  it('cannot be sent by a plain member (FORBIDDEN before any subgraph runs it)', async () => {
    const owner = await given(platform).owner();
    const member = await given(platform).member(owner, 'MEMBER');
    const result = await platform.graphql(documents.invite, { input: { email: uniqueEmail() } }, { token: member.accessToken });
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(result.body.data ?? null).toBeNull();
    expect(await platform.mailTo(uniqueEmail())).toHaveLength(0);
  });
});

describe('members', () => {
  it('are listed in pages with their users', async () => {
    const owner = await given(platform).owner();
    for (let index = 0; index < 3; index += 1) await given(platform).member(owner);
    const first = await members(owner.accessToken, { first: 2 });
    expect(first.totalCount).toBe(4);
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await members(owner.accessToken, { first: 2, after: first.pageInfo.endCursor });
    expect(rest.nodes).toHaveLength(2);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const ids = [...first.nodes, ...rest.nodes].map((node: any) => node.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('refuse a page size outside 1..100 with BAD_USER_INPUT', async () => {
    const owner = await given(platform).owner();
    for (const first of [0, 101]) {
      const result = await platform.graphql(MEMBERS, { first }, { token: owner.accessToken });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
  });

  it('can change role; the member\'s old token stops working and a refresh carries the new role', async () => {
    const owner = await given(platform).owner();
    const member = await given(platform).member(owner, 'MEMBER');
    const id = await memberId(owner, member.email);
    const changed = dataOf(await platform.graphql<any>(UPDATE, { input: { id, role: 'ADMIN' } }, { token: owner.accessToken })).memberUpdate;
    expect(changed).toEqual({ member: { id, role: 'ADMIN' }, userErrors: [] });
    const stale = await platform.graphql(documents.viewer, {}, { token: member.accessToken });
    expect(errorCode(stale)).toBe('UNAUTHENTICATED');
    const refreshed = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: member.refreshToken } })).sessionRefresh.session;
    expect(dataOf(await platform.graphql<any>(documents.viewer, {}, { token: refreshed.accessToken })).viewer.role).toBe('ADMIN');
  });

  it('protect the last owner: neither demoted nor removed, and the list says so', async () => {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    const id = await memberId(owner, owner.email);
    const list = await members(owner.accessToken);
    expect(list.nodes.find((node: any) => node.id === id).isLastOwner).toBe(true);
    const demote = dataOf(await platform.graphql<any>(UPDATE, { input: { id, role: 'MEMBER' } }, { token: owner.accessToken })).memberUpdate;
    expect(demote.userErrors[0]).toMatchObject({ code: 'LAST_OWNER', field: ['input', 'role'] });
    const remove = dataOf(await platform.graphql<any>(REMOVE, { input: { id } }, { token: owner.accessToken })).memberRemove;
    expect(remove.userErrors[0].code).toBe('LAST_OWNER');
    const byAdmin = dataOf(await platform.graphql<any>(REMOVE, { input: { id } }, { token: admin.accessToken })).memberRemove;
    expect(byAdmin.userErrors[0].code).toBe('OWNER_ONLY');
    const promoteByAdmin = dataOf(await platform.graphql<any>(UPDATE, { input: { id: await memberId(owner, admin.email), role: 'OWNER' } }, { token: admin.accessToken })).memberUpdate;
    expect(promoteByAdmin.userErrors[0].code).toBe('OWNER_ONLY');
  });

  it('can be removed once another owner exists; the removed member loses access at once', async () => {
    const owner = await given(platform).owner();
    const second = await given(platform).member(owner, 'OWNER');
    const removed = dataOf(await platform.graphql<any>(REMOVE, { input: { id: await memberId(owner, owner.email) } }, { token: second.accessToken })).memberRemove;
    expect(removed.userErrors).toEqual([]);
    expect(errorCode(await platform.graphql(documents.viewer, {}, { token: owner.accessToken }))).toBe('UNAUTHENTICATED');
    const refresh = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: owner.refreshToken } })).sessionRefresh;
    expect(refresh.userErrors[0].code).toBe('INVALID_REFRESH_TOKEN');
  });
});

describe('tenant isolation', () => {
  it('never shows one organization anything of another, by id, slug, entity reference or header', async () => {
    const alice = await given(platform).owner();
    const mallory = await given(platform).owner();
    await given(platform).member(alice, 'MEMBER');
    const aliceOrg = dataOf(await platform.graphql<any>(documents.viewer, {}, { token: alice.accessToken })).viewer.organization;
    const aliceMemberId = await memberId(alice, alice.email);

    const byId = await platform.graphql<any>('query($id: ID) { organization(id: $id) { id name } }', { id: aliceOrg.id }, { token: mallory.accessToken });
    expect(dataOf(byId).organization).toBeNull();
    const bySlug = await platform.graphql<any>('query($slug: String) { organization(slug: $slug) { id name } }', { slug: aliceOrg.slug }, { token: mallory.accessToken });
    expect(dataOf(bySlug).organization).toBeNull();
    const member = await platform.graphql<any>('query($id: ID!) { member(id: $id) { id user { email } } }', { id: aliceMemberId }, { token: mallory.accessToken });
    expect(dataOf(member).member).toBeNull();

    const headers = { 'x-organization-id': aliceOrg.id, 'x-platform-context': 'forged', 'x-forwarded-for': '10.0.0.1' };
    const viewer = dataOf(await platform.graphql<any>(documents.viewer, {}, { token: mallory.accessToken, headers })).viewer;
    expect(viewer.organization.id).toBe(mallory.organizationId);
    const list = await members(mallory.accessToken);
    expect(list.totalCount).toBe(1);
    expect(list.nodes.map((node: any) => node.user.email)).toEqual([mallory.email]);

    const rename = await platform.graphql<any>('mutation { memberUpdate(input: { id: "' + aliceMemberId + '", role: MEMBER }) { userErrors { code } } }', {}, { token: mallory.accessToken });
    expect(dataOf(rename).memberUpdate.userErrors[0].code).toBe('NOT_FOUND');
  });
});

describe('organization', () => {
  it('can be renamed by those allowed to, with the name validated', async () => {
    const owner = await given(platform).owner();
    const update = 'mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { name slug } userErrors { field code } } }';
    const renamed = dataOf(await platform.graphql<any>(update, { input: { name: 'New Name' } }, { token: owner.accessToken })).organizationUpdate;
    expect(renamed.organization.name).toBe('New Name');
    const blank = dataOf(await platform.graphql<any>(update, { input: { name: '  ' } }, { token: owner.accessToken })).organizationUpdate;
    expect(blank.userErrors[0]).toEqual({ field: ['input', 'name'], code: 'INVALID' });
    const member = await given(platform).member(owner);
    expect(errorCode(await platform.graphql(update, { input: { name: 'Nope' } }, { token: member.accessToken }))).toBe('FORBIDDEN');
  });
});

describe('domain events', () => {
  it('commit with the mutation that causes them, reach the event bus, and vanish with a refused one', async () => {
    const { EVENTS_CHANNEL } = await import('@platform/kit');
    const received: { type: string; organizationId: string | null; payload: Record<string, unknown> }[] = [];
    const unsubscribe = await platform.platform.infra.pubsub.subscribe(EVENTS_CHANNEL, (message) => received.push(JSON.parse(message)));
    try {
      const owner = await given(platform).owner();
      const member = await given(platform).member(owner, 'MEMBER');
      const id = await memberId(owner, member.email);
      dataOf(await platform.graphql<any>(UPDATE, { input: { id, role: 'ANALYST' } }, { token: owner.accessToken }));
      const refused = dataOf(await platform.graphql<any>(UPDATE, { input: { id: await memberId(owner, owner.email), role: 'MEMBER' } }, { token: owner.accessToken })).memberUpdate;
      expect(refused.userErrors[0].code).toBe('LAST_OWNER');
      await platform.identity.flushOutbox();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const mine = received.filter((event) => event.organizationId === owner.organizationId).map((event) => event.type);
      expect(mine).toEqual(expect.arrayContaining(['user.signed_up', 'organization.created', 'invitation.created', 'member.joined', 'member.role_changed']));
      const roleChanges = received.filter((event) => event.type === 'member.role_changed' && event.organizationId === owner.organizationId);
      expect(roleChanges).toHaveLength(1);
      expect(roleChanges[0]!.payload).toMatchObject({ memberId: id, from: 'member', to: 'analyst' });
    } finally {
      await unsubscribe();
    }
  });
});
