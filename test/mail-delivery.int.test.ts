import { identity, identitySettings, type IdentityServices } from '@platform/identity';
import {
  createInfrastructure,
  createInternalClient,
  createLogger,
  createSmtpTransport,
  MailMessage,
  startSubgraph,
  verifyAccessToken,
  type Infrastructure,
  type MailTransport,
  type RunningSubgraph,
} from '@platform/kit';
import { ANONYMOUS, ROLE_PERMISSIONS, type Principal } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtpSink, type SmtpSink } from './support/smtp.ts';
import { backing } from './support/test-env.ts';
import { documents, uniqueEmail } from './support/seed.ts';

/**
 * The relay's SMTP transport behind a real subgraph: mail a mutation queues reaches a real SMTP
 * server after commit, and a server that never answers slows no request down.
 */
const SECRET = randomBytes(32).toString('base64url');
const ACCESS_SECRET = randomBytes(32).toString('base64url');
const client = createInternalClient({ secret: SECRET });
const logger = createLogger({ service: 'test', level: backing.logLevel });

interface Identity {
  running: RunningSubgraph<IdentityServices>;
  graphql<Data>(query: string, variables: Record<string, unknown>, principal?: Principal): Promise<Data>;
  /** Signs up a new owner and returns the principal the gateway would make from their token. */
  owner(): Promise<Principal>;
  close(): Promise<void>;
}

async function startIdentity(mail: MailTransport): Promise<Identity> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mail-delivery-'));
  const infra: Infrastructure = await createInfrastructure({ logger });
  const env = { NODE_ENV: 'test', DATA_DIR: dataDir, INTERNAL_SIGNING_SECRET: SECRET, ACCESS_TOKEN_SECRET: ACCESS_SECRET, PASSWORD_HASH_COST: '1024' };
  const running = await startSubgraph(identity, {
    deps: { settings: identitySettings(env).settings },
    logger,
    infra,
    signingSecret: SECRET,
    database: { inMemory: true },
    relayIntervalMs: 20,
    mail,
  });
  const graphql = async <Data>(query: string, variables: Record<string, unknown>, principal: Principal = ANONYMOUS) => {
    const result = await client.post<{ data?: Data; errors?: unknown[] }>(running.url, '/graphql', { query, variables }, { principal, requestId: `test-${randomBytes(4).toString('hex')}` });
    if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  return {
    running,
    graphql,
    async owner() {
      const email = uniqueEmail('owner');
      const data = await graphql<{ userSignUp: { session: { accessToken: string } } }>(documents.signUp, {
        input: { email, password: 'correct horse battery', name: 'Owner Person', organizationName: 'Mail Org' },
      });
      const claims = (await verifyAccessToken(ACCESS_SECRET, data.userSignUp.session.accessToken))!;
      return { kind: 'user', userId: claims.userId, organizationId: claims.organizationId, role: claims.role, permissions: ROLE_PERMISSIONS[claims.role], sessionId: claims.sessionId };
    },
    async close() {
      await running.close();
      await infra.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const mailTo = (running: RunningSubgraph<IdentityServices>, email: string) => running.db.em.fork().find(MailMessage, { to: email }, { orderBy: { id: 'asc' } });

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an invitation mailed over SMTP', () => {
  let smtp: SmtpSink;
  let received: SmtpSink['received'];
  let transport: MailTransport;
  let subject: Identity;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    received = smtp.received;
    transport = createSmtpTransport({ url: smtp.url, from: 'Platform <no-reply@platform.test>' });
    subject = await startIdentity(transport);
  });
  afterAll(async () => {
    await subject.close();
    await transport.close();
    await smtp.close();
  });

  it('reaches the SMTP server after the mutation commits, and the row records the delivery', async () => {
    const owner = await subject.owner();
    const email = uniqueEmail('invitee');
    await subject.graphql(documents.invite, { input: { email, role: 'MEMBER' } }, owner);
    await subject.running.flushOutbox();
    const message = received.find((entry) => entry.to.includes(email));
    expect(message).toBeDefined();
    expect(message!.raw).toMatch(/invitations\/accept\?token=/);
    const [mail] = await mailTo(subject.running, email);
    expect(mail).toMatchObject({ attempts: 1, lastError: null, kind: 'invitation' });
    expect(mail!.sentAt).toBeInstanceOf(Date);
  });
});

describe('a mail server that accepts connections and never greets', () => {
  const sockets: Socket[] = [];
  const hanging = createServer((socket) => sockets.push(socket));
  let transport: MailTransport;
  let subject: Identity;
  beforeAll(async () => {
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    transport = createSmtpTransport({ url: `smtp://127.0.0.1:${(hanging.address() as AddressInfo).port}`, from: 'no-reply@platform.test', greetingTimeoutMs: 4000 });
    subject = await startIdentity(transport);
  });
  afterAll(async () => {
    await subject.close();
    await transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('does not hold up the mutation, and the mail stays pending with one attempt', async () => {
    const owner = await subject.owner();
    const email = uniqueEmail('invitee');
    await subject.graphql(documents.invite, { input: { email, role: 'MEMBER' } }, owner);
    // Committed and answered before any delivery was tried.
    expect((await mailTo(subject.running, email))[0]).toMatchObject({ sentAt: null });
    await waitFor(() => sockets.length > 0, 2000);
    // While the relay still waits for a greeting, another mutation completes as usual.
    await subject.graphql(documents.invite, { input: { email: uniqueEmail('second'), role: 'MEMBER' } }, owner);
    expect((await mailTo(subject.running, email))[0]).toMatchObject({ attempts: 0, sentAt: null });

    await waitFor(async () => (await mailTo(subject.running, email))[0]?.attempts === 1, 10_000);
    const [mail] = await mailTo(subject.running, email);
    expect(mail).toMatchObject({ attempts: 1, sentAt: null, failedAt: null });
    expect(mail!.lastError).toMatch(/^ETIMEDOUT/);
    expect(mail!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
  });
});
