/**
 * Serves the built web app (client/dist): hashed assets cached for a year, every other file
 * revalidated, and unknown paths answered with index.html so the app's router can take them.
 * Files are read once and kept compressed in memory; the app is a few hundred kilobytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.map']);

/** The app's own origin for everything; no inline script or style, no framing. */
export const WEB_APP_CSP = webAppCsp({ stripe: false });

/**
 * The CSP of the app's pages. With Stripe as the payment provider, Stripe.js and its card frames
 * are allowed from Stripe's own origins, as Stripe documents; nothing else is. `socketHost` (the
 * host the page was loaded from) adds ws: and wss: on that host for the subscriptions' WebSocket:
 * CSP 3 counts them as 'self', but older browsers do not. The service worker (/sw.js) is 'self'.
 */
export function webAppCsp(options: { stripe: boolean; socketHost?: string | null }): string {
  const stripe = (...sources: string[]) => (options.stripe ? ` ${sources.join(' ')}` : '');
  const sockets = options.socketHost ? ` ws://${options.socketHost} wss://${options.socketHost}` : '';
  return [
    "default-src 'self'",
    `script-src 'self'${stripe('https://js.stripe.com', 'https://*.js.stripe.com')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}${stripe('https://api.stripe.com')}`,
    `frame-src 'self'${stripe('https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com')}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

interface CachedFile {
  body: Buffer;
  brotli?: Buffer;
  gzip?: Buffer;
  etag: string;
  contentType: string;
  mtimeMs: number;
}

export interface WebApp {
  /** Answers GET and HEAD for the app's files and routes; false for anything else. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): boolean;
}

/** A Host header that is a plain host name or address with an optional port, lower-cased; null for anything else. */
export function plainHost(host: string | undefined): string | null {
  return host && /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host) ? host.toLowerCase() : null;
}

/** Paths the app never owns: they fall through to the gateway's 404 instead of index.html. */
const NOT_APP = /^\/(graphql|explorer|healthz|readyz|internal|webhooks|downloads)(\/|$)/;

/** The app in `root`; until a build puts index.html there, every request falls through. */
export function serveWebApp(root: string, options: { stripe?: boolean } = {}): WebApp {
  const stripe = options.stripe ?? false;
  const cache = new Map<string, CachedFile>();

  function load(path: string): CachedFile | null {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return null;
    }
    if (!stats.isFile()) return null;
    const cached = cache.get(path);
    // A rebuilt app replaces its files; the modification time tells.
    if (cached && cached.mtimeMs === stats.mtimeMs) return cached;
    const body = readFileSync(path);
    const extension = extname(path);
    const file: CachedFile = {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
      mtimeMs: stats.mtimeMs,
    };
    if (COMPRESSIBLE.has(extension) && body.length > 1024) {
      file.brotli = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } });
      file.gzip = gzipSync(body, { level: 9 });
    }
    cache.set(path, file);
    return file;
  }

  function send(request: IncomingMessage, response: ServerResponse, file: CachedFile, cacheControl: string, html: boolean): void {
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'cache-control': cacheControl,
      etag: file.etag,
      vary: 'accept-encoding',
      ...SECURITY_HEADERS,
    };
    if (html) headers['content-security-policy'] = webAppCsp({ stripe, socketHost: plainHost(request.headers.host) });
    if (request.headers['if-none-match'] === file.etag) {
      response.writeHead(304, headers).end();
      return;
    }
    const accepted = String(request.headers['accept-encoding'] ?? '');
    let body = file.body;
    if (file.brotli && /\bbr\b/.test(accepted)) {
      body = file.brotli;
      headers['content-encoding'] = 'br';
    } else if (file.gzip && /\bgzip\b/.test(accepted)) {
      body = file.gzip;
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  return {
    handle(request, response, url) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      if (NOT_APP.test(url.pathname)) return false;
      let decoded: string;
      try {
        decoded = decodeURIComponent(url.pathname);
      } catch {
        return false;
      }
      const path = normalize(join(root, decoded));
      if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
      const file = decoded.endsWith('/') ? null : load(path);
      if (file) {
        const immutable = decoded.startsWith('/assets/');
        send(request, response, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache', extname(path) === '.html');
        return true;
      }
      // A missing asset is a 404, not the app: a stale page asking for an old chunk must see the failure.
      if (extname(decoded) !== '') return false;
      const index = load(join(root, 'index.html'));
      if (!index) return false;
      send(request, response, index, 'no-cache', true);
      return true;
    },
  };
}
