import { startApp, type StartedApp } from '../support/start-app.ts';

let app: StartedApp;
let base = '';

beforeAll(async () => {
  // NODE_ENV as a user has it: Jest's 'test' would hide how signals are handled in development.
  app = await startApp({ NODE_ENV: 'development' });
  base = app.url;
}, 60_000);

afterAll(async () => {
  await app.stop();
});

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('npm start', () => {
  it('prints every address it listens on and the demo credentials', () => {
    const output = app.output();
    expect(output).toMatch(/Web app\s+http:\/\/localhost:\d+\//);
    expect(output).toMatch(/GraphQL API\s+http:\/\/localhost:\d+\/graphql/);
    expect(output).toMatch(/Explorer\s+http:\/\/localhost:\d+\/explorer/);
    expect(output).toMatch(/identity\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(output).toMatch(/sign in as owner@demo\.test \/ demo-password/);
  });

  it('serves the API with the seeded demo organization, and the demo log-in works', async () => {
    const signIn = await graphql('mutation($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } userErrors { message } } }', {
      input: { email: 'owner@demo.test', password: 'demo-password' },
    });
    const token = signIn.data.sessionCreate.session.accessToken;
    const viewer = await graphql('{ viewer { user { email } role organization { name members { totalCount } } } }', {}, token);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data.viewer).toEqual({ user: { email: 'owner@demo.test' }, role: 'OWNER', organization: { name: 'Demo Company', members: { totalCount: 6 } } });
  });

  it('serves the explorer', async () => {
    const page = await fetch(`${base}/explorer`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('API explorer');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await app.stop()).toBe(0);
  });
});
