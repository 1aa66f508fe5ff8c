import { SignJWT } from 'jose';
import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { documents, given, uniqueEmail } from './support/seed.ts';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({
    LOGIN_FREE_FAILURES_PER_ACCOUNT: '3',
    LOGIN_FREE_FAILURES_PER_IP: '1000',
    LOGIN_BASE_LOCK_SECONDS: '30',
  });
});
afterAll(() => platform.close());

describe('signing up', () => {
  it('creates a user and an organization with the user as owner, and signs them in', async () => {
    const owner = await given(platform).owner({ name: 'Ada Lovelace', organizationName: 'Analytical Engines' });
    const viewer = dataOf(await platform.graphql<{ viewer: any }>(documents.viewer, {}, { token: owner.accessToken })).viewer;
    expect(viewer.user).toMatchObject({ email: owner.email, name: 'Ada Lovelace' });
    expect(viewer.user.id).toMatch(/^usr_/);
    expect(viewer.organization).toMatchObject({ name: 'Analytical Engines', slug: 'analytical-engines' });
    expect(viewer.organization.id).toMatch(/^org_/);
    expect(viewer.role).toBe('OWNER');
    expect(viewer.permissions).toContain('member.invite');
  });

  it('refuses an email that is taken, a short password and a bad address, each on its field', async () => {
    const owner = await given(platform).owner();
    const taken = dataOf(await platform.graphql<any>(documents.signUp, { input: { email: owner.email.toUpperCase(), password: 'long enough password', name: 'X', organizationName: 'Y' } }));
    expect(taken.userSignUp).toEqual({ session: null, userErrors: [{ field: ['input', 'email'], code: 'EMAIL_TAKEN', message: expect.any(String) }] });
    const invalid = dataOf(await platform.graphql<any>(documents.signUp, { input: { email: 'not-an-email', password: 'short', name: '', organizationName: 'Y' } }));
    const fields = invalid.userSignUp.userErrors.map((error: { field: string[] }) => error.field.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['input.email', 'input.password', 'input.name']));
    expect(invalid.userSignUp.session).toBeNull();
  });

  it('gives two organizations with the same name different slugs', async () => {
    const first = await given(platform).owner({ organizationName: 'Same Name' });
    const second = await given(platform).owner({ organizationName: 'Same Name' });
    const slug = async (token: string) => dataOf(await platform.graphql<any>(documents.viewer, {}, { token })).viewer.organization.slug;
    expect(await slug(first.accessToken)).not.toEqual(await slug(second.accessToken));
  });
});

describe('signing in', () => {
  it('returns a session for the right password', async () => {
    const owner = await given(platform).owner();
    const session = dataOf(await given(platform).signIn(owner.email, owner.password)).sessionCreate.session!;
    expect(session.organizationId).toBe(owner.organizationId);
    expect(new Date((session as any).expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const owner = await given(platform).owner();
    const wrong = dataOf(await given(platform).signIn(owner.email, 'not the password')).sessionCreate;
    const unknown = dataOf(await given(platform).signIn(uniqueEmail('nobody'), 'not the password')).sessionCreate;
    expect(wrong).toEqual(unknown);
    expect(wrong.userErrors[0]).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'The email or password is incorrect.' });
  });

  it('locks an account after repeated failures, for a growing while, even for the right password', async () => {
    const owner = await given(platform).owner();
    const attempt = async (password: string) => dataOf(await given(platform).signIn(owner.email, password)).sessionCreate.userErrors[0];
    for (let index = 0; index < 3; index += 1) expect(await attempt('wrong')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const firstLock = await attempt('wrong');
    expect(firstLock).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/Try again in 30 seconds/) });
    expect(await attempt(owner.password)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('locks unknown emails the same way as real ones, so a lock reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    let last;
    for (let index = 0; index < 4; index += 1) last = dataOf(await given(platform).signIn(email, 'wrong')).sessionCreate.userErrors[0];
    expect(last).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('refresh tokens', () => {
  it('rotate: a refresh gives a new pair and the new access token works', async () => {
    const owner = await given(platform).owner();
    const refreshed = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: owner.refreshToken } })).sessionRefresh;
    expect(refreshed.userErrors).toEqual([]);
    expect(refreshed.session.refreshToken).not.toBe(owner.refreshToken);
    const viewer = await platform.graphql<any>(documents.viewer, {}, { token: refreshed.session.accessToken });
    expect(dataOf(viewer).viewer.user.email).toBe(owner.email);
  });

  it('used twice revoke the whole family: the newest tokens stop working too', async () => {
    const owner = await given(platform).owner();
    const first = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: owner.refreshToken } })).sessionRefresh.session;
    const replay = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: owner.refreshToken } })).sessionRefresh;
    expect(replay).toMatchObject({ session: null, userErrors: [{ code: 'REFRESH_TOKEN_REUSED' }] });
    const newest = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: first.refreshToken } })).sessionRefresh;
    expect(newest).toMatchObject({ session: null, userErrors: [{ code: 'INVALID_REFRESH_TOKEN' }] });
    const withAccess = await platform.graphql(documents.viewer, {}, { token: first.accessToken });
    expect(withAccess.status).toBe(401);
    expect(errorCode(withAccess)).toBe('UNAUTHENTICATED');
  });

  it('refuses a refresh token that was never issued', async () => {
    const result = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: 'rt_forged' } })).sessionRefresh;
    expect(result.userErrors[0].code).toBe('INVALID_REFRESH_TOKEN');
  });
});

