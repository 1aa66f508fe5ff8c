import { durationSeconds, parseConfig, platformEnvironment, port, resolveSecrets, withPlatformRules, type Environment } from '@platform/kit';
import { z } from 'zod';

export const usageEnvironment = withPlatformRules(
  platformEnvironment.extend({
    /** Port of the usage subgraph when run on its own; default 4004. */
    PORT: port(4004),
    HOST: z.string().default('127.0.0.1'),
    /** Where people open the web app; report download links point here (the gateway serves /downloads/usage/). */
    PUBLIC_URL: z.string().url().default('http://localhost:4000'),
    /** Billing's subgraph URL: its /internal/entitlements says each organization's monthly quota. */
    BILLING_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
    /** Identity's subgraph URL: its outbox feeds the API key names reports show. */
    IDENTITY_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
    /** How long a usage report's CSV link works. */
    USAGE_REPORT_LINK_TTL_SECONDS: durationSeconds(5 * 60),
    /** How long an organization's quota, as billing said it, is used before asking again. */
    USAGE_QUOTA_CACHE_SECONDS: durationSeconds(60),
  }),
);

export interface UsageSettings {
  internalSigningSecret: string;
  publicUrl: string;
  billingUrl: string;
  identityUrl: string;
  reportLinkTtlSeconds: number;
  quotaCacheSeconds: number;
}

export function usageSettings(env: Environment = process.env): { env: z.infer<typeof usageEnvironment>; settings: UsageSettings } {
  const parsed = parseConfig(usageEnvironment, env);
  const secrets = resolveSecrets(parsed);
  return {
    env: parsed,
    settings: {
      internalSigningSecret: secrets.internalSigningSecret,
      publicUrl: parsed.PUBLIC_URL,
      billingUrl: parsed.BILLING_URL,
      identityUrl: parsed.IDENTITY_URL,
      reportLinkTtlSeconds: parsed.USAGE_REPORT_LINK_TTL_SECONDS,
      quotaCacheSeconds: parsed.USAGE_QUOTA_CACHE_SECONDS,
    },
  };
}
