/** Runs the billing subgraph on its own (one container in production), with its scheduler. */
import { createInfrastructure, createLogger, createMailTransport, mailSettings, ConfigError } from '@platform/kit';
import { billingSettings, startBilling } from './index.ts';

try {
  const { env, settings } = billingSettings();
  const logger = createLogger({ service: 'billing', level: env.LOG_LEVEL });
  const infra = await createInfrastructure({ redisUrl: env.REDIS_URL, logger });
  const mail = createMailTransport(mailSettings(env));
  const running = await startBilling({
    settings,
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
