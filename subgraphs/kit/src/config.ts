import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Thrown when the environment does not describe a valid configuration; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type Environment = Record<string, string | undefined>;

/** Treat an empty string as unset, so `FOO=` in a .env file means "use the default". */
function withoutEmpty(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

/** Parses `env` with `schema`, reporting every problem (not just the first). */
export function parseConfig<Schema extends z.ZodType>(schema: Schema, env: Environment): z.infer<Schema> {
  const result = schema.safeParse(withoutEmpty(env));
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

export const nodeEnv = z.enum(['development', 'production', 'test']).default('development');
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');
export const durationSeconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Settings every process of the platform shares. */
export const platformEnvironment = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the embedded default keeps its SQLite files and development secrets. */
  DATA_DIR: z.string().default('./data'),
  /** PostgreSQL connection string; when set, every subgraph uses its own schema in this database. */
  DATABASE_URL: z.string().url().startsWith('postgres').optional(),
  /** Redis connection string; when set, revocations, pub/sub and counters are shared through Redis. */
  REDIS_URL: z.string().url().startsWith('redis').optional(),
  /** Signs the principal the gateway passes to subgraphs (HMAC-SHA256). Required in production. */
  INTERNAL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Signs access tokens (HS256). Required in production. */
  ACCESS_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How mail leaves: `smtp` (SMTP_URL), or `outbox` (kept in mail_message and logged). Default smtp when SMTP_URL is set. */
  MAIL_TRANSPORT: z.enum(['outbox', 'smtp']).optional(),
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://user:password@host:465; user and password URL-encoded. */
  SMTP_URL: z
    .string()
    .url('must be a URL such as smtp://user:password@mail.example.com:587')
    .refine((value) => /^smtps?:\/\//i.test(value), 'must start with smtp:// or smtps://')
    .optional(),
  /** The sender of every mail: an address, or `Name <address>`. */
  MAIL_FROM: z
    .string()
    .regex(/^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an address or "Name <address>"')
    .default('SaaS Platform <no-reply@localhost>'),
});

/**
 * Rules across variables, for any schema built from platformEnvironment (apply it last: zod cannot
 * extend a refined object).
 */
export function withPlatformRules<Schema extends z.ZodType<{ NODE_ENV: string; REDIS_URL?: string; MAIL_TRANSPORT?: string; SMTP_URL?: string }>>(
  schema: Schema,
): Schema {
  return schema
    .refine((env) => env.NODE_ENV !== 'production' || env.REDIS_URL !== undefined, {
      path: ['REDIS_URL'],
      message: 'required in production: revocations and events must reach every process',
    })
    .refine((env) => env.MAIL_TRANSPORT !== 'smtp' || env.SMTP_URL !== undefined, {
      path: ['SMTP_URL'],
      message: 'required when MAIL_TRANSPORT=smtp',
    }) as Schema;
}

export type PlatformEnvironment = z.infer<typeof platformEnvironment>;

export interface Secrets {
  internalSigningSecret: string;
  accessTokenSecret: string;
}

/**
 * Secrets from the environment; in development and tests, missing ones are generated once and kept in
 * DATA_DIR so that every process of one installation agrees on them. Production must set them.
 */
export function resolveSecrets(env: PlatformEnvironment): Secrets {
  const missing: string[] = [];
  if (!env.INTERNAL_SIGNING_SECRET) missing.push('INTERNAL_SIGNING_SECRET');
  if (!env.ACCESS_TOKEN_SECRET) missing.push('ACCESS_TOKEN_SECRET');
  if (missing.length === 0) {
    return { internalSigningSecret: env.INTERNAL_SIGNING_SECRET!, accessTokenSecret: env.ACCESS_TOKEN_SECRET! };
  }
  if (env.NODE_ENV === 'production') {
    throw new ConfigError(missing.map((name) => `${name}: required in production`));
  }
  const file = join(resolve(env.DATA_DIR), 'dev-secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  } catch {
    // first start: nothing stored yet
  }
  const secrets: Secrets = {
    internalSigningSecret: env.INTERNAL_SIGNING_SECRET ?? stored.internalSigningSecret ?? randomBytes(32).toString('base64url'),
    accessTokenSecret: env.ACCESS_TOKEN_SECRET ?? stored.accessTokenSecret ?? randomBytes(32).toString('base64url'),
  };
  if (stored.internalSigningSecret !== secrets.internalSigningSecret || stored.accessTokenSecret !== secrets.accessTokenSecret) {
    mkdirSync(resolve(env.DATA_DIR), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
