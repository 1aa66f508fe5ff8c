import { withPlatformRules, durationSeconds, parseConfig, platformEnvironment, port, resolveSecrets, type Environment } from '@platform/kit';
import { z } from 'zod';

export const identityEnvironment = platformEnvironment.extend({
  /** Port of the identity subgraph when run on its own; default 4001. */
  PORT: port(4001),
  HOST: z.string().default('127.0.0.1'),
  /** Where people open the web app; invitation links point here. */
  PUBLIC_URL: z.string().url().default('http://localhost:4000'),
  ACCESS_TOKEN_TTL_SECONDS: durationSeconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: durationSeconds(30 * 24 * 60 * 60),
  INVITATION_TTL_SECONDS: durationSeconds(7 * 24 * 60 * 60),
  /** Failed log-ins allowed for one account before it is locked for a growing while. */
  LOGIN_FREE_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  /** Failed log-ins allowed from one address before it is locked for a growing while. */
  LOGIN_FREE_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  /** The first lock; each further failure doubles it, up to LOGIN_MAX_LOCK_SECONDS. */
  LOGIN_BASE_LOCK_SECONDS: durationSeconds(30),
  LOGIN_MAX_LOCK_SECONDS: durationSeconds(15 * 60),
  /** People who run the platform itself (manage the plan catalog): comma-separated emails. */
  PLATFORM_OPERATOR_EMAILS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((email) => email.trim().toLowerCase()).filter(Boolean)),
  /** scrypt cost (N), a power of two. */
  PASSWORD_HASH_COST: z.coerce.number().int().min(1024).default(16384).refine((value) => (value & (value - 1)) === 0, 'must be a power of two'),
});

export interface IdentitySettings {
  accessTokenSecret: string;
  internalSigningSecret: string;
  publicUrl: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  invitationTtlSeconds: number;
  login: { freeFailuresPerAccount: number; freeFailuresPerIp: number; baseLockSeconds: number; maxLockSeconds: number };
  passwordHashCost: number;
  /** Emails of platform operators; their tokens carry the operator flag. */
  platformOperatorEmails: string[];
}

export function identitySettings(env: Environment = process.env): { env: z.infer<typeof identityEnvironment>; settings: IdentitySettings } {
  const parsed = parseConfig(withPlatformRules(identityEnvironment), env);
  const secrets = resolveSecrets(parsed);
  return {
    env: parsed,
    settings: {
      accessTokenSecret: secrets.accessTokenSecret,
      internalSigningSecret: secrets.internalSigningSecret,
      publicUrl: parsed.PUBLIC_URL,
      accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
      invitationTtlSeconds: parsed.INVITATION_TTL_SECONDS,
      login: {
        freeFailuresPerAccount: parsed.LOGIN_FREE_FAILURES_PER_ACCOUNT,
        freeFailuresPerIp: parsed.LOGIN_FREE_FAILURES_PER_IP,
        baseLockSeconds: parsed.LOGIN_BASE_LOCK_SECONDS,
        maxLockSeconds: parsed.LOGIN_MAX_LOCK_SECONDS,
      },
      passwordHashCost: parsed.PASSWORD_HASH_COST,
      platformOperatorEmails: parsed.PLATFORM_OPERATOR_EMAILS,
    },
  };
}
