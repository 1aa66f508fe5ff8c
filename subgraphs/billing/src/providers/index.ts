import type { Database } from '@platform/kit';
import type { BillingSettings } from '../config.ts';
import { SandboxProvider, type SandboxProviderOptions } from './sandbox.ts';
import { StripeProvider } from './stripe.ts';

export * from './provider.ts';
export { openSandboxDatabase, SANDBOX_DATABASE_NAME, SandboxProvider } from './sandbox.ts';
export type { SandboxProviderOptions, SandboxSetupConfirmInput, SandboxSetupConfirmResult, SandboxSetupErrorCode } from './sandbox.ts';
export { StripeProvider } from './stripe.ts';
export type { StripeProviderOptions } from './stripe.ts';

/**
 * The payment provider the settings choose. The sandbox needs its own database, the one
 * `openSandboxDatabase()` opens (not billing's); Stripe needs none.
 */
export function createPaymentProvider(
  settings: BillingSettings['provider'],
  sandboxDb?: Pick<Database, 'em'>,
  options: SandboxProviderOptions = {},
): SandboxProvider | StripeProvider {
  if (settings.kind === 'stripe') {
    return new StripeProvider({ secretKey: settings.secretKey, publishableKey: settings.publishableKey, webhookSecret: settings.webhookSecret, apiUrl: settings.apiUrl });
  }
  if (!sandboxDb) throw new Error('The sandbox payment provider needs its database: pass the one openSandboxDatabase() opened.');
  return new SandboxProvider(sandboxDb.em, options);
}
