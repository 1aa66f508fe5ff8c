import { identity, identitySettings, type IdentityServices } from '@platform/identity';
import {
  createInfrastructure,
  createInternalClient,
  createLogger,
  encodeEnvelope,
  InternalCallError,
  rawRoute,
  RawResponse,
  signEncodedEnvelope,
  startSubgraph,
  ENVELOPE_HEADER,
  SIGNATURE_HEADER,
  type Infrastructure,
  type RunningSubgraph,
} from '@platform/kit';
import { ANONYMOUS, ROLE_PERMISSIONS, systemPrincipal, type Principal } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { backing } from './support/test-env.ts';
import { given } from './support/seed.ts';

const SECRET = randomBytes(32).toString('base64url');
const client = createInternalClient({ secret: SECRET, timeoutMs: 2000 });

describe('identity: /internal/organizations/billing-facts', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ INTERNAL_SIGNING_SECRET: SECRET });
  });
  afterAll(() => platform.close());

  const activeMembers = async (organizationId: unknown, principal: Principal = ANONYMOUS) => {
    const facts = await client.post<{ activeMembers: number; name: string; ownerEmails: string[] }>(platform.identity.url, '/internal/organizations/billing-facts', { organizationId }, { principal, requestId: 'test-seats' });
    return { activeMembers: facts.activeMembers };
  };

  it("counts an organization's members for a signed caller, whichever tenant the caller belongs to", async () => {
    const owner = await given(platform).owner();
    await given(platform).member(owner, 'ADMIN');
    await given(platform).member(owner, 'BILLING_MANAGER');
    const other = await given(platform).owner();
    expect(await activeMembers(owner.organizationId)).toEqual({ activeMembers: 3 });
    expect(await activeMembers(other.organizationId)).toEqual({ activeMembers: 1 });
    // A principal of another organization does not narrow the count: the route names the organization.
    const outsider: Principal = { kind: 'user', userId: 'usr_outsider', organizationId: other.organizationId, role: 'owner', permissions: ROLE_PERMISSIONS.owner, sessionId: 'ses_x' };
    expect(await activeMembers(owner.organizationId, outsider)).toEqual({ activeMembers: 3 });
    expect(await activeMembers('org_00000000000000000000000000')).toEqual({ activeMembers: 0 });
  });

  it("names the organization and its owners, the default billing contact", async () => {
    const owner = await given(platform).owner({ organizationName: 'Facts Inc' });
    await given(platform).member(owner, 'ADMIN');
    const facts = await client.post(platform.identity.url, '/internal/organizations/billing-facts', { organizationId: owner.organizationId }, { principal: ANONYMOUS, requestId: 'test-facts' });
    expect(facts).toEqual({ name: 'Facts Inc', activeMembers: 2, ownerEmails: [owner.email] });
  });

  it('refuses a malformed organization id and an unsigned or wrongly signed call', async () => {
    await expect(activeMembers(42)).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
    await expect(activeMembers("org_x' or 1=1")).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
    const forged = createInternalClient({ secret: randomBytes(32).toString('base64url') });
    const refusal = forged.post(platform.identity.url, '/internal/organizations/billing-facts', { organizationId: 'org_1' }, { principal: ANONYMOUS, requestId: 'test-forged' });
    await expect(refusal).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 401 });
    await expect(refusal).rejects.toThrow('The internal call to /internal/organizations/billing-facts answered 401.');
    const unsigned = await fetch(platform.identity.url.replace(/graphql$/, 'internal/organizations/billing-facts'), { method: 'POST', body: '{"organizationId":"org_1"}' });
    expect(unsigned.status).toBe(401);
  });
});

