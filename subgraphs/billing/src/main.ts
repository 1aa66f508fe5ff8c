/** Runs the billing subgraph on its own (one container in production), with its scheduler. */
import { runStandalone } from '@platform/kit';
import { billingSettings, startBilling } from './index.ts';

await runStandalone({
  service: 'billing',
  configure: () => billingSettings(),
  start: ({ env, settings, logger, infra, mail }) =>
    startBilling({
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
