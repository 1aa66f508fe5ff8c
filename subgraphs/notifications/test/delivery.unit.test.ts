import { mailRetryDelayMs, type MailMessage } from '@platform/kit';
import { createECDH } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import webpush from 'web-push';
import { createPushSender, endpointProblem, isPrivateAddress, keysProblem } from '../src/push-sender.ts';
import { createSecretBox } from '../src/secret-box.ts';
import { mailOutcome, publicMailError } from '../src/services/deliveries.ts';
import { pushRetryDelayMs } from '../src/services/push.ts';
import { notificationsSettings } from '../src/config.ts';

const mail = (fields: Partial<MailMessage>) => ({ attempts: 0, sentAt: null, failedAt: null, nextAttemptAt: null, lastError: null, ...fields }) as MailMessage;

describe('an email delivery', () => {
  const now = new Date('2031-03-10T08:00:00Z');

  it('shows its mail\'s real outcome', () => {
    expect(mailOutcome(mail({}), now)).toEqual({ status: 'pending', attempts: 0, lastAttemptAt: null, deliveredAt: null, lastError: null });
    const failedAt = new Date(now.getTime() - 5_000);
    const retry = mail({ attempts: 1, lastError: 'EENVELOPE (550): Mailbox unavailable at smtp.internal:25', nextAttemptAt: new Date(failedAt.getTime() + mailRetryDelayMs(1)) });
    expect(mailOutcome(retry, now)).toEqual({ status: 'pending', attempts: 1, lastAttemptAt: failedAt, deliveredAt: null, lastError: 'The mail server refused the message (550).' });
    const sentAt = new Date(now.getTime() - 1000);
    expect(mailOutcome(mail({ attempts: 2, sentAt, lastError: null }), now)).toMatchObject({ status: 'sent', deliveredAt: sentAt, lastAttemptAt: sentAt });
    expect(mailOutcome(mail({ attempts: 10, failedAt: now, lastError: 'ETIMEDOUT: Greeting never received' }), now)).toMatchObject({ status: 'failed', lastError: 'The mail server did not answer in time.' });
  });

  it('names no server in its error', () => {
    expect(publicMailError('ECONNECTION: connect ECONNREFUSED 10.0.0.5:587')).toBe('The mail server could not be reached.');
    expect(publicMailError('EAUTH (535): Invalid login: user [redacted]')).toBe("The mail server refused the platform's credentials.");
    expect(publicMailError('EMAILBOX: the local mailbox did not take the mail (UNREACHABLE)')).toBe('The mail server did not take the message.');
    expect(publicMailError(null)).toBeNull();
  });
});

describe('push', () => {
  it('accepts only https endpoints of public push services', () => {
    expect(endpointProblem('https://fcm.googleapis.com/fcm/send/abc', false)).toBeNull();
    expect(endpointProblem('https://updates.push.services.mozilla.com/wpush/v2/x', false)).toBeNull();
    for (const endpoint of ['https://127.0.0.1/x', 'https://localhost:4001/internal/x', 'https://10.1.2.3/x', 'https://192.168.0.1/x', 'https://[::1]/x', 'https://metadata/x', 'https://169.254.169.254/latest']) {
      expect(endpointProblem(endpoint, false)).toBe('The endpoint must be a public push service.');
    }
    expect(endpointProblem('https://127.0.0.1/x', true)).toBeNull();
    expect(endpointProblem('http://push.example/x', false)).toMatch(/https/);
    expect(endpointProblem('https://user:pass@push.example/x', false)).toMatch(/credentials/);
    expect(endpointProblem('not a url', false)).toMatch(/not a URL/);
  });

  it('never connects to a push service whose name resolves to a private address', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const keys = webpush.generateVAPIDKeys();
    const target = {
      // A name, not a literal address: registration lets names through; the sender resolves them.
      endpoint: `https://localhost:${port}/push/abc`,
      p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
      auth: Buffer.alloc(16, 2).toString('base64url'),
    };
    const payload = { id: 'ntf_x', title: 't', body: 'b', link: null };
    try {
      const guarded = createPushSender({ ...keys, subject: 'mailto:ops@example.test', timeoutMs: 2_000 });
      await expect(guarded.send(target, payload, { ttlSeconds: 60, urgency: 'normal' })).resolves.toEqual({
        ok: false,
        gone: true,
        error: 'The push service resolves to a private address.',
      });
      expect(connections).toBe(0);
      // Allowed (PUSH_ALLOW_PRIVATE_ENDPOINTS), the same send does connect: the refusal above was the guard's.
      const allowed = createPushSender({ ...keys, subject: 'mailto:ops@example.test', timeoutMs: 2_000, allowPrivate: true });
      await expect(allowed.send(target, payload, { ttlSeconds: 60, urgency: 'normal' })).resolves.toMatchObject({ ok: false, gone: false });
      expect(connections).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('tells private addresses from public ones', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isPrivateAddress(address)).toBe(true);
    }
    for (const address of ['142.250.74.78', '2a00:1450:4001:82b::200a', '172.32.0.1']) expect(isPrivateAddress(address)).toBe(false);
  });

  it('checks the browser\'s key sizes', () => {
    const p256dh = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
    const auth = Buffer.alloc(16, 2).toString('base64url');
    expect(keysProblem(p256dh, auth)).toBeNull();
    expect(keysProblem(Buffer.alloc(65, 1).toString('base64url'), auth)).toMatch(/p256dh/);
    expect(keysProblem(p256dh, Buffer.alloc(8).toString('base64url'))).toMatch(/auth/);
  });

  it('waits longer after each failed attempt', () => {
    expect([1, 2, 3, 4, 9].map(pushRetryDelayMs)).toEqual([30_000, 120_000, 600_000, 3_600_000, 3_600_000]);
  });
});

