import { createSmtpTransport, type MailTransport } from '@platform/kit';
import { billingOf, CARDS } from './support/billing.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given } from './support/seed.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp.ts';

/** The invoice mail, with its PDF, through a real SMTP server. */
let smtp: SmtpSink;
let transport: MailTransport;
let platform: TestPlatform;

beforeAll(async () => {
  smtp = await startSmtpSink();
  transport = createSmtpTransport({ url: smtp.url, from: 'Billing <billing@platform.test>' });
  platform = await startTestPlatform({}, { mail: transport });
});
afterAll(async () => {
  await platform.close();
  await transport.close();
  await smtp.close();
});

it('mails the finalized invoice with its PDF attached to the billing contact', async () => {
  const owner = await given(platform).owner();
  const billing = billingOf(platform, owner);
  await billing.addCard(CARDS.visa);
  const created = await billing.subscribe({ priceId: await billing.priceId('enterprise') });
  expect(created.invoice.status).toBe('PAID');
  await platform.platform.billing.subgraph.flushOutbox();
  const mail = await smtp.waitFor(owner.email);
  expect(mail.raw).toContain(`Subject: Invoice ${created.invoice.number} for $2,000.00`);
  expect(mail.raw).toMatch(/Content-Type: application\/pdf; name=.?"?[A-Z0-9]+-0001\.pdf/);
  const pdfPart = mail.raw.split(/Content-Type: application\/pdf/)[1]!;
  const base64 = pdfPart.split(/\r?\n\r?\n/)[1]!.split(/\r?\n--/)[0]!.replace(/\s+/g, '');
  expect(Buffer.from(base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
});
