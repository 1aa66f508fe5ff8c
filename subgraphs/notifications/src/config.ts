import { booleanFlag, durationSeconds, parseConfig, platformEnvironment, port, resolveSecrets, withPlatformRules, type Environment } from '@platform/kit';
import { z } from 'zod';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url (as web-push generate-vapid-keys prints it)');

export const notificationsEnvironment = withPlatformRules(
  platformEnvironment
    .extend({
      /** Port of the notifications subgraph when run on its own; default 4003. */
      PORT: port(4003),
      HOST: z.string().default('127.0.0.1'),
      /** Where people open the web app; links in mail and push point here. */
      PUBLIC_URL: z.string().url().default('http://localhost:4000'),
      /** Identity's subgraph URL: asked who the recipients are (members by role or id, their email). */
      IDENTITY_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
      /** Billing's subgraph URL: its outbox feeds the billing notifications. */
      BILLING_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
      /** The usage subgraph's URL: its outbox feeds the quota notifications. */
      USAGE_URL: z.string().url().default('http://127.0.0.1:4004/graphql'),
      /** The VAPID key pair browsers check push messages against (`npx web-push generate-vapid-keys`). Required in production. */
      VAPID_PUBLIC_KEY: base64url.optional(),
      VAPID_PRIVATE_KEY: base64url.optional(),
      /** Who push services may contact about our pushes: mailto: or https: URL; default mailto: of MAIL_FROM's address. */
      VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://').optional(),
      /** How long a push service keeps an undelivered push; default 24 h. */
      PUSH_TTL_SECONDS: durationSeconds(24 * 60 * 60),
      /** The same for critical notifications, which go with urgency high; default 1 h. */
      PUSH_CRITICAL_TTL_SECONDS: durationSeconds(60 * 60),
      /** Accept push endpoints on loopback and private addresses (tests with a local push service only); default false. */
      PUSH_ALLOW_PRIVATE_ENDPOINTS: booleanFlag(false),
      /** The hour (UTC, 0-23) the daily email digest goes out; default 8. */
      DIGEST_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(8),
      /** How often the worker delivers pushes, wakes snoozed notifications and sends due digests; default 1000 ms. */
      NOTIFICATIONS_WORKER_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
    })
    .refine((env) => (env.VAPID_PUBLIC_KEY === undefined) === (env.VAPID_PRIVATE_KEY === undefined), {
      path: ['VAPID_PRIVATE_KEY'],
      message: 'set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together',
    })
    .refine((env) => env.NODE_ENV !== 'production' || env.VAPID_PUBLIC_KEY !== undefined, {
      path: ['VAPID_PUBLIC_KEY'],
      message: 'required in production (with VAPID_PRIVATE_KEY): browsers bind push subscriptions to this key',
    })
    .refine((env) => env.NODE_ENV !== 'production' || !env.PUSH_ALLOW_PRIVATE_ENDPOINTS, {
      path: ['PUSH_ALLOW_PRIVATE_ENDPOINTS'],
      message: 'must stay off in production: it would let anyone make the platform post to internal addresses',
    }),
);

export interface NotificationsSettings {
  internalSigningSecret: string;
  publicUrl: string;
  identityUrl: string;
  billingUrl: string;
  usageUrl: string;
  push: {
    /** Null in the embedded default: a pair is generated once and kept, encrypted, in the database. */
    vapid: { publicKey: string; privateKey: string } | null;
    subject: string;
    ttlSeconds: number;
    criticalTtlSeconds: number;
    allowPrivateEndpoints: boolean;
  };
  digestHourUtc: number;
  workerIntervalMs: number;
}

function mailtoOf(from: string): string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  return `mailto:${address.trim()}`;
}

export function notificationsSettings(env: Environment = process.env): { env: z.infer<typeof notificationsEnvironment>; settings: NotificationsSettings } {
  const parsed = parseConfig(notificationsEnvironment, env);
  const secrets = resolveSecrets(parsed);
  return {
    env: parsed,
    settings: {
      internalSigningSecret: secrets.internalSigningSecret,
      publicUrl: parsed.PUBLIC_URL.replace(/\/$/, ''),
      identityUrl: parsed.IDENTITY_URL,
      billingUrl: parsed.BILLING_URL,
      usageUrl: parsed.USAGE_URL,
      push: {
        vapid: parsed.VAPID_PUBLIC_KEY && parsed.VAPID_PRIVATE_KEY ? { publicKey: parsed.VAPID_PUBLIC_KEY, privateKey: parsed.VAPID_PRIVATE_KEY } : null,
        subject: parsed.VAPID_SUBJECT ?? mailtoOf(parsed.MAIL_FROM),
        ttlSeconds: parsed.PUSH_TTL_SECONDS,
        criticalTtlSeconds: parsed.PUSH_CRITICAL_TTL_SECONDS,
        allowPrivateEndpoints: parsed.PUSH_ALLOW_PRIVATE_ENDPOINTS,
      },
      digestHourUtc: parsed.DIGEST_HOUR_UTC,
      workerIntervalMs: parsed.NOTIFICATIONS_WORKER_INTERVAL_MS,
    },
  };
}
