import { backing } from '../src/test-config.ts';
import { ANONYMOUS } from '@platform/schema';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { pino } from 'pino';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { createRequestContext } from '../src/context.ts';
import { KIT_ENTITIES, MailMessage, OutboxEvent, type MailAttachment } from '../src/db/entities.ts';
import { openDatabase, type Database } from '../src/db/orm.ts';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.ts';
import { createInfrastructure, type Infrastructure } from '../src/infra.ts';
import { createLogger } from '../src/logger.ts';
import { createSmtpTransport, type MailTransport } from '../src/mail.ts';
import { EVENTS_CHANNEL, MAIL_MAX_ATTEMPTS, startOutboxRelay, type DomainEvent } from '../src/relay.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const USER = 'mailer';
const PASSWORD = 'pa:ss/w0rd-' + randomBytes(4).toString('hex');

interface Received {
  from: string;
  to: string[];
  user: unknown;
  raw: string;
}

/** A real SMTP server on a free port; it refuses recipients while `refuse` is set. */
class TestSmtpServer {
  readonly received: Received[] = [];
  refuse = false;
  rcptCommands = 0;
  readonly server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo: (_address, _session, callback) => {
      this.rcptCommands += 1;
      if (!this.refuse) return callback();
      callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    },
    onData: (stream, session: SMTPServerSession, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        this.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((address) => address.address),
          user: session.user,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  url(password = PASSWORD): string {
    return `smtp://${USER}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface MimePart {
  headers: Map<string, string>;
  body: Buffer;
}

function mimeHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function mimeParam(value: string | undefined, name: string): string | undefined {
  return new RegExp(`${name}="?([^";]+)"?`, 'i').exec(value ?? '')?.[1];
}

