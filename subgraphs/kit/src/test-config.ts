/**
 * Which backing services a test run uses: the embedded default, or PostgreSQL and Redis when their
 * URLs are set (CI runs the suite both ways). TEST_LOG_LEVEL shows the platform's logs. Read here once
 * for every workspace's tests (`@platform/kit/test-config.ts`); nothing at run time imports it.
 */
export const backing = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
};
