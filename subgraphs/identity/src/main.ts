/** Runs the identity subgraph on its own (one container in production). */
import { runStandalone, startSubgraph } from '@platform/kit';
import { identity, identitySettings } from './index.ts';

await runStandalone({
  service: 'identity',
  configure: () => identitySettings(),
  start: ({ env, settings, logger, infra, mail }) =>
    startSubgraph(identity, {
      deps: { settings },
      logger,
      infra,
      mail,
      signingSecret: settings.internalSigningSecret,
      database: { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR },
      host: env.HOST,
      port: env.PORT,
    }),
});
