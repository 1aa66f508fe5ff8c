/** Runs the usage subgraph on its own (one container in production). */
import { runStandalone } from '@platform/kit';
import { startUsage, usageSettings } from './index.ts';

await runStandalone({
  service: 'usage',
  configure: () => usageSettings(),
  start: ({ env, settings, logger, infra, mail }) =>
    startUsage({
      settings,
      logger,
      infra,
      mail,
      signingSecret: settings.internalSigningSecret,
      database: { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR },
      host: env.HOST,
      port: env.PORT,
    }),
});