describe('kit: raw internal routes and the internal client', () => {
  let running: RunningSubgraph<IdentityServices>;
  let infra: Infrastructure;
  let dataDir: string;
  const seenByRaw: { body: string; bytes: Buffer; headers: Record<string, string | undefined>; principal: Principal }[] = [];
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(20_000), Buffer.from('\n%%EOF\n')]);
  let releaseSlow = () => {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'internal-routes-'));
    const logger = createLogger({ service: 'test', level: backing.logLevel });
    infra = await createInfrastructure({ logger });
    const env = { NODE_ENV: 'test', DATA_DIR: dataDir, INTERNAL_SIGNING_SECRET: SECRET, ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'), PASSWORD_HASH_COST: '1024' };
    // Identity's own subgraph with three more routes, to exercise the kit's route kinds on a real server.
    running = await startSubgraph(
      {
        ...identity,
        routes: {
          ...identity.routes,
          '/internal/test/raw': rawRoute<IdentityServices>({ headers: ['Stripe-Signature'] }, async (request, context) => {
            seenByRaw.push({ ...request, principal: context.principal });
            return RawResponse.json(request.headers['stripe-signature'] === 'good' ? 200 : 400, { length: request.bytes.length });
          }),
          '/internal/test/pdf': async (body) => {
            if ((body as { id?: unknown }).id !== 'inv_1') return RawResponse.json(404, { error: 'No such invoice.' });
            return new RawResponse(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="inv_1.pdf"' }, PDF);
          },
          '/internal/test/slow': async () => {
            await new Promise<void>((resolve) => (releaseSlow = resolve));
            return { late: true };
          },
        },
      },
      { deps: { settings: identitySettings(env).settings }, logger, infra, signingSecret: SECRET, database: { inMemory: true } },
    );
  });
  afterAll(async () => {
    await running.close();
    await infra.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hands a raw route the exact bytes and only the headers it named', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"evt_1", "x": "ü"}'), Buffer.from([0xc3, 0x28, 0xff])]);
    const response = await client.send(running.url, '/internal/test/raw', bytes, {
      principal: ANONYMOUS,
      requestId: 'test-raw',
      headers: { 'stripe-signature': 'good', 'x-not-named': 'hidden' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ length: bytes.length });
    const [seen] = seenByRaw;
    expect(seen!.bytes.equals(bytes)).toBe(true);
    expect(seen!.body).toBe(bytes.toString('utf8'));
    expect(seen!.headers).toEqual({ 'stripe-signature': 'good' });
    expect(seen!.principal).toEqual(ANONYMOUS);

    const refused = await client.send(running.url, '/internal/test/raw', bytes, { principal: ANONYMOUS, requestId: 'test-raw-2', headers: { 'stripe-signature': 'bad' } });
    expect(refused.status).toBe(400);
  });

  it('keeps the signature check on raw routes: a body that is not the signed one is refused', async () => {
    const envelope = encodeEnvelope({ principal: ANONYMOUS, requestId: 'test-tamper', clientIp: null, userAgent: null, issuedAt: Date.now() });
    const signature = signEncodedEnvelope(SECRET, envelope, Buffer.from('{"amount":1}'));
    const tampered = await fetch(running.url.replace(/graphql$/, 'internal/test/raw'), {
      method: 'POST',
      headers: { [ENVELOPE_HEADER]: envelope, [SIGNATURE_HEADER]: signature, 'stripe-signature': 'good' },
      body: '{"amount":1000}',
    });
    expect(tampered.status).toBe(401);
    expect(seenByRaw.map((request) => request.body)).not.toContain('{"amount":1000}');
  });

  it('answers binary bodies with their own status and headers', async () => {
    const response = await client.send(running.url, '/internal/test/pdf', JSON.stringify({ id: 'inv_1' }), { principal: ANONYMOUS, requestId: 'test-pdf' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="inv_1.pdf"');
    expect(response.headers.get('x-request-id')).toBe('test-pdf');
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);

    await expect(client.post(running.url, '/internal/test/pdf', { id: 'inv_2' }, { principal: ANONYMOUS, requestId: 'test-pdf-2' })).rejects.toMatchObject({
      reason: 'HTTP_STATUS',
      status: 404,
    });
  });

  it('reports a timeout and an unreachable service without their address', async () => {
    const slow = client.post(running.url, '/internal/test/slow', {}, { principal: ANONYMOUS, requestId: 'test-slow', timeoutMs: 200 });
    await expect(slow).rejects.toBeInstanceOf(InternalCallError);
    await expect(slow).rejects.toMatchObject({ reason: 'TIMEOUT', message: 'The internal call to /internal/test/slow timed out.' });
    releaseSlow();

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = client.post(`http://127.0.0.1:${port}/graphql`, '/internal/test/slow', {}, { principal: ANONYMOUS, requestId: 'test-down' });
    await expect(unreachable).rejects.toMatchObject({ reason: 'UNREACHABLE' });
    const error = (await unreachable.catch((failure: unknown) => failure)) as InternalCallError;
    expect(error.message).toMatch(/^The internal call to \/internal\/test\/slow could not reach the service/);
    expect(error.message).not.toContain(String(port));
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('refuses to call anything but an internal route', async () => {
    await expect(client.post(running.url, '/healthz', {}, { principal: ANONYMOUS, requestId: 'test-path' })).rejects.toThrow(/not an internal route/);
  });
});

describe('the system principal', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ INTERNAL_SIGNING_SECRET: SECRET });
  });
  afterAll(() => platform.close());

  it('is refused over HTTP even when correctly signed: it exists only inside a subgraph', async () => {
    const owner = await given(platform).owner();
    const claim = client.post(platform.identity.url, '/graphql', { query: '{ viewer { organization { id } } }' }, { principal: systemPrincipal(owner.organizationId, 'intruder'), requestId: 'test-system' });
    await expect(claim).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 401 });
  });
});
