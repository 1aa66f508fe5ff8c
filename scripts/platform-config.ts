import { parseConfig, type Environment } from '@platform/kit';
import { gatewaySettings } from '@platform/gateway';
import { identitySettings } from '@platform/identity';
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
  // The subgraphs listen on the registry's ports in the embedded default; PORT and HOST are the gateway's.
  const subgraphEnv = { ...env, PORT: undefined, HOST: undefined };
  const gateway = attempt(() => gatewaySettings(env));
  const identity = attempt(() => identitySettings(subgraphEnv));
  const demo = attempt(() => parseConfig(demoEnvironment, env));
  if (problems.length > 0 || !gateway || !identity || !demo) {
    throw Object.assign(new Error(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`), { problems });
  }
  const seed = demo.DEMO_SEED === undefined ? demo.NODE_ENV !== 'production' : demo.DEMO_SEED === 'true' || demo.DEMO_SEED === '1';
  return { gateway, identity, demo: { ...demo, seed } };
}
