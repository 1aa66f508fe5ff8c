import { createSmtpTransport, type MailTransport } from '@platform/kit';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { billingOf, CARDS } from './support/billing.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';

/** The invoice mail, with its PDF, through a real SMTP server. */
const received: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let transport: MailTransport;
let platform: TestPlatform;

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((address) => address.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  transport = createSmtpTransport({ url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, from: 'Billing <billing@platform.test>' });
  platform = await startTestPlatform({}, { mail: transport });
});
afterAll(async () => {
  await platform.close();
  await transport.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

it('mails the finalized invoice with its PDF attached to the billing contact', async () => {
  const owner = await given(platform).owner();
  const billing = billingOf(platform, owner);
  await billing.addCard(CARDS.visa);
  const created = await billing.subscribe({ priceId: await billing.priceId('enterprise') });
  expect(created.invoice.status).toBe('PAID');
  await platform.platform.billing.subgraph.flushOutbox();
  const deadline = Date.now() + 5_000;
  while (!received.some((mail) => mail.to.includes(owner.email)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  const mail = received.find((entry) => entry.to.includes(owner.email))!;
  expect(mail.raw).toContain(`Subject: Invoice ${created.invoice.number} for $2,000.00`);
  expect(mail.raw).toMatch(/Content-Type: application\/pdf; name=.?"?[A-Z0-9]+-0001\.pdf/);
  const pdfPart = mail.raw.split(/Content-Type: application\/pdf/)[1]!;
  const base64 = pdfPart.split(/\r?\n\r?\n/)[1]!.split(/\r?\n--/)[0]!.replace(/\s+/g, '');
  expect(Buffer.from(base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
});
