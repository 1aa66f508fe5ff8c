import { ConfigError, type PlatformEnvironment } from './config.ts';
import { createInfrastructure, type Infrastructure } from './infra.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMailTransport, mailSettings, type MailTransport } from './mail.ts';

export interface StandaloneRuntime<Env, Settings> {
  env: Env;
  settings: Settings;
  logger: Logger;
  infra: Infrastructure;
  mail: MailTransport;
}

/**
 * Runs one service of the platform in a process of its own (one container in production): parses its
 * configuration (printing every problem and exiting 1 when it is wrong), makes the logger, the shared
 * infrastructure and the mail transport, starts the service, and on SIGTERM or SIGINT closes it all
 * and exits 0.
 */
export async function runStandalone<Env extends PlatformEnvironment, Settings, Running extends { close(): Promise<void> }>(options: {
  service: string;
  configure: () => { env: Env; settings: Settings };
  start: (runtime: StandaloneRuntime<Env, Settings>) => Promise<Running>;
}): Promise<void> {
  try {
    const { env, settings } = options.configure();
    const logger = createLogger({ service: options.service, level: env.LOG_LEVEL });
    const infra = await createInfrastructure({ redisUrl: env.REDIS_URL, logger });
    const mail = createMailTransport(mailSettings(env));
    const running = await options.start({ env, settings, logger, infra, mail });
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
}
