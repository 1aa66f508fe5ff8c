import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { documents, given, type SignedIn } from './support/seed.ts';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({
    LOGIN_FREE_FAILURES_PER_ACCOUNT: '3',
    LOGIN_FREE_FAILURES_PER_IP: '1000',
    LOGIN_BASE_LOCK_SECONDS: '30',
  });
});
afterAll(() => platform.close());

const USER_UPDATE = 'mutation($input: UserUpdateInput!) { userUpdate(input: $input) { user { id name email } userErrors { field message code } } }';
const PASSWORD_CHANGE = 'mutation($input: UserPasswordChangeInput!) { userPasswordChange(input: $input) { revokedSessions userErrors { field message code } } }';
const API_KEY_CREATE = 'mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { code } } }';

async function changePassword(who: { accessToken: string }, currentPassword: string, newPassword: string) {
  return dataOf(await platform.graphql<any>(PASSWORD_CHANGE, { input: { currentPassword, newPassword } }, { token: who.accessToken })).userPasswordChange;
}

async function apiKeyOf(owner: SignedIn): Promise<string> {
  const created = dataOf(await platform.graphql<any>(API_KEY_CREATE, { input: { name: 'profile test' } }, { token: owner.accessToken })).apiKeyCreate;
  expect(created.userErrors).toEqual([]);
  return created.secret;
}

