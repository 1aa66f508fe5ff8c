/**
 * Which backing services this run uses: the embedded default, or PostgreSQL and Redis when their
 * URLs are set (CI runs the suite both ways). TEST_LOG_LEVEL shows the platform's logs.
 */
export const backing = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
};

/** The environment of this test run, passed on to the processes the e2e tests spawn. */
export const inheritedEnvironment: Readonly<Record<string, string | undefined>> = { ...process.env };
