import { useMutation } from '@apollo/client/react';
import { useMemo } from 'react';
import { PaymentMethodSetupCompleteDocument, PaymentMethodSetupStartDocument } from '../../graphql/__generated__/operations.ts';
import type { UserErrorLike } from '../../graphql/errors.ts';
import type { PaymentMethod } from './billing.ts';

export type SetupStarted = { ok: true; setupIntentId: string; clientSecret: string } | { ok: false; errors: readonly UserErrorLike[] };
export type SetupCompleted = { ok: true; method: PaymentMethod } | { ok: false; errors: readonly UserErrorLike[] };

/** The two platform steps around the provider's own card form: a setup intent before it, recording the card after it. */
export interface PaymentMethodSetup {
  start(): Promise<SetupStarted>;
  complete(setupIntentId: string): Promise<SetupCompleted>;
}

const NO_ANSWER: UserErrorLike = { field: null, message: '', code: 'NO_ANSWER' };

/**
 * A new setup intent for every attempt, so a declined card never leaves a half-used intent behind.
 * The client secret stays out of the cache.
 */
export function usePaymentMethodSetup(makeDefault: boolean): PaymentMethodSetup {
  const [startSetup] = useMutation(PaymentMethodSetupStartDocument, { fetchPolicy: 'no-cache' });
  const [completeSetup] = useMutation(PaymentMethodSetupCompleteDocument);
  return useMemo(
    () => ({
      async start() {
        const { data } = await startSetup({ variables: { input: { makeDefault } } });
        const payload = data?.paymentMethodSetupStart;
        if (!payload) return { ok: false, errors: [NO_ANSWER] };
        if (payload.userErrors.length > 0 || !payload.setupIntentId || !payload.clientSecret) {
          return { ok: false, errors: payload.userErrors.length > 0 ? payload.userErrors : [NO_ANSWER] };
        }
        return { ok: true, setupIntentId: payload.setupIntentId, clientSecret: payload.clientSecret };
      },
      async complete(setupIntentId: string) {
        const { data } = await completeSetup({ variables: { input: { setupIntentId } } });
        const payload = data?.paymentMethodSetupComplete;
        if (!payload) return { ok: false, errors: [NO_ANSWER] };
        if (payload.userErrors.length > 0 || !payload.paymentMethod) return { ok: false, errors: payload.userErrors.length > 0 ? payload.userErrors : [NO_ANSWER] };
        return { ok: true, method: payload.paymentMethod };
      },
    }),
    [completeSetup, makeDefault, startSetup],
  );
}