describe('secrets at rest', () => {
  it('open only with the key they were sealed with', () => {
    const box = createSecretBox('a'.repeat(40), 'push-subscriptions');
    const sealed = box.seal('{"endpoint":"https://push.example/secret"}');
    expect(sealed).not.toContain('push.example');
    expect(box.open(sealed)).toBe('{"endpoint":"https://push.example/secret"}');
    expect(box.seal('same')).not.toBe(box.seal('same'));
    expect(() => createSecretBox('b'.repeat(40), 'push-subscriptions').open(sealed)).toThrow();
    expect(() => createSecretBox('a'.repeat(40), 'vapid-private-key').open(sealed)).toThrow();
  });
});

describe('notifications configuration', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/notifications-config-test', INTERNAL_SIGNING_SECRET: 'x'.repeat(40), ACCESS_TOKEN_SECRET: 'y'.repeat(40) };
  const problemsOf = (env: Record<string, string>) => {
    try {
      notificationsSettings(env);
      return [];
    } catch (error) {
      return (error as { problems?: string[] }).problems ?? [String(error)];
    }
  };

  it('generates VAPID keys in the embedded default, with 24 h TTL, digest at 08:00 UTC and the sender as contact', () => {
    const { settings } = notificationsSettings({ ...base, MAIL_FROM: 'Acme <ops@acme.example>' });
    expect(settings.push).toEqual({ vapid: null, subject: 'mailto:ops@acme.example', ttlSeconds: 86_400, criticalTtlSeconds: 3600, allowPrivateEndpoints: false });
    expect(settings.digestHourUtc).toBe(8);
  });

  it('needs both VAPID keys together, and them in production', () => {
    expect(problemsOf({ ...base, VAPID_PUBLIC_KEY: 'abc' }).join('\n')).toContain('VAPID_PRIVATE_KEY');
    const production = { ...base, NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(problemsOf(production).join('\n')).toContain('VAPID_PUBLIC_KEY');
    expect(problemsOf({ ...production, VAPID_PUBLIC_KEY: 'pub', VAPID_PRIVATE_KEY: 'priv', PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true' }).join('\n')).toContain('PUSH_ALLOW_PRIVATE_ENDPOINTS');
    expect(notificationsSettings({ ...production, VAPID_PUBLIC_KEY: 'pub', VAPID_PRIVATE_KEY: 'priv' }).settings.push.vapid).toEqual({ publicKey: 'pub', privateKey: 'priv' });
    expect(problemsOf({ ...base, DIGEST_HOUR_UTC: '24' }).join('\n')).toContain('DIGEST_HOUR_UTC');
  });
});
