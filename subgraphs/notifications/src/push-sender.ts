import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent } from 'node:https';
import { isIP } from 'node:net';
import webpush from 'web-push';
import { VapidKey } from './entities/index.ts';
import type { EntityManager } from '@platform/kit';
import type { SecretBox } from './secret-box.ts';

/** Where a browser's push service accepts messages for it, and the keys to encrypt them with. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What the web app's service worker receives (JSON). */
export interface PushPayload {
  id: string;
  title: string;
  body: string;
  link: string | null;
}

export type PushOutcome =
  | { ok: true }
  /** `gone`: the push service says the registration no longer exists (404, 410); drop it. */
  | { ok: false; gone: boolean; error: string };

export interface PushSender {
  readonly publicKey: string;
  send(target: PushTarget, payload: PushPayload, options: { ttlSeconds: number; urgency: 'normal' | 'high' }): Promise<PushOutcome>;
}

export interface PushSenderOptions {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: contact for the push services. */
  subject: string;
  /**
   * The TLS agent for push services (tests trust their local push service's certificate with it).
   * Default: one that refuses to connect where a host name resolves to a private address, unless
   * `allowPrivate` (PUSH_ALLOW_PRIVATE_ENDPOINTS, for a push service on the local network).
   */
  agent?: Agent;
  allowPrivate?: boolean;
  /** Longest wait for a push service's answer; default 10 s. */
  timeoutMs?: number;
}

/** Web push through the `web-push` package: payload encrypted with aes128gcm, VAPID signed. */
export function createPushSender(options: PushSenderOptions): PushSender {
  const vapidDetails = { subject: options.subject, publicKey: options.publicKey, privateKey: options.privateKey };
  const agent = options.agent ?? new Agent({ keepAlive: true, ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }) });
  return {
    publicKey: options.publicKey,
    async send(target, payload, { ttlSeconds, urgency }) {
      try {
        await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(payload), {
          vapidDetails,
          TTL: ttlSeconds,
          urgency,
          contentEncoding: 'aes128gcm',
          timeout: options.timeoutMs ?? 10_000,
          agent,
        });
        return { ok: true };
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode;
        if (typeof status === 'number') {
          return { ok: false, gone: status === 404 || status === 410, error: `The push service answered ${status}.` };
        }
        const code = (error as { code?: unknown }).code;
        // A registration whose push service lives inside our network is not a browser's: drop it.
        if (code === PRIVATE_ADDRESS) return { ok: false, gone: true, error: 'The push service resolves to a private address.' };
        const message = (error as Error).message ?? '';
        if (/timeout/i.test(message)) return { ok: false, gone: false, error: 'The push service did not answer in time.' };
        return { ok: false, gone: false, error: `The push service could not be reached${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}.` };
      }
    },
  };
}

const VAPID_KEY_ID = 'default';

/**
 * The VAPID key pair: the configured one, or (embedded default) one generated on first start and kept
 * in the database, its private key sealed, so that browsers' registrations survive restarts.
 */
export async function resolveVapidKeys(em: EntityManager, configured: { publicKey: string; privateKey: string } | null, box: SecretBox): Promise<{ publicKey: string; privateKey: string }> {
  if (configured) return configured;
  const stored = await em.findOne(VapidKey, { id: VAPID_KEY_ID });
  if (stored) {
    try {
      return { publicKey: stored.publicKey, privateKey: box.open(stored.privateKeyBox) };
    } catch {
      // Sealed under another secret: the registrations made for it cannot be reached any more either.
      await em.nativeDelete(VapidKey, { id: VAPID_KEY_ID });
    }
  }
  const generated = webpush.generateVAPIDKeys();
  try {
    await em.insert(VapidKey, { id: VAPID_KEY_ID, publicKey: generated.publicKey, privateKeyBox: box.seal(generated.privateKey), createdAt: new Date() });
    return generated;
  } catch {
    // Another process made it first: use theirs.
    const theirs = await em.fork().findOneOrFail(VapidKey, { id: VAPID_KEY_ID });
    return { publicKey: theirs.publicKey, privateKey: box.open(theirs.privateKeyBox) };
  }
}

const PRIVATE_IPV4 = [/^10\./, /^127\./, /^169\.254\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^0\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

/** Whether an IP address is loopback, private, link-local, shared or unspecified (or not an IP at all). */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  const version = isIP(host);
  if (version === 4) return PRIVATE_IPV4.some((pattern) => pattern.test(host));
  if (version === 6) return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  return true;
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  if (isIP(host)) return isPrivateAddress(host);
  return !host.includes('.');
}

const PRIVATE_ADDRESS = 'EPRIVATEADDRESS';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup for the push agent: a name that resolves to any private address is refused before a
 * connection is made, so a registered endpoint cannot point the sender into our own network, even
 * when its name only resolves there later (the check at registration sees literal hosts only).
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0 || addresses.some((entry) => isPrivateAddress(entry.address))) {
      return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: PRIVATE_ADDRESS }), []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

/** Why an endpoint is refused, or null when it is an https URL of a public push service. */
export function endpointProblem(endpoint: string, allowPrivate: boolean): string | null {
  if (endpoint.length > 2048) return 'The endpoint is longer than 2048 characters.';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'The endpoint is not a URL.';
  }
  if (url.protocol !== 'https:') return 'The endpoint must be an https URL of a push service.';
  if (url.username || url.password) return 'The endpoint must not carry credentials.';
  if (!allowPrivate && isPrivateHost(url.hostname)) return 'The endpoint must be a public push service.';
  return null;
}

/** Whether the browser's keys have the sizes web push needs: a P-256 public key and a 16-byte secret. */
export function keysProblem(p256dh: string, auth: string): string | null {
  const key = /^[A-Za-z0-9_-]+=*$/.test(p256dh) ? Buffer.from(p256dh, 'base64url') : Buffer.alloc(0);
  if (key.length !== 65 || key[0] !== 0x04) return 'p256dh must be the browser\'s P-256 public key (65 bytes, base64url).';
  const secret = /^[A-Za-z0-9_-]+=*$/.test(auth) ? Buffer.from(auth, 'base64url') : Buffer.alloc(0);
  if (secret.length !== 16) return 'auth must be the browser\'s 16-byte secret (base64url).';
  return null;
}
