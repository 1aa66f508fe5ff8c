import { parseConfig, type Environment } from '@platform/kit';
import { gatewaySettings } from '@platform/gateway';
import { billingSettings } from '@platform/billing';
import { identitySettings } from '@platform/identity';
import { notificationsSettings } from '@platform/notifications';
import { usageSettings } from '@platform/usage';
import { z } from 'zod';

const demoEnvironment = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Seed the demo organization at start; default on except in production. */
  DEMO_SEED: z.enum(['true', 'false', '1', '0']).optional(),
  DEMO_ORGANIZATION_NAME: z.string().default('Demo Company'),
  DEMO_OWNER_EMAIL: z.string().email().default('owner@demo.test'),
  DEMO_OWNER_PASSWORD: z.string().min(10).default('demo-password'),
  DEMO_OWNER_NAME: z.string().default('Olivia Owner'),
  /** `registry`: subgraphs listen on their registered ports (4001, ...); `ephemeral`: on any free port. */
  SUBGRAPH_PORTS: z.enum(['registry', 'ephemeral']).default('registry'),
});

/** Everything `npm start` needs, parsed once from the environment, every problem reported at once. */
export function platformSettings(env: Environment = process.env) {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      problems.push(...((error as { problems?: string[] }).problems ?? [String(error)]));
      return undefined;
    }
  };
  const demo = attempt(() => parseConfig(demoEnvironment, env));
  const seed = demo && (demo.DEMO_SEED === undefined ? demo.NODE_ENV !== 'production' : demo.DEMO_SEED === 'true' || demo.DEMO_SEED === '1');
  // The subgraphs listen on the registry's ports in the embedded default; PORT and HOST are the gateway's.
  // With the demo seeded, its owner also runs the platform (the plan catalog) unless operators are named.
  const subgraphEnv = {
    ...env,
    PORT: undefined,
    HOST: undefined,
    PLATFORM_OPERATOR_EMAILS: env.PLATFORM_OPERATOR_EMAILS ?? (seed ? demo?.DEMO_OWNER_EMAIL : undefined),
    // Links in mail and invoice downloads point at the gateway npm start runs, whatever its port.
    PUBLIC_URL: env.PUBLIC_URL || (env.PORT && env.PORT !== '0' ? `http://localhost:${env.PORT}` : undefined),
  };
  const gateway = attempt(() => gatewaySettings(env));
  const identity = attempt(() => identitySettings(subgraphEnv));
  const billing = attempt(() => billingSettings(subgraphEnv));
  const notifications = attempt(() => notificationsSettings(subgraphEnv));
  const usage = attempt(() => usageSettings(subgraphEnv));
  if (problems.length > 0 || !gateway || !identity || !billing || !notifications || !usage || !demo) {
    throw Object.assign(new Error(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`), { problems });
  }
  return { gateway, identity, billing, notifications, usage, demo: { ...demo, seed: Boolean(seed) } };
}
