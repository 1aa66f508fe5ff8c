import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';
import { ApiKey } from '@platform/identity/entities/index.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ API_KEY_CACHE_SECONDS: '60' });
});
afterAll(() => platform.close());

const CREATE = 'mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id name prefix permissions createdBy { email } lastUsedAt } secret userErrors { field code message } } }';
const REVOKE = 'mutation($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) { apiKey { id revokedAt } userErrors { code } } }';
const KEYS = '{ viewer { organization { apiKeys { totalCount nodes { id name prefix lastUsedAt revokedAt } } } } }';

describe('API keys', () => {
  it('show their secret once, store only a hash, and act for the organization with their own permissions', async () => {
    const owner = await given(platform).owner();
    const created = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'CI', permissions: ['organization.read', 'member.read', 'apikey.read'] } }, { token: owner.accessToken })).apiKeyCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.apiKey).toMatchObject({ name: 'CI', permissions: ['organization.read', 'member.read', 'apikey.read'], createdBy: { email: owner.email }, lastUsedAt: null });
    expect(created.apiKey.id).toMatch(/^key_/);
    expect(created.secret).toMatch(/^sk_/);
    expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true);

    const stored = await platform.identity.db.em.fork().find(ApiKey, {}, { filters: false });
    expect(JSON.stringify(stored)).not.toContain(created.secret);

    const viewer = dataOf(await platform.graphql<any>('{ viewer { user { id } apiKey { id name } role permissions organization { id } } }', {}, { token: created.secret })).viewer;
    expect(viewer).toEqual({ user: null, apiKey: { id: created.apiKey.id, name: 'CI' }, role: null, permissions: ['organization.read', 'member.read', 'apikey.read'], organization: { id: owner.organizationId } });

    const members = await platform.graphql<any>('{ viewer { organization { members { totalCount } } } }', {}, { token: created.secret });
    expect(dataOf(members).viewer.organization.members.totalCount).toBe(1);
    const invite = await platform.graphql('mutation { invitationCreate(input: { email: "x@example.test" }) { userErrors { code } } }', {}, { token: created.secret });
    expect(errorCode(invite)).toBe('FORBIDDEN');

    const listed = dataOf(await platform.graphql<any>(KEYS, {}, { token: owner.accessToken })).viewer.organization.apiKeys.nodes[0];
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it('cannot be given a permission the creator does not hold, or an unknown one', async () => {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    const beyond = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'x', permissions: ['billing.manage'] } }, { token: admin.accessToken })).apiKeyCreate;
    expect(beyond).toMatchObject({ apiKey: null, secret: null, userErrors: [{ code: 'PERMISSION_NOT_HELD', field: ['input', 'permissions'] }] });
    const unknown = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'x', permissions: ['everything.all'] } }, { token: owner.accessToken })).apiKeyCreate;
    expect(unknown.userErrors[0].code).toBe('UNKNOWN_PERMISSION');
    const past = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'x', expiresAt: '2001-01-01T00:00:00Z' } }, { token: owner.accessToken })).apiKeyCreate;
    expect(past.userErrors[0].field).toEqual(['input', 'expiresAt']);
    const member = await given(platform).member(owner, 'MEMBER');
    expect(errorCode(await platform.graphql(CREATE, { input: { name: 'x' } }, { token: member.accessToken }))).toBe('FORBIDDEN');
  });

  it('stop working the moment they are revoked, even while the gateway remembers them', async () => {
    const owner = await given(platform).owner();
    const created = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'to revoke' } }, { token: owner.accessToken })).apiKeyCreate;
    expect(dataOf(await platform.graphql<any>('{ viewer { organization { id } } }', {}, { token: created.secret })).viewer.organization.id).toBe(owner.organizationId);
    const revoked = dataOf(await platform.graphql<any>(REVOKE, { input: { id: created.apiKey.id } }, { token: owner.accessToken })).apiKeyRevoke;
    expect(revoked.apiKey.revokedAt).not.toBeNull();
    const after = await platform.graphql('{ viewer { organization { id } } }', {}, { token: created.secret });
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
  });

  it('of one organization cannot be listed or revoked from another', async () => {
    const alice = await given(platform).owner();
    const mallory = await given(platform).owner();
    const created = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'alice key' } }, { token: alice.accessToken })).apiKeyCreate;
    const list = dataOf(await platform.graphql<any>(KEYS, {}, { token: mallory.accessToken })).viewer.organization.apiKeys;
    expect(list.totalCount).toBe(0);
    const revoke = dataOf(await platform.graphql<any>(REVOKE, { input: { id: created.apiKey.id } }, { token: mallory.accessToken })).apiKeyRevoke;
    expect(revoke.userErrors[0].code).toBe('NOT_FOUND');
    expect(dataOf(await platform.graphql<any>('{ viewer { organization { id } } }', {}, { token: created.secret })).viewer.organization.id).toBe(alice.organizationId);
  });

  it('that are made up are refused', async () => {
    const result = await platform.graphql('{ viewer { organization { id } } }', {}, { token: 'sk_made_up_secret_value' });
    expect(result.status).toBe(401);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});

describe('an API key', () => {
  const UPDATE = 'mutation($input: MemberUpdateInput!) { memberUpdate(input: $input) { userErrors { code } } }';
  const REMOVE = 'mutation($input: MemberRemoveInput!) { memberRemove(input: $input) { userErrors { code } } }';
  const INVITE = 'mutation { invitationCreate(input: { email: "someone@example.test" }) { userErrors { code } } }';

  async function adminWithKey() {
    const owner = await given(platform).owner();
    const admin = await given(platform).member(owner, 'ADMIN');
    const key = dataOf(await platform.graphql<any>(CREATE, { input: { name: 'admin key', permissions: ['organization.read', 'member.read', 'member.invite'] } }, { token: admin.accessToken })).apiKeyCreate;
    const members = dataOf(await platform.graphql<any>('{ viewer { organization { members { nodes { id user { email } } } } } }', {}, { token: owner.accessToken }));
    const adminMemberId = members.viewer.organization.members.nodes.find((node: any) => node.user.email === admin.email).id;
    expect(dataOf(await platform.graphql<any>(INVITE, {}, { token: key.secret })).invitationCreate.userErrors).toEqual([]);
    return { owner, key, adminMemberId };
  }

  it('narrows at once when its creator is demoted', async () => {
    const { owner, key, adminMemberId } = await adminWithKey();
    expect(dataOf(await platform.graphql<any>(UPDATE, { input: { id: adminMemberId, role: 'MEMBER' } }, { token: owner.accessToken })).memberUpdate.userErrors).toEqual([]);
    expect(errorCode(await platform.graphql(INVITE, {}, { token: key.secret }))).toBe('FORBIDDEN');
    const viewer = dataOf(await platform.graphql<any>('{ viewer { permissions } }', {}, { token: key.secret })).viewer;
    expect(viewer.permissions).toEqual(['organization.read', 'member.read']);
  });

  it('stops working when its creator leaves the organization', async () => {
    const { owner, key, adminMemberId } = await adminWithKey();
    expect(dataOf(await platform.graphql<any>(REMOVE, { input: { id: adminMemberId } }, { token: owner.accessToken })).memberRemove.userErrors).toEqual([]);
    expect(errorCode(await platform.graphql('{ viewer { permissions } }', {}, { token: key.secret }))).toBe('UNAUTHENTICATED');
  });
});
