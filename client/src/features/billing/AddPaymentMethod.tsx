import { lazy, Suspense, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BillingCustomerFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import type { BillingProvider, PaymentMethod } from './billing.ts';
import { SandboxCardForm } from './SandboxCardForm.tsx';
import { usePaymentMethodSetup } from './usePaymentMethodSetup.ts';

// Stripe.js and its React bindings load only when the platform runs on Stripe: sandbox users never download them.
const StripeCardForm = lazy(() => import('./StripeCardForm.tsx'));

interface AddPaymentMethodProps {
  provider: BillingProvider;
  customer: BillingCustomerFieldsFragment;
  /** Whether to offer "make it the default"; the first card always becomes the default. */
  askDefault: boolean;
  onAdded(method: PaymentMethod): void;
  onCancel(): void;
}

/** Adding a card through the provider's form: Stripe Elements with Stripe, the test-card form with the sandbox. */
export function AddPaymentMethod({ provider, customer, askDefault, onAdded, onCancel }: AddPaymentMethodProps) {
  const { t } = useTranslation();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [makeDefault, setMakeDefault] = useState(true);
  const setup = usePaymentMethodSetup(makeDefault || !askDefault);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const defaultChoice: ReactNode = askDefault ? (
    <div className="checkbox">
      <input type="checkbox" id={`${id}-default`} checked={makeDefault} onChange={(event) => setMakeDefault(event.target.checked)} />
      <label htmlFor={`${id}-default`}>{t('billing:card.makeDefault')}</label>
    </div>
  ) : null;

  let form;
  if (provider.kind === 'SANDBOX') {
    form = <SandboxCardForm testCards={provider.testCards} setup={setup} defaultChoice={defaultChoice} onAdded={onAdded} onCancel={onCancel} />;
  } else if (provider.publishableKey) {
    form = (
      <Suspense fallback={<Loading label={t('billing:card.loadingStripe')} />}>
        <StripeCardForm publishableKey={provider.publishableKey} customer={customer} setup={setup} defaultChoice={defaultChoice} onAdded={onAdded} onCancel={onCancel} />
      </Suspense>
    );
  } else {
    form = (
      <Alert action={<Button variant="secondary" onClick={onCancel}>{t('common:close')}</Button>}>{t('billing:card.notConfigured')}</Alert>
    );
  }

  return (
    <section className="billing-add-method" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('billing:card.title')}
      </h3>
      {form}
    </section>
  );
}