describe('changing one\'s name', () => {
  it('renames the signed-in user, trimmed, as the viewer then shows', async () => {
    const owner = await given(platform).owner({ name: 'Ada Byron' });
    const updated = dataOf(await platform.graphql<any>(USER_UPDATE, { input: { name: '  Ada Lovelace ' } }, { token: owner.accessToken })).userUpdate;
    expect(updated).toEqual({ user: { id: expect.stringMatching(/^usr_/), name: 'Ada Lovelace', email: owner.email }, userErrors: [] });
    const viewer = dataOf(await platform.graphql<any>(documents.viewer, {}, { token: owner.accessToken })).viewer;
    expect(viewer.user).toMatchObject({ id: updated.user.id, name: 'Ada Lovelace' });
  });

  it('refuses a blank name on its field and keeps the old one', async () => {
    const owner = await given(platform).owner({ name: 'Grace Hopper' });
    const refused = dataOf(await platform.graphql<any>(USER_UPDATE, { input: { name: '   ' } }, { token: owner.accessToken })).userUpdate;
    expect(refused).toEqual({ user: null, userErrors: [{ field: ['input', 'name'], code: 'INVALID', message: 'Enter a name.' }] });
    const viewer = dataOf(await platform.graphql<any>(documents.viewer, {}, { token: owner.accessToken })).viewer;
    expect(viewer.user.name).toBe('Grace Hopper');
  });

  it('is refused to an API key, which has no profile, and changes nothing for its creator', async () => {
    const owner = await given(platform).owner({ name: 'Key Creator' });
    const secret = await apiKeyOf(owner);
    const byKey = await platform.graphql<any>(USER_UPDATE, { input: { name: 'Hijacked' } }, { token: secret });
    expect(errorCode(byKey)).toBe('FORBIDDEN');
    expect(byKey.body.errors?.[0]?.message).toMatch(/API keys cannot/);
    const passwordByKey = await platform.graphql<any>(PASSWORD_CHANGE, { input: { currentPassword: owner.password, newPassword: 'a brand new password' } }, { token: secret });
    expect(errorCode(passwordByKey)).toBe('FORBIDDEN');
    const viewer = dataOf(await platform.graphql<any>(documents.viewer, {}, { token: owner.accessToken })).viewer;
    expect(viewer.user.name).toBe('Key Creator');
    expect(dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.userErrors).toEqual([]);
  });

  it('needs a signed-in caller', async () => {
    const anonymous = await platform.graphql(USER_UPDATE, { input: { name: 'Nobody' } });
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});

describe('changing one\'s password', () => {
  it('refuses a wrong current password on its field and counts it like a failed log-in, up to the lock', async () => {
    const owner = await given(platform).owner();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await changePassword(owner, 'not the password', 'a brand new password')).toEqual({
        revokedSessions: null,
        userErrors: [{ field: ['input', 'currentPassword'], code: 'INVALID_CREDENTIALS', message: 'The current password is incorrect.' }],
      });
    }
    const locked = await changePassword(owner, 'not the password', 'a brand new password');
    expect(locked.userErrors).toEqual([{ field: ['input', 'currentPassword'], code: 'RATE_LIMITED', message: expect.stringMatching(/Try again in 30 seconds/) }]);
    // The lock is the log-in's: it holds for the right password here and at log-in alike.
    expect((await changePassword(owner, owner.password, 'a brand new password')).userErrors[0].code).toBe('RATE_LIMITED');
    expect(dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.userErrors).toMatchObject([{ code: 'RATE_LIMITED' }]);
  });

  it('shares the count with failed log-ins', async () => {
    const owner = await given(platform).owner();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(dataOf(await given(platform).signIn(owner.email, 'wrong')).sessionCreate.userErrors).toMatchObject([{ code: 'INVALID_CREDENTIALS' }]);
    }
    expect((await changePassword(owner, 'still wrong', 'a brand new password')).userErrors[0].code).toBe('RATE_LIMITED');
  });

  it('refuses a short new password and one equal to the current, without counting them as failures', async () => {
    const owner = await given(platform).owner();
    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect((await changePassword(owner, owner.password, owner.password)).userErrors).toEqual([
        { field: ['input', 'newPassword'], code: 'INVALID', message: 'Choose a new password that differs from the current one.' },
      ]);
    }
    expect((await changePassword(owner, owner.password, 'short')).userErrors).toEqual([
      { field: ['input', 'newPassword'], code: 'INVALID', message: 'Use at least 10 characters.' },
    ]);
    expect(dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.userErrors).toEqual([]);
  });

  it('replaces the password and signs out every other session, while the current one keeps working', async () => {
    const owner = await given(platform).owner();
    const laptop = dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.session!;
    const phone = dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.session!;

    expect(await changePassword(owner, owner.password, 'a brand new password')).toEqual({ revokedSessions: 2, userErrors: [] });

    for (const other of [laptop, phone]) {
      const refused = await platform.graphql(documents.viewer, {}, { token: other.accessToken });
      expect(refused.status).toBe(401);
      expect(errorCode(refused)).toBe('UNAUTHENTICATED');
      const refresh = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: other.refreshToken } })).sessionRefresh;
      expect(refresh).toMatchObject({ session: null, userErrors: [{ code: 'INVALID_REFRESH_TOKEN' }] });
    }

    expect(dataOf(await platform.graphql<any>(documents.viewer, {}, { token: owner.accessToken })).viewer.user.email).toBe(owner.email);
    const refreshed = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: owner.refreshToken } })).sessionRefresh;
    expect(refreshed.userErrors).toEqual([]);
    expect(dataOf(await platform.graphql<any>(documents.viewer, {}, { token: refreshed.session.accessToken })).viewer.user.email).toBe(owner.email);

    expect(dataOf(await given(platform).signIn(owner.email, 'a brand new password')).sessionCreate.userErrors).toEqual([]);
    expect(dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.userErrors).toMatchObject([{ code: 'INVALID_CREDENTIALS' }]);
    const notice = (await platform.mailTo(owner.email)).at(-1);
    expect(notice?.subject).toBe('Your password was changed');
    expect(notice?.text).toContain('2 other sessions were signed out');
  });

  it('counts no other session when there is none, and skips those already signed out', async () => {
    const owner = await given(platform).owner();
    const other = dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.session!;
    const signedOut = dataOf(await platform.graphql<any>('mutation { sessionRevoke { revokedSessions } }', {}, { token: other.accessToken }));
    expect(signedOut.sessionRevoke.revokedSessions).toBe(1);
    expect(await changePassword(owner, owner.password, 'a brand new password')).toEqual({ revokedSessions: 0, userErrors: [] });
  });
});
