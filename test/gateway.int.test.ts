import { encodeEnvelope, signEncodedEnvelope, ENVELOPE_HEADER, SIGNATURE_HEADER } from '@platform/kit';
import { ANONYMOUS } from '@platform/schema';
import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

let platform: TestPlatform;
let owner: SignedIn;
beforeAll(async () => {
  platform = await startTestPlatform({ MAX_DEPTH: '5', CORS_ORIGINS: 'http://app.example.test', INTROSPECTION: 'authenticated' });
  owner = await given(platform).owner();
});
afterAll(() => platform.close());

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${platform.url}/graphql`, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe('subgraphs', () => {
  it('refuse requests that do not carry the gateway\'s signature', async () => {
    const body = JSON.stringify({ query: '{ roles { role } }' });
    const unsigned = await fetch(platform.identity.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(await unsigned.json())).not.toContain('role');

    const envelope = encodeEnvelope({ principal: ANONYMOUS, requestId: 'test-request', clientIp: null, userAgent: null, issuedAt: Date.now() });
    const forged = await fetch(platform.identity.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ENVELOPE_HEADER]: envelope, [SIGNATURE_HEADER]: signEncodedEnvelope('not the secret at all, not at all!', envelope, body) },
      body,
    });
    expect(forged.status).toBe(401);

  });

  it('answer health and readiness checks without a signature', async () => {
    const base = platform.identity.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });
  });
});

describe('request limits', () => {
  it('refuse an operation nested too deep, before planning', async () => {
    const result = await platform.graphql('{ viewer { organization { members { nodes { user { id } } } } } }', {}, { token: owner.accessToken });
    expect(result.status).toBe(400);
    expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.body.errors![0]!.message).toMatch(/deeper than the limit of 5/);
  });

  it('refuse alias flooding, directive flooding and token bombs', async () => {
    const aliases = `{ ${Array.from({ length: 16 }, (_, index) => `a${index}: roles { role }`).join(' ')} }`;
    expect((await platform.graphql(aliases)).body.errors![0]!.message).toMatch(/16 aliases; the limit is 15/);
    const directives = `{ roles { ${Array.from({ length: 51 }, () => '...R @include(if: true)').join(' ')} } } fragment R on RoleInfo { role }`;
    expect((await platform.graphql(directives)).body.errors![0]!.message).toMatch(/51 directives; the limit is 50/);
    const tokens = `{ roles { ${Array.from({ length: 1200 }, () => 'role').join(' ')} } }`;
    const bomb = await platform.graphql(tokens);
    expect(bomb.status).toBe(400);
    expect(errorCode(bomb)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuse an oversized document and a batch, and keep serving afterwards', async () => {
    const huge = await post(JSON.stringify({ query: `{ roles { role } } # ${'x'.repeat(20_000)}` }));
    expect(huge.status).toBe(413);
    expect(huge.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const batch = await post(JSON.stringify([{ query: '{ roles { role } }' }, { query: '{ roles { role } }' }]));
    expect(batch.status).toBe(400);
    expect(batch.body.errors[0].message).toMatch(/Batched requests are not supported/);
    const abuse = Array.from({ length: 30 }, () => platform.graphql(`{ ${Array.from({ length: 40 }, (_, index) => `a${index}: roles { role }`).join(' ')} }`));
    await Promise.all(abuse);
    expect(dataOf(await platform.graphql<any>('{ roles { role } }')).roles.length).toBe(6);
  });
});

describe('GraphQL over HTTP', () => {
  it('answers malformed JSON with 400 and a wrong content type with 415', async () => {
    const malformed = await post('{"query": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const text = await post('{ roles { role } }', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('never runs a mutation over GET, and asks GET queries for a CSRF preflight header', async () => {
    const mutation = encodeURIComponent('mutation { sessionRevoke { revokedSessions } }');
    const viaGet = await fetch(`${platform.url}/graphql?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${owner.accessToken}` } });
    expect(viaGet.status).toBe(405);
    const query = encodeURIComponent('{ roles { role } }');
    const simple = await fetch(`${platform.url}/graphql?query=${query}`);
    expect(simple.status).toBe(400);
    const preflighted = await fetch(`${platform.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
  });

  it('gives every response a request id, and keeps a well-formed one the client sent', async () => {
    const generated = await platform.graphql('{ roles { role } }');
    expect(generated.headers.get('x-request-id')).toMatch(/^req_/);
    const kept = await platform.graphql('{ roles { role } }', {}, { headers: { 'x-request-id': 'client-trace-0001' } });
    expect(kept.headers.get('x-request-id')).toBe('client-trace-0001');
    const replaced = await platform.graphql('{ roles { role } }', {}, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('allows configured browser origins only', async () => {
    const allowed = await fetch(`${platform.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://app.example.test', 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example.test');
    const other = await fetch(`${platform.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://evil.example.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('authorization', () => {
  it('refuses every protected root field to anonymous callers before any subgraph is called', async () => {
    for (const query of ['{ viewer { role } }', '{ member(id: "mem_x") { id } }', 'mutation { apiKeyRevoke(input: { id: "key_x" }) { userErrors { code } } }']) {
      const result = await platform.graphql(query);
      expect(result.status).toBe(401);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    }
    expect(dataOf(await platform.graphql<any>('{ permissions { name } }')).permissions.length).toBeGreaterThan(5);
  });

  it('lets only signed-in callers introspect when introspection is "authenticated"', async () => {
    const anonymous = await platform.graphql('{ __schema { queryType { name } } }');
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
    const signedIn = await platform.graphql<any>('{ __schema { queryType { name } } }', {}, { token: owner.accessToken });
    expect(dataOf(signedIn).__schema.queryType.name).toBe('Query');
  });

  it('masks internal details in errors', async () => {
    const result = await platform.graphql('{ viewer { nope } }', {}, { token: owner.accessToken });
    expect(result.status).toBe(400);
    const text = JSON.stringify(result.body);
    expect(text).not.toMatch(/stack|identity|127\.0\.0\.1|serviceName/);
  });
});

describe('explorer', () => {
  it('is served from the gateway with every asset local (no CDN)', async () => {
    const page = await fetch(`${platform.url}/explorer`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('graphiql');
    expect(html).not.toMatch(/(src|href)="https?:/);
    for (const asset of ['graphiql.js', 'graphiql.css', 'react.js', 'react-dom.js', 'explorer.js']) {
      const response = await fetch(`${platform.url}/explorer/assets/${asset}`);
      expect(response.status).toBe(200);
    }
  });
});

describe('health', () => {
  it('reports liveness and readiness with each subgraph', async () => {
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${platform.url}/readyz`)).json();
    expect(ready).toMatchObject({ ready: true, subgraphs: { identity: 'ready' } });
  });
});

