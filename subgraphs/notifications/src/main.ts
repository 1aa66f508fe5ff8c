/** Runs the notifications subgraph on its own (one container in production), with its worker and event consumers. */
import { runStandalone } from '@platform/kit';
import { notificationsSettings, startNotifications } from './index.ts';

await runStandalone({
  service: 'notifications',
  configure: () => notificationsSettings(),
  start: ({ env, settings, logger, infra, mail }) =>
    startNotifications({
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
