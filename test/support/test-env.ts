/** Which backing services this run uses (PostgreSQL and Redis, or the embedded default). */
export { backing } from '@platform/kit/test-config.ts';

/** The environment of this test run, passed on to the processes the e2e tests spawn. */
export const inheritedEnvironment: Readonly<Record<string, string | undefined>> = { ...process.env };
