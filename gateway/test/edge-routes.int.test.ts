import { createInfrastructure, createLogger, verifyRequest, ENVELOPE_HEADER, SIGNATURE_HEADER, type Infrastructure } from '@platform/kit';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewaySettings } from '../src/config.ts';
import { createGateway, type RunningGateway } from '../src/gateway.ts';

/** What the stand-in billing subgraph saw of one request. */
interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const SECRET = randomBytes(32).toString('base64url');
const logger = createLogger({ service: 'test', level: 'silent' });
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(50_000), Buffer.from('\n%%EOF\n')]);

let billing: Server;
let seen: Seen[];
let answer: (request: Seen, response: ServerResponse) => void;
let gateway: RunningGateway;
let infra: Infrastructure;
let base: string;
let dataDir: string;

beforeAll(async () => {
  billing = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => billing.listen(0, '127.0.0.1', () => resolve()));
  const billingUrl = `http://127.0.0.1:${(billing.address() as AddressInfo).port}/graphql`;
  dataDir = mkdtempSync(join(tmpdir(), 'gateway-edge-'));
  const { settings } = gatewaySettings({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    INTERNAL_SIGNING_SECRET: SECRET,
    ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    BILLING_URL: billingUrl,
    CORS_ORIGINS: 'http://app.example.test',
    WEB_APP_DIR: '',
    SUBGRAPH_TIMEOUT_MS: '1000',
  });
  infra = await createInfrastructure({ logger });
  gateway = await (await createGateway({ settings, infra, logger })).listen(0, '127.0.0.1');
  base = gateway.url.replace('localhost', '127.0.0.1');
});
afterAll(async () => {
  await gateway.close();
  await infra.close();
  await new Promise<void>((resolve) => billing.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
  answer = (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ received: true }));
  };
});

/** The envelope the gateway signed, checked the way a subgraph checks it. */
function verified(request: Seen) {
  const result = verifyRequest(SECRET, request.headers[ENVELOPE_HEADER] as string, request.headers[SIGNATURE_HEADER] as string, request.body);
  if (!result.ok) throw new Error(`the gateway's signature does not verify: ${result.reason}`);
  return result.envelope;
}

describe('POST /webhooks/stripe', () => {
  // Odd spacing, a non-ASCII character and a byte that is not UTF-8 at all: all must arrive as sent.
  const event = Buffer.concat([Buffer.from('{\n  "id": "evt_1",  "type": "invoice.paid", "name": "Jürgen"'), Buffer.from([0xff, 0xfe]), Buffer.from(' }\r\n')]);
  const post = (body: Buffer | string, headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': 't=1,v1=abc' }) =>
    fetch(`${base}/webhooks/stripe`, { method: 'POST', headers, body });

  it('passes the exact bytes and the Stripe-Signature header to billing, signed as an anonymous request', async () => {
    const response = await post(event, { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': 't=1700000000,v1=5257a869e7', origin: 'http://app.example.test', 'x-request-id': 'stripe-delivery-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request!.path).toBe('/internal/webhooks/stripe');
    expect(request!.body.equals(event)).toBe(true);
    expect(request!.headers['stripe-signature']).toBe('t=1700000000,v1=5257a869e7');
    expect(request!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(verified(request!)).toMatchObject({ principal: { kind: 'anonymous' }, requestId: 'stripe-delivery-1' });
    // Not a browser endpoint: no CORS, even for an allowed origin.
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("relays billing's status and small JSON answer, so Stripe retries what billing refused", async () => {
    answer = (_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'The Stripe signature does not match.' }));
    };
    const response = await post(event);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'The Stripe signature does not match.' });

    answer = (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' });
      response.end('<html>stack trace at /srv/billing</html>');
    };
    const failed = await post(event);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ received: false });
  });

  it('refuses a request without the Stripe-Signature header, a GET and a body over 1 MiB, without calling billing', async () => {
    const unsigned = await post(event, { 'content-type': 'application/json' });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/Stripe-Signature/);
    expect((await fetch(`${base}/webhooks/stripe`)).status).toBe(405);
    const huge = await post(Buffer.alloc(1024 * 1024 + 1, 0x20));
    expect(huge.status).toBe(413);
    expect(seen).toHaveLength(0);
  });

  it('answers 503 when billing cannot be reached, without naming its address', async () => {
    answer = (_request, response) => response.socket?.destroy();
    const response = await post(event);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/127\.0\.0\.1|internal/);
  });
});

describe('GET /downloads/invoices/<id>.pdf', () => {
  it('asks billing with the link, and streams its PDF back byte for byte, never cached', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="invoice-2026-0001.pdf"' });
      response.end(PDF);
    };
    const response = await fetch(`${base}/downloads/invoices/inv_01abc.pdf?expires=1900000000&signature=sig-_123`, { headers: { origin: 'http://app.example.test', 'user-agent': 'test-browser' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="invoice-2026-0001.pdf"');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);

    const [request] = seen;
    expect(request!.path).toBe('/internal/invoices/pdf');
    expect(JSON.parse(request!.body.toString())).toEqual({ invoiceId: 'inv_01abc', expires: '1900000000', signature: 'sig-_123' });
    expect(verified(request!)).toMatchObject({ principal: { kind: 'anonymous' }, userAgent: 'test-browser' });
  });

  it("passes billing's refusal of an expired or forged link through", async () => {
    answer = (_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'This link has expired.' }));
    };
    const response = await fetch(`${base}/downloads/invoices/inv_01abc.pdf?expires=1&signature=x`);
    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(await response.json()).toEqual({ error: 'This link has expired.' });
  });

  it('refuses incomplete links and other paths without calling billing', async () => {
    expect((await fetch(`${base}/downloads/invoices/inv_01abc.pdf?expires=1`)).status).toBe(400);
    expect((await fetch(`${base}/downloads/invoices/../secrets.pdf?expires=1&signature=x`)).status).toBe(404);
    expect((await fetch(`${base}/downloads/invoices/inv_01abc.txt?expires=1&signature=x`)).status).toBe(404);
    expect((await fetch(`${base}/downloads/invoices/inv_01abc.pdf?expires=1&signature=x`, { method: 'POST' })).status).toBe(405);
    expect(seen).toHaveLength(0);
  });
});
