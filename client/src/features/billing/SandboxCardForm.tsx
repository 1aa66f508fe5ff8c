import { useMutation } from '@apollo/client/react';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useForm } from '../../forms/useForm.ts';
import { SandboxSetupIntentConfirmDocument } from '../../graphql/__generated__/operations.ts';
import type { UserErrorLike } from '../../graphql/errors.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { billingErrorText, groupDigits, luhnValid, parseExpiry, type BillingProvider, type PaymentMethod } from './billing.ts';
import type { PaymentMethodSetup } from './usePaymentMethodSetup.ts';

interface SandboxCardFormProps {
  testCards: BillingProvider['testCards'];
  setup: PaymentMethodSetup;
  /** "Make it the default", when there is a choice; shown just above the buttons. */
  defaultChoice?: ReactNode;
  onAdded(method: PaymentMethod): void;
  onCancel(): void;
}

/** A test expiry a few years ahead, so filling in a test card is one click. */
function testExpiry(now = new Date()): string {
  return `12/${String((now.getUTCFullYear() + 3) % 100).padStart(2, '0')}`;
}

/** The sandbox's stand-in for Stripe Elements: it takes the sandbox's published test cards only, and says so. */
export function SandboxCardForm({ testCards, setup, defaultChoice, onAdded, onCancel }: SandboxCardFormProps) {
  const { t } = useTranslation();
  const id = useId();
  // The card number is in the variables: keep the answer out of the cache, where the field's arguments would be kept.
  const [confirmCard] = useMutation(SandboxSetupIntentConfirmDocument, { fetchPolicy: 'no-cache' });

  /** The server's errors in the reader's language, on the form's own fields (one expiry field for month and year). */
  function placed(errors: readonly UserErrorLike[]): UserErrorLike[] {
    return errors.map((error) => {
      const last = error.field?.at(-1);
      const field = last === 'expMonth' || last === 'expYear' ? ['expiry'] : last === 'cardNumber' || last === 'cvc' ? [last] : null;
      return { ...error, field, message: billingErrorText(error, t) };
    });
  }

  const form = useForm({
    initial: { cardNumber: '', expiry: '', cvc: '' },
    validate(values) {
      const digits = values.cardNumber.replace(/[\s-]/g, '');
      const expiry = parseExpiry(values.expiry);
      const now = new Date();
      const past = expiry && (expiry.year < now.getUTCFullYear() || (expiry.year === now.getUTCFullYear() && expiry.month < now.getUTCMonth() + 1));
      return {
        ...(!/^\d{12,19}$/.test(digits) || !luhnValid(digits) ? { cardNumber: t('billing:card.numberInvalid') } : {}),
        ...(!expiry ? { expiry: t('billing:card.expiryInvalid') } : past ? { expiry: t('billing:card.expiryPast') } : {}),
        ...(!/^\d{3,4}$/.test(values.cvc.trim()) ? { cvc: t('billing:card.cvcInvalid') } : {}),
      };
    },
    async submit(values) {
      const expiry = parseExpiry(values.expiry)!;
      const started = await setup.start();
      if (!started.ok) return placed(started.errors);
      const { data } = await confirmCard({
        variables: {
          input: {
            setupIntentId: started.setupIntentId,
            clientSecret: started.clientSecret,
            cardNumber: values.cardNumber.replace(/[\s-]/g, ''),
            expMonth: expiry.month,
            expYear: expiry.year,
            cvc: values.cvc.trim(),
          },
        },
      });
      const payload = data?.sandboxSetupIntentConfirm;
      if (!payload || payload.userErrors.length > 0) return placed(payload?.userErrors ?? [{ field: null, message: '', code: 'NO_ANSWER' }]);
      const completed = await setup.complete(started.setupIntentId);
      if (!completed.ok) return placed(completed.errors);
      onAdded(completed.method);
    },
  });

  function fillTestCard(number: string) {
    form.setValues((current) => ({
      cardNumber: groupDigits(number),
      expiry: current.expiry || testExpiry(),
      cvc: current.cvc || '123',
    }));
  }

  return (
    <>
      <div className="billing-sandbox" role="note" aria-labelledby={`${id}-sandbox`}>
        <p className="billing-sandbox__title" id={`${id}-sandbox`}>
          {t('billing:card.sandboxTitle')}
        </p>
        <p>{t('billing:card.sandboxBody')}</p>
        <ul className="billing-sandbox__cards">
          {testCards.map((card) => (
            <li key={card.number}>
              <code>{groupDigits(card.number)}</code>
              <span className="muted">{card.outcome}</span>
              <Button variant="link" aria-label={t('billing:card.useNamed', { number: groupDigits(card.number) })} onClick={() => fillTestCard(card.number)}>
                {t('billing:card.use')}
              </Button>
            </li>
          ))}
        </ul>
      </div>
      {form.formError && <Alert>{form.formError}</Alert>}
      <form {...form.formProps} className="billing-card-form">
        <TextField label={t('billing:card.number')} autoComplete="cc-number" inputMode="numeric" maxLength={23} spellCheck={false} {...form.field('cardNumber')} />
        <div className="billing-card-form__row">
          <TextField label={t('billing:card.expiry')} hint={t('billing:card.expiryHint')} autoComplete="cc-exp" inputMode="numeric" maxLength={7} {...form.field('expiry')} />
          <TextField label={t('billing:card.cvc')} hint={t('billing:card.cvcHint')} autoComplete="cc-csc" inputMode="numeric" maxLength={4} {...form.field('cvc')} />
        </div>
        {defaultChoice}
        <div className="actions">
          <Button type="submit" busy={form.submitting}>
            {t('billing:card.save')}
          </Button>
          <Button variant="secondary" onClick={onCancel} disabled={form.submitting}>
            {t('common:cancel')}
          </Button>
        </div>
      </form>
    </>
  );
}
