/**
 * Adding a card with Stripe Elements. Loaded lazily (see AddPaymentMethod): this module pulls in
 * Stripe.js, which only platforms running on Stripe need. The card details go from Stripe's iframe
 * straight to Stripe; the platform sees the setup intent and, afterwards, the payment method id.
 */
import { CardElement, Elements, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe, type Stripe, type StripeElementLocale } from '@stripe/stripe-js';
import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BillingCustomerFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { billingErrorsText, type PaymentMethod } from './billing.ts';
import type { PaymentMethodSetup } from './usePaymentMethodSetup.ts';

interface StripeCardFormProps {
  publishableKey: string;
  customer: BillingCustomerFieldsFragment;
  setup: PaymentMethodSetup;
  /** "Make it the default", when there is a choice; shown just above the buttons. */
  defaultChoice?: ReactNode;
  onAdded(method: PaymentMethod): void;
  onCancel(): void;
}

// One Stripe.js instance per key for the life of the page, as Stripe asks: opening the form again reuses it.
const instances = new Map<string, Promise<Stripe | null>>();
function stripeFor(publishableKey: string): Promise<Stripe | null> {
  let instance = instances.get(publishableKey);
  if (!instance) {
    instance = loadStripe(publishableKey);
    instances.set(publishableKey, instance);
  }
  return instance;
}

const STRIPE_LOCALES: readonly string[] = ['en', 'de'];

export default function StripeCardForm(props: StripeCardFormProps) {
  const { i18n } = useTranslation();
  const locale = (STRIPE_LOCALES.includes(i18n.language) ? i18n.language : 'auto') as StripeElementLocale;
  return (
    <Elements stripe={stripeFor(props.publishableKey)} options={{ locale }}>
      <StripeCard {...props} />
    </Elements>
  );
}

/** The iframe cannot read the page's CSS: hand it the current colours and font, light or dark. */
function elementStyle() {
  const css = getComputedStyle(document.documentElement);
  const value = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    base: { color: value('--text', '#1b1f24'), fontFamily: value('--font', 'system-ui, sans-serif'), fontSize: '16px', '::placeholder': { color: value('--muted', '#4b5563') } },
    invalid: { color: value('--danger', '#b42318') },
  };
}

function StripeCard({ customer, setup, defaultChoice, onAdded, onCancel }: StripeCardFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const stripe = useStripe();
  const elements = useElements();
  const [busy, setBusy] = useState(false);
  const [ready, setReady] = useState(false);
  const [cardError, setCardError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const options = useMemo(() => ({ style: elementStyle() }), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const card = elements?.getElement(CardElement);
    if (!stripe || !card || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const started = await setup.start();
      if (!started.ok) {
        setProblem(billingErrorsText(started.errors, t));
        return;
      }
      const result = await stripe.confirmCardSetup(started.clientSecret, {
        payment_method: { card, billing_details: { email: customer.email ?? undefined, name: customer.name ?? undefined } },
      });
      if (result.error) {
        // Stripe's message is written for the cardholder, in the locale the Elements were opened with.
        setProblem(result.error.message ?? t('billing:card.stripeFailed'));
        card.focus();
        return;
      }
      const completed = await setup.complete(result.setupIntent.id);
      if (!completed.ok) {
        setProblem(billingErrorsText(completed.errors, t));
        return;
      }
      onAdded(completed.method);
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="billing-card-form">
      {problem && <Alert>{problem}</Alert>}
      <div className={`field${cardError ? ' field--invalid' : ''}`}>
        <span className="billing-card-form__label" id={`${id}-label`}>
          {t('billing:card.details')}
        </span>
        <div className="billing-stripe-card" role="group" aria-labelledby={`${id}-label`} aria-describedby={`${id}-hint${cardError ? ` ${id}-error` : ''}`}>
          <CardElement
            options={options}
            onReady={() => setReady(true)}
            onChange={(change) => setCardError(change.error?.message ?? null)}
          />
        </div>
        {cardError && (
          <p className="field__error" id={`${id}-error`}>
            {cardError}
          </p>
        )}
        <p className="field__hint" id={`${id}-hint`}>
          {t('billing:card.stripeHint')}
        </p>
      </div>
      {!ready && <p className="muted" role="status">{t('billing:card.loadingStripe')}</p>}
      {defaultChoice}
      <div className="actions">
        <Button type="submit" busy={busy} disabled={!stripe || !ready}>
          {t('billing:card.save')}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          {t('common:cancel')}
        </Button>
      </div>
    </form>
  );
}
