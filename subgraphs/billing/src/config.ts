import { durationSeconds, parseConfig, platformEnvironment, port, resolveSecrets, withPlatformRules, type Environment } from '@platform/kit';
import { z } from 'zod';

const days = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const list = value.split(',').map((part) => Number(part.trim()));
      if (list.length === 0 || list.some((day) => !Number.isFinite(day) || day <= 0) || list.some((day, index) => index > 0 && day <= list[index - 1]!)) {
        context.addIssue({ code: 'custom', message: 'must be increasing positive day offsets, e.g. 1,3,5,7' });
        return z.NEVER;
      }
      return list;
    });

export const billingEnvironment = withPlatformRules(
  platformEnvironment
    .extend({
      /** Port of the billing subgraph when run on its own; default 4002. */
      PORT: port(4002),
      HOST: z.string().default('127.0.0.1'),
      /** Where people open the web app; links in invoice mail point here. */
      PUBLIC_URL: z.string().url().default('http://localhost:4000'),
      /** Identity's subgraph URL, asked for the number of active members (seats). */
      IDENTITY_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
      /** The usage subgraph's URL: its outbox feeds the API-points meter (`usage.recorded`). */
      USAGE_URL: z.string().url().default('http://127.0.0.1:4004/graphql'),
      /** `sandbox` (offline, Stripe test cards) or `stripe`. Default: stripe when STRIPE_SECRET_KEY is set. */
      PAYMENT_PROVIDER: z.enum(['sandbox', 'stripe']).optional(),
      STRIPE_SECRET_KEY: z.string().startsWith('sk_').optional(),
      STRIPE_PUBLISHABLE_KEY: z.string().startsWith('pk_').optional(),
      /** The signing secret of the webhook endpoint that points at /webhooks/stripe. */
      STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
      /** Another Stripe API host (a local server speaking Stripe's API, in tests): http://127.0.0.1:12111. */
      STRIPE_API_URL: z.string().url().optional(),
      /** Days after the first failed payment on which it is tried again; default 8 tries over 2 weeks. */
      DUNNING_RETRY_DAYS: days('1,3,5,7,9,11,14'),
      /** What happens to the subscription when the last retry fails. */
      DUNNING_FINAL_ACTION: z.enum(['cancel', 'unpaid', 'past_due']).default('cancel'),
      /** How long an incomplete subscription waits for its first payment; Stripe's is 23 hours. */
      INCOMPLETE_EXPIRY_SECONDS: durationSeconds(23 * 60 * 60),
      /** How often the scheduler looks for renewals, retries and expiries. */
      BILLING_SCHEDULER_INTERVAL_SECONDS: durationSeconds(60),
      /** How long an invoice PDF link works. */
      INVOICE_LINK_TTL_SECONDS: durationSeconds(5 * 60),
      /** Who issues the invoices: printed at the top of every invoice PDF. */
      INVOICE_SELLER_NAME: z.string().min(1).default('SaaS Platform Inc.'),
      /** The seller's address, lines separated by `|`. */
      INVOICE_SELLER_ADDRESS: z.string().default('1 Market Street|San Francisco, CA 94105|United States'),
      INVOICE_SELLER_EMAIL: z.string().email().default('billing@saas-platform.dev'),
    })
    .refine((env) => (env.PAYMENT_PROVIDER ?? (env.STRIPE_SECRET_KEY ? 'stripe' : 'sandbox')) !== 'stripe' || (env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET && env.STRIPE_PUBLISHABLE_KEY), {
      path: ['STRIPE_SECRET_KEY'],
      message: 'PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET',
    })
    .refine((env) => env.NODE_ENV !== 'production' || (env.PAYMENT_PROVIDER ?? (env.STRIPE_SECRET_KEY ? 'stripe' : 'sandbox')) === 'stripe' || env.PAYMENT_PROVIDER === 'sandbox', {
      path: ['PAYMENT_PROVIDER'],
      message: 'production takes real payments: set the Stripe keys, or PAYMENT_PROVIDER=sandbox explicitly',
    }),
);

export interface BillingSettings {
  internalSigningSecret: string;
  publicUrl: string;
  identityUrl: string;
  /** Where the usage subgraph answers; billing reads its counted API usage from there. */
  usageUrl: string;
  provider:
    | { kind: 'sandbox' }
    | { kind: 'stripe'; secretKey: string; publishableKey: string; webhookSecret: string; apiUrl?: string };
  dunning: { retryDays: number[]; finalAction: 'cancel' | 'unpaid' | 'past_due' };
  incompleteExpirySeconds: number;
  schedulerIntervalSeconds: number;
  invoiceLinkTtlSeconds: number;
  /** The issuer printed on invoices. */
  seller: { name: string; addressLines: string[]; email: string };
}

export function billingSettings(env: Environment = process.env): { env: z.infer<typeof billingEnvironment>; settings: BillingSettings } {
  const parsed = parseConfig(billingEnvironment, env);
  const secrets = resolveSecrets(parsed);
  const kind = parsed.PAYMENT_PROVIDER ?? (parsed.STRIPE_SECRET_KEY ? 'stripe' : 'sandbox');
  return {
    env: parsed,
    settings: {
      internalSigningSecret: secrets.internalSigningSecret,
      publicUrl: parsed.PUBLIC_URL,
      identityUrl: parsed.IDENTITY_URL,
      usageUrl: parsed.USAGE_URL,
      provider:
        kind === 'stripe'
          ? {
              kind,
              secretKey: parsed.STRIPE_SECRET_KEY!,
              publishableKey: parsed.STRIPE_PUBLISHABLE_KEY!,
              webhookSecret: parsed.STRIPE_WEBHOOK_SECRET!,
              apiUrl: parsed.STRIPE_API_URL,
            }
          : { kind },
      dunning: { retryDays: parsed.DUNNING_RETRY_DAYS, finalAction: parsed.DUNNING_FINAL_ACTION },
      incompleteExpirySeconds: parsed.INCOMPLETE_EXPIRY_SECONDS,
      schedulerIntervalSeconds: parsed.BILLING_SCHEDULER_INTERVAL_SECONDS,
      invoiceLinkTtlSeconds: parsed.INVOICE_LINK_TTL_SECONDS,
      seller: {
        name: parsed.INVOICE_SELLER_NAME,
        addressLines: parsed.INVOICE_SELLER_ADDRESS.split('|').map((line) => line.trim()).filter(Boolean),
        email: parsed.INVOICE_SELLER_EMAIL,
      },
    },
  };
}