describe('access tokens', () => {
  it('signing out revokes the access token at once', async () => {
    const owner = await given(platform).owner();
    const revoked = dataOf(await platform.graphql<any>('mutation { sessionRevoke { revokedSessions userErrors { code } } }', {}, { token: owner.accessToken }));
    expect(revoked.sessionRevoke).toEqual({ revokedSessions: 1, userErrors: [] });
    const after = await platform.graphql(documents.viewer, {}, { token: owner.accessToken });
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
    const refresh = dataOf(await platform.graphql<any>(documents.refresh, { input: { refreshToken: owner.refreshToken } })).sessionRefresh;
    expect(refresh.userErrors[0].code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('refuses forged, expired and malformed tokens with UNAUTHENTICATED', async () => {
    const owner = await given(platform).owner();
    const [header, payload] = owner.accessToken.split('.');
    const forgedSignature = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
    const otherKey = await new SignJWT({ org: owner.organizationId, sid: 'ses_x', role: 'owner', iatms: Date.now(), typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('usr_x')
      .setIssuer('saas-platform')
      .setAudience('saas-platform-api')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('another secret that is long enough!!'));
    const expired = await new SignJWT({ org: owner.organizationId, sid: 'ses_x', role: 'owner', iatms: Date.now(), typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode('x'.repeat(40)));
    for (const token of [forgedSignature, otherKey, expired, 'garbage', `${header}.${payload}.`]) {
      const result = await platform.graphql(documents.viewer, {}, { token });
      expect(result.status).toBe(401);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    }
    const noScheme = await platform.graphql(documents.viewer, {}, { headers: { authorization: owner.accessToken } });
    expect(errorCode(noScheme)).toBe('UNAUTHENTICATED');
  });
});

describe('switching organization', () => {
  it('moves the session to another organization the user belongs to, and nowhere else', async () => {
    const alice = await given(platform).owner();
    const bob = await given(platform).owner();
    // Alice has an account already, so she accepts Bob's invitation while signed in.
    await platform.graphql(documents.invite, { input: { email: alice.email, role: 'ANALYST' } }, { token: bob.accessToken });
    const token = await given(platform).invitationToken(alice.email);
    const accepted = dataOf(await platform.graphql<any>(documents.accept, { input: { token } }, { token: alice.accessToken })).invitationAccept;
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.session.organizationId).toBe(bob.organizationId);

    const switchDocument = 'mutation($input: SessionSwitchOrganizationInput!) { sessionSwitchOrganization(input: $input) { session { accessToken organizationId } userErrors { code } } }';
    const back = dataOf(await platform.graphql<any>(switchDocument, { input: { organizationId: alice.organizationId } }, { token: accepted.session.accessToken })).sessionSwitchOrganization;
    expect(back.session.organizationId).toBe(alice.organizationId);
    const viewer = dataOf(await platform.graphql<any>('{ viewer { role organization { id } memberships { role organization { id } } } }', {}, { token: back.session.accessToken })).viewer;
    expect(viewer.organization.id).toBe(alice.organizationId);
    expect(viewer.role).toBe('OWNER');
    expect(viewer.memberships).toHaveLength(2);

    const stranger = await given(platform).owner();
    const refused = dataOf(await platform.graphql<any>(switchDocument, { input: { organizationId: stranger.organizationId } }, { token: back.session.accessToken })).sessionSwitchOrganization;
    expect(refused).toEqual({ session: null, userErrors: [{ code: 'NOT_A_MEMBER' }] });
  });
});