/** The leaf parts of a MIME message, decoded: enough to check what nodemailer put on the wire. */
function mimeLeaves(raw: string): MimePart[] {
  const split = raw.indexOf('\r\n\r\n');
  const headers = mimeHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const type = headers.get('content-type') ?? 'text/plain';
  if (type.toLowerCase().startsWith('multipart/')) {
    const boundary = mimeParam(type, 'boundary')!;
    return body
      .split(`--${boundary}`)
      .slice(1, -1)
      .flatMap((section) => mimeLeaves(section.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return [{ headers, body: Buffer.from(body.replace(/\s+/g, ''), 'base64') }];
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return [{ headers, body: Buffer.from(bytes, 'latin1') }];
  }
  return [{ headers, body: Buffer.from(body, 'utf8') }];
}

/** Something that looks like a PDF, with bytes of every value, so any re-encoding shows. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(3000), Buffer.from('\n%%EOF\n')]);
const ATTACHMENT: MailAttachment = { filename: 'invoice-2026-0001.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') };

// SQLite in memory, or PostgreSQL when the run has DATABASE_URL (CI runs both).
const databaseUrl = backing.databaseUrl;
let scratch: ScratchDatabase | undefined;
let db: Database;
let infra: Infrastructure;
beforeEach(async () => {
  scratch = databaseUrl ? await createScratchDatabase(databaseUrl, 'mail') : undefined;
  db = await openDatabase({ name: 'mail', entities: KIT_ENTITIES, migrations: { sqlite: [], postgresql: [] }, databaseUrl: scratch?.url, inMemory: true, logger });
  await db.migrate();
  await db.orm.schema.create();
  infra = await createInfrastructure({ logger });
});
afterEach(async () => {
  await db.close();
  await infra.close();
  await scratch?.drop();
});

/** Commits a mail (and an event) the way a mutation does; returns how long the commit took. */
async function commitMail(mail: { to: string; subject: string; text: string; html?: string; attachments?: MailAttachment[] }): Promise<number> {
  const started = performance.now();
  const context = createRequestContext({ requestId: 'req-test', principal: ANONYMOUS, clientIp: null, userAgent: null, em: db.em.fork(), log: logger, infra });
  await context.em.begin();
  context.sendMail({ ...mail, kind: 'test' }, null);
  context.emit('test.happened', { to: mail.to }, null);
  await context.em.commit();
  return performance.now() - started;
}

const rows = () => db.em.fork().find(MailMessage, {}, { orderBy: { id: 'asc' } });

describe('mail over SMTP', () => {
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  beforeEach(async () => {
    smtp = await new TestSmtpServer().start();
    transport = createSmtpTransport({ url: smtp.url(), from: 'Acme Billing <billing@acme.test>' });
  });
  afterEach(async () => {
    await transport.close();
    await smtp.close();
  });

  it('delivers subject, text, html and a PDF attachment intact, authenticated with the URL credentials', async () => {
    await commitMail({
      to: 'customer@example.test',
      subject: 'Your invoice 2026-0001',
      text: 'Hello,\nyour invoice is attached. Total: 49.00 EUR – thank you.',
      html: '<p>Hello,</p><p>your invoice is attached. Total: <b>49.00&nbsp;EUR</b> – thank you.</p>',
      attachments: [ATTACHMENT],
    });
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, mail: transport });
    await relay.flush();
    await relay.stop();

    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message!.user).toBe(USER);
    expect(message!.from).toBe('billing@acme.test');
    expect(message!.to).toEqual(['customer@example.test']);
    const headers = mimeHeaders(message!.raw.slice(0, message!.raw.indexOf('\r\n\r\n')));
    expect(headers.get('subject')).toBe('Your invoice 2026-0001');
    expect(headers.get('from')).toBe('Acme Billing <billing@acme.test>');
    const [mail] = await rows();
    expect(headers.get('message-id')).toBe(`<${mail!.id}@acme.test>`);

    const parts = mimeLeaves(message!.raw);
    const text = parts.find((part) => part.headers.get('content-type')?.startsWith('text/plain'));
    const html = parts.find((part) => part.headers.get('content-type')?.startsWith('text/html'));
    const pdf = parts.find((part) => part.headers.get('content-type')?.startsWith('application/pdf'));
    expect(text!.body.toString('utf8').replace(/\r\n/g, '\n')).toBe('Hello,\nyour invoice is attached. Total: 49.00 EUR – thank you.');
    expect(html!.body.toString('utf8')).toBe('<p>Hello,</p><p>your invoice is attached. Total: <b>49.00&nbsp;EUR</b> – thank you.</p>');
    expect(mimeParam(pdf!.headers.get('content-disposition'), 'filename')).toBe('invoice-2026-0001.pdf');
    expect(pdf!.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(pdf!.body.equals(PDF)).toBe(true);

    expect(mail).toMatchObject({ attempts: 1, lastError: null, nextAttemptAt: null, failedAt: null });
    expect(mail!.sentAt).toBeInstanceOf(Date);
    expect(mail!.attachments).toEqual([ATTACHMENT]);
  });

  it('keeps a refused mail and retries it later with a growing delay, until it is accepted', async () => {
    smtp.refuse = true;
    await commitMail({ to: 'nobody@example.test', subject: 'Refused', text: 'body' });
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, mail: transport });
    const before = Date.now();
    await relay.flush();

    let [mail] = await rows();
    expect(smtp.received).toHaveLength(0);
    expect(mail!.sentAt).toBeNull();
    expect(mail!.attempts).toBe(1);
    expect(mail!.lastError).toMatch(/^EENVELOPE \(550\): .*Mailbox unavailable/);
    expect(mail!.lastError).not.toContain(PASSWORD);
    expect(mail!.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 29_000);
    expect(mail!.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 31_000);

    // Not due yet: nothing is tried.
    await relay.flush();
    expect(smtp.rcptCommands).toBe(1);

    // The delay passes, the server still refuses: the second wait is longer.
    await db.em.fork().nativeUpdate(MailMessage, { id: mail!.id }, { nextAttemptAt: new Date(Date.now() - 1000) });
    await relay.flush();
    [mail] = await rows();
    expect(mail!.attempts).toBe(2);
    expect(mail!.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(100_000);

    smtp.refuse = false;
    await db.em.fork().nativeUpdate(MailMessage, { id: mail!.id }, { nextAttemptAt: new Date(Date.now() - 1000) });
    await relay.flush();
    await relay.stop();
    [mail] = await rows();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['nobody@example.test']);
    expect(mail).toMatchObject({ attempts: 3, lastError: null, nextAttemptAt: null });
    expect(mail!.sentAt).toBeInstanceOf(Date);
  });

  it('records a refused login without the password and retries', async () => {
    const wrongPassword = 'not-the-password-' + randomBytes(4).toString('hex');
    const wrong = createSmtpTransport({ url: smtp.url(wrongPassword), from: 'no-reply@acme.test' });
    await commitMail({ to: 'someone@example.test', subject: 'Login', text: 'body' });
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, mail: wrong });
    await relay.flush();
    await relay.stop();
    await wrong.close();
    const [mail] = await rows();
    expect(mail).toMatchObject({ attempts: 1, sentAt: null, failedAt: null });
    expect(mail!.lastError).toMatch(/^EAUTH/);
    expect(mail!.lastError).not.toContain(wrongPassword);
    expect(mail!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(smtp.received).toHaveLength(0);
  });

  it(`gives a mail up after ${MAIL_MAX_ATTEMPTS} attempts and leaves it alone afterwards`, async () => {
    smtp.refuse = true;
    await commitMail({ to: 'gone@example.test', subject: 'Last try', text: 'body' });
    const [queued] = await rows();
    await db.em.fork().nativeUpdate(MailMessage, { id: queued!.id }, { attempts: MAIL_MAX_ATTEMPTS - 1 });
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, mail: transport });
    await relay.flush();
    const [mail] = await rows();
    expect(mail).toMatchObject({ attempts: MAIL_MAX_ATTEMPTS, sentAt: null, nextAttemptAt: null });
    expect(mail!.failedAt).toBeInstanceOf(Date);
    smtp.refuse = false;
    await relay.flush();
    await relay.stop();
    expect(smtp.rcptCommands).toBe(1);
    expect(smtp.received).toHaveLength(0);
  });

  it('sends a mail once when two relays (two replicas) see it at the same time', async () => {
    await commitMail({ to: 'once@example.test', subject: 'Once', text: 'body' });
    const first = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, mail: transport });
    const second = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, mail: transport });
    await Promise.all([first.flush(), second.flush()]);
    await Promise.all([first.stop(), second.stop()]);
    expect(smtp.received).toHaveLength(1);
    expect((await rows())[0]!.attempts).toBe(1);
  });
});

