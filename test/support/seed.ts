import { randomBytes } from 'node:crypto';
import { dataOf, type TestPlatform } from './platform.ts';

export interface SignedIn {
  email: string;
  password: string;
  name: string;
  accessToken: string;
  refreshToken: string;
  organizationId: string;
}

const SESSION = 'session { accessToken refreshToken expiresAt refreshTokenExpiresAt organizationId } userErrors { field message code }';

export const documents = {
  signUp: `mutation SignUp($input: UserSignUpInput!) { userSignUp(input: $input) { ${SESSION} } }`,
  signIn: `mutation SignIn($input: SessionCreateInput!) { sessionCreate(input: $input) { ${SESSION} } }`,
  refresh: `mutation Refresh($input: SessionRefreshInput!) { sessionRefresh(input: $input) { ${SESSION} } }`,
  accept: `mutation Accept($input: InvitationAcceptInput!) { invitationAccept(input: $input) { ${SESSION} } }`,
  invite: `mutation Invite($input: InvitationCreateInput!) { invitationCreate(input: $input) { invitation { id email role status expiresAt } userErrors { field message code } } }`,
  viewer: `{ viewer { user { id email name } organization { id slug name } role permissions } }`,
};

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

/** Fluent seed builders that go through the public API, the way a client would. */
export function given(platform: TestPlatform) {
  return {
    /** A new user who signed up with their own organization (they are its owner). */
    async owner(overrides: { email?: string; password?: string; name?: string; organizationName?: string } = {}): Promise<SignedIn> {
      const email = overrides.email ?? uniqueEmail('owner');
      const password = overrides.password ?? 'correct horse battery';
      const name = overrides.name ?? 'Owner Person';
      const result = await platform.graphql<{ userSignUp: { session: Omit<SignedIn, 'email' | 'password' | 'name'> } }>(documents.signUp, {
        input: { email, password, name, organizationName: overrides.organizationName ?? `Org ${randomBytes(3).toString('hex')}` },
      });
      return { email, password, name, ...dataOf(result).userSignUp.session };
    },

    /** The token mailed with the newest invitation to `email`. */
    async invitationToken(email: string): Promise<string> {
      const mail = (await platform.mailTo(email)).at(-1);
      const token = mail?.text.match(/token=([\w-]+)/)?.[1];
      if (!token) throw new Error(`No invitation mail for ${email}`);
      return token;
    },

    /** Someone invited by `inviter` with `role`, who signs up through the invitation. */
    async member(inviter: SignedIn, role = 'MEMBER', email = uniqueEmail(role.toLowerCase())): Promise<SignedIn> {
      const invited = await platform.graphql<{ invitationCreate: { userErrors: unknown[] } }>(documents.invite, { input: { email, role } }, { token: inviter.accessToken });
      const payload = dataOf(invited).invitationCreate;
      if (payload.userErrors.length) throw new Error(`invitation refused: ${JSON.stringify(payload.userErrors)}`);
      const token = await this.invitationToken(email);
      const password = 'member password 123';
      const accepted = await platform.graphql<{ invitationAccept: { session: Omit<SignedIn, 'email' | 'password' | 'name'>; userErrors: unknown[] } }>(documents.accept, {
        input: { token, name: `${role} Person`, password },
      });
      const session = dataOf(accepted).invitationAccept.session;
      if (!session) throw new Error(`accept refused: ${JSON.stringify(dataOf(accepted).invitationAccept.userErrors)}`);
      return { email, password, name: `${role} Person`, ...session };
    },

    async signIn(email: string, password: string, organizationId?: string) {
      return platform.graphql<{ sessionCreate: { session: Omit<SignedIn, 'email' | 'password' | 'name'> | null; userErrors: { code: string; message: string; field: string[] }[] } }>(
        documents.signIn,
        { input: { email, password, ...(organizationId ? { organizationId } : {}) } },
      );
    },
  };
}
