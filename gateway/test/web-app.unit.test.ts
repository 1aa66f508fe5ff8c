import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { serveWebApp, WEB_APP_CSP, webAppCsp } from '../src/web-app.ts';

let root: string;
let server: Server;
let base: string;
const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'web-app-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>App</title><script type="module" src="/assets/app-1a2b3c.js"></script>');
  writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), script);
  writeFileSync(join(root, 'manifest.webmanifest'), '{"name":"App"}');
  writeFileSync(join(root, 'sw.js'), "self.addEventListener('push', () => {});");
  writeFileSync(join(tmpdir(), 'outside-web-app.txt'), 'secret');
  const app = serveWebApp(root);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!app.handle(req, res, url)) res.writeHead(404).end('not the app');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** A raw request, so that the path reaches the server exactly as written. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web app as the gateway serves it', () => {
  it("answers the app's routes with index.html, revalidated, under a strict content security policy", async () => {
    const page = await get('/members/usr_123?tab=roles');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(webAppCsp({ stripe: false, socketHost: new URL(base).host }));
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).toContain("frame-ancestors 'none'");
    expect(WEB_APP_CSP).not.toContain('stripe');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body.toString()).toContain('<title>App</title>');
  });

  it("lets the page open the subscriptions' WebSocket on its own host, and names no host a request made up", async () => {
    const page = await get('/notifications', { host: 'App.Example.com:8443' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' ws://app.example.com:8443 wss://app.example.com:8443;");
    expect(csp).toContain("worker-src 'self'");
    const forged = await get('/notifications', { host: "evil.example; script-src 'unsafe-inline'" });
    expect(forged.headers['content-security-policy']).toBe(WEB_APP_CSP);
    expect(WEB_APP_CSP).toContain("connect-src 'self';");
  });

  it('serves the service worker from the root, as JavaScript, revalidated on every visit', async () => {
    const worker = await get('/sw.js');
    expect(worker.status).toBe(200);
    expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect(worker.body.toString()).toContain("addEventListener('push'");
  });

  it('lets Stripe.js and its card frames in only when Stripe takes the payments', () => {
    const withStripe = webAppCsp({ stripe: true });
    expect(withStripe).toContain("script-src 'self' https://js.stripe.com https://*.js.stripe.com");
    expect(withStripe).toContain("frame-src 'self' https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com");
    expect(withStripe).toContain("connect-src 'self' https://api.stripe.com");
    expect(withStripe).toContain("frame-ancestors 'none'");
  });

  it('serves hashed assets as immutable, compressed when the browser accepts it, and answers 304 to a matching ETag', async () => {
    const asset = await get('/assets/app-1a2b3c.js', { 'accept-encoding': 'gzip, br' });
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(asset.body).toString()).toBe(script);
    const again = await get('/assets/app-1a2b3c.js', { 'if-none-match': String(asset.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('gives the manifest its own content type', async () => {
    const manifest = await get('/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
  });

  it('lets a missing asset fail instead of answering with the app', async () => {
    expect((await get('/assets/app-old.js')).status).toBe(404);
  });

  it('leaves the API, the explorer, health, webhooks and downloads to the gateway', async () => {
    for (const path of ['/graphql', '/explorer', '/healthz', '/readyz', '/internal/x', '/webhooks/stripe', '/downloads', '/downloads/invoices/inv_1.pdf']) {
      expect((await get(path)).body.toString()).toBe('not the app');
    }
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/../outside-web-app.txt', '/%2e%2e/outside-web-app.txt', '/assets/..%2f..%2foutside-web-app.txt']) {
      const response = await get(path);
      expect(response.body.toString()).not.toContain('secret');
    }
  });

  it('answers HEAD without a body and leaves other methods alone', async () => {
    const head = await get('/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await get('/', {}, 'POST')).body.toString()).toBe('not the app');
  });
});
