/** Runs the identity subgraph on its own (one container in production). */
import { createInfrastructure, createLogger, createMailTransport, mailSettings, ConfigError, startSubgraph } from '@platform/kit';
import { identity, identitySettings } from './index.ts';

try {
  const { env, settings } = identitySettings();
  const logger = createLogger({ service: 'identity', level: env.LOG_LEVEL });
  const infra = await createInfrastructure({ redisUrl: env.REDIS_URL, logger });
  const mail = createMailTransport(mailSettings(env));
  const running = await startSubgraph(identity, {
    deps: { settings },
    logger,
    infra,
    signingSecret: settings.internalSigningSecret,
    database: { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR },
    host: env.HOST,
    port: env.PORT,
    mail,
  });
  const stop = async () => {
    logger.info('shutting down');
    await running.close();
    await mail.close();
    await infra.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
