import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig, platformEnvironment, resolveSecrets, withPlatformRules } from '../src/config.ts';
import { mailSettings } from '../src/mail.ts';

describe('configuration', () => {
  it('reports every problem at once', () => {
    try {
      parseConfig(platformEnvironment, { NODE_ENV: 'staging', DATABASE_URL: 'mysql://x', INTERNAL_SIGNING_SECRET: 'short' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/NODE_ENV/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/INTERNAL_SIGNING_SECRET: must be at least 32 characters/);
    }
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig(platformEnvironment, { DATA_DIR: '', LOG_LEVEL: '' })).toMatchObject({ DATA_DIR: './data', LOG_LEVEL: 'info' });
  });

  it('requires the secrets in production', () => {
    const env = parseConfig(platformEnvironment, { NODE_ENV: 'production' });
    expect(() => resolveSecrets(env)).toThrow(/INTERNAL_SIGNING_SECRET: required in production[\s\S]*ACCESS_TOKEN_SECRET: required in production/);
  });

  it('makes development secrets once and keeps them for every process of the installation', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    const env = parseConfig(platformEnvironment, { DATA_DIR: dataDir });
    const first = resolveSecrets(env);
    expect(first.internalSigningSecret.length).toBeGreaterThanOrEqual(32);
    expect(resolveSecrets(env)).toEqual(first);
    expect(JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8'))).toEqual(first);
  });
});

describe('production', () => {
  it('requires Redis, so that revocations reach every process', async () => {
    const { withPlatformRules } = await import('../src/config.ts');
    expect(() => parseConfig(withPlatformRules(platformEnvironment), { NODE_ENV: 'production' })).toThrow(/REDIS_URL: required in production/);
    expect(parseConfig(withPlatformRules(platformEnvironment), { NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toBeDefined();
  });
});

describe('mail configuration', () => {
  const parse = (env: Record<string, string>) => parseConfig(withPlatformRules(platformEnvironment), env);

  it('keeps mail in the outbox unless SMTP is configured, and uses SMTP once SMTP_URL is set', () => {
    expect(mailSettings(parse({}))).toEqual({ transport: 'outbox' });
    expect(mailSettings(parse({ SMTP_URL: 'smtps://user:pass@mail.example.com:465' }))).toEqual({
      transport: 'smtp',
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      from: 'SaaS Platform <no-reply@localhost>',
    });
    expect(mailSettings(parse({ SMTP_URL: 'smtp://mail.example.com', MAIL_TRANSPORT: 'outbox' }))).toEqual({ transport: 'outbox' });
    expect(mailSettings(parse({ SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'Acme <billing@acme.test>' }))).toMatchObject({ from: 'Acme <billing@acme.test>' });
  });

  it('requires SMTP_URL for MAIL_TRANSPORT=smtp and refuses other schemes and senders, without echoing the URL', () => {
    expect(() => parse({ MAIL_TRANSPORT: 'smtp' })).toThrow(/SMTP_URL: required when MAIL_TRANSPORT=smtp/);
    try {
      parse({ SMTP_URL: 'https://user:hunter2hunter2@mail.example.com', MAIL_FROM: 'not an address' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/SMTP_URL: must start with smtp:\/\/ or smtps:\/\//);
      expect(problems).toMatch(/MAIL_FROM: must be an address/);
      expect(problems).not.toContain('hunter2');
    }
  });
});