describe('a mail server that never answers', () => {
  let hanging: NetServer;
  let sockets: Socket[];
  let url: string;
  beforeEach(async () => {
    sockets = [];
    hanging = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    url = `smtp://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('blocks neither the request that queued the mail nor the events behind it, and the mail stays pending', async () => {
    const transport = createSmtpTransport({ url, from: 'no-reply@acme.test', greetingTimeoutMs: 4000 });
    const published: DomainEvent[] = [];
    await infra.pubsub.subscribe(EVENTS_CHANNEL, (message) => published.push(JSON.parse(message) as DomainEvent));
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 20, mail: transport });

    await commitMail({ to: 'first@example.test', subject: 'Stuck', text: 'body' });
    // The relay is now waiting for a greeting that never comes.
    await waitFor(() => sockets.length === 1, 2000);
    await commitMail({ to: 'second@example.test', subject: 'Also stuck', text: 'body' });
    await waitFor(() => published.some((event) => event.payload.to === 'second@example.test'), 3000);
    // The second commit and its event went through while the first mail was still waiting to be sent.
    let [first] = await rows();
    expect(first).toMatchObject({ attempts: 0, sentAt: null });

    await waitFor(async () => (await rows()).every((mail) => mail.attempts === 1), 12_000);
    await relay.stop();
    await transport.close();
    [first] = await rows();
    expect(first).toMatchObject({ attempts: 1, sentAt: null, failedAt: null });
    expect(first!.lastError).toMatch(/^ETIMEDOUT: Greeting never received/);
    expect(first!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
  });
});

describe('the outbox transport (embedded default)', () => {
  it('marks mail delivered and logs who and what, never the body', async () => {
    const lines: string[] = [];
    const capture = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    await commitMail({ to: 'reader@example.test', subject: 'Your link', text: 'secret link https://x.test/?token=abc', html: '<a>token=abc</a>', attachments: [ATTACHMENT] });
    const relay = startOutboxRelay({ source: 'test', db, infra, logger: capture, intervalMs: 60_000 });
    await relay.flush();
    await relay.stop();
    const [mail] = await rows();
    expect(mail).toMatchObject({ attempts: 1, lastError: null });
    expect(mail!.sentAt).toBeInstanceOf(Date);
    const line = lines.find((entry) => entry.includes('mail delivered to the local outbox'));
    expect(JSON.parse(line!)).toMatchObject({ mailId: mail!.id, to: 'reader@example.test', subject: 'Your link', kind: 'test', attachments: 1 });
    expect(lines.join('\n')).not.toContain('token=abc');
  });
});

describe('queuing mail', () => {
  it('refuses attachments a transport could not send as given', async () => {
    const context = createRequestContext({ requestId: 'req-test', principal: ANONYMOUS, clientIp: null, userAgent: null, em: db.em.fork(), log: logger, infra });
    const send = (attachment: Partial<MailAttachment>) => () =>
      context.sendMail({ to: 'a@example.test', subject: 's', text: 't', kind: 'test', attachments: [{ ...ATTACHMENT, ...attachment }] });
    expect(send({ filename: '../etc/passwd' })).toThrow(/plain file name/);
    expect(send({ contentType: 'pdf' })).toThrow(/content type/);
    expect(send({ contentBase64: 'not base64!' })).toThrow(/not valid base64/);
    expect(send({ contentBase64: Buffer.alloc(11 * 1024 * 1024).toString('base64') })).toThrow(/exceed/);
    expect(send({})).not.toThrow();
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('pruning published events', () => {
  it('deletes published events past their retention and keeps the recent and the unpublished ones', async () => {
    const relay = startOutboxRelay({ source: 'test', db, infra, logger, intervalMs: 60_000, eventRetentionMs: 24 * 60 * 60_000 });
    try {
      const em = db.em.fork();
      const day = 24 * 60 * 60_000;
      const now = new Date();
      const event = (id: string, ageMs: number, published: boolean) =>
        em.create(OutboxEvent, {
          id,
          type: 'test.happened',
          organizationId: null,
          payload: {},
          requestId: null,
          occurredAt: new Date(now.getTime() - ageMs),
          publishedAt: published ? new Date(now.getTime() - ageMs + 1_000) : null,
        });
      em.persist([event('evt_old_published', 2 * day, true), event('evt_old_unpublished', 2 * day, false), event('evt_recent_published', day / 2, true)]);
      await em.flush();

      expect(await relay.pruneEvents(now)).toBe(1);
      const left = (await db.em.fork().find(OutboxEvent, {}, { orderBy: { id: 'asc' } })).map((row) => row.id);
      expect(left).toEqual(['evt_old_unpublished', 'evt_recent_published']);
      expect(await relay.pruneEvents(now)).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});
