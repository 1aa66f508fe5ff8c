import { billingSettings } from '../src/config.ts';

const secrets = { INTERNAL_SIGNING_SECRET: 'x'.repeat(40), ACCESS_TOKEN_SECRET: 'y'.repeat(40) };
const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/billing-config-test', ...secrets };
const stripeKeys = { STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_PUBLISHABLE_KEY: 'pk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    billingSettings(env);
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
}

describe('billing configuration', () => {
  it('takes payments through the sandbox by default, with 8 tries over two weeks, then cancels', () => {
    const { settings } = billingSettings(base);
    expect(settings.provider).toEqual({ kind: 'sandbox' });
    expect(settings.dunning).toEqual({ retryDays: [1, 3, 5, 7, 9, 11, 14], finalAction: 'cancel' });
    expect(settings.incompleteExpirySeconds).toBe(23 * 60 * 60);
    expect(settings.seller.addressLines).toEqual(['1 Market Street', 'San Francisco, CA 94105', 'United States']);
  });

  it('switches to Stripe when its secret key is set, and then needs all three keys', () => {
    expect(billingSettings({ ...base, ...stripeKeys, STRIPE_API_URL: 'http://127.0.0.1:12111' }).settings.provider).toEqual({
      kind: 'stripe',
      secretKey: 'sk_test_1',
      publishableKey: 'pk_test_1',
      webhookSecret: 'whsec_1',
      apiUrl: 'http://127.0.0.1:12111',
    });
    expect(problemsOf({ ...base, STRIPE_SECRET_KEY: 'sk_test_1' }).join('\n')).toContain('STRIPE_SECRET_KEY');
  });

  it('refuses to take no real payments in production unless told so', () => {
    const production = { ...base, NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(problemsOf(production).join('\n')).toContain('PAYMENT_PROVIDER');
    expect(billingSettings({ ...production, PAYMENT_PROVIDER: 'sandbox' }).settings.provider.kind).toBe('sandbox');
    expect(billingSettings({ ...production, ...stripeKeys }).settings.provider.kind).toBe('stripe');
  });

  it('refuses a retry schedule that is not increasing positive days', () => {
    expect(problemsOf({ ...base, DUNNING_RETRY_DAYS: '3,1' }).join('\n')).toContain('DUNNING_RETRY_DAYS');
    expect(problemsOf({ ...base, DUNNING_RETRY_DAYS: '0,2' }).join('\n')).toContain('DUNNING_RETRY_DAYS');
    expect(billingSettings({ ...base, DUNNING_RETRY_DAYS: '2, 4 ,8', INVOICE_SELLER_ADDRESS: 'Main St 1 | 10115 Berlin' }).settings).toMatchObject({
      dunning: { retryDays: [2, 4, 8] },
      seller: { addressLines: ['Main St 1', '10115 Berlin'] },
    });
  });
});
