import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PaymentMethodRemoveDocument, PaymentMethodSetDefaultDocument, type BillingCustomerFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { AddPaymentMethod } from './AddPaymentMethod.tsx';
import { billingErrorsText, brandName, cardExpiry, isExpired, type BillingProvider, type PaymentMethod } from './billing.ts';
import { useBillingRefresh } from './useBillingRefresh.ts';

interface PaymentMethodsSectionProps {
  paymentMethods: PaymentMethod[];
  provider: BillingProvider;
  customer: BillingCustomerFieldsFragment;
  canManage: boolean;
}

function cardLabel(method: PaymentMethod): string {
  return `${brandName(method.brand)} •••• ${method.last4}`;
}

/** The cards on file: which one is charged, adding one through the provider's form, and removing. */
export function PaymentMethodsSection({ paymentMethods, provider, customer, canManage }: PaymentMethodsSectionProps) {
  const { t } = useTranslation();
  const refresh = useBillingRefresh();
  const [setDefault] = useMutation(PaymentMethodSetDefaultDocument);
  const [removeMethod, { loading: removing }] = useMutation(PaymentMethodRemoveDocument);
  const [adding, setAdding] = useState(false);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [removeTarget, setRemoveTarget] = useState<PaymentMethod | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [focus, setFocus] = useState<'heading' | 'add' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const addArea = useRef<HTMLDivElement>(null);

  // After the dialog or the form has gone (their effects run first), land where the reader can carry on.
  useEffect(() => {
    if (!focus) return;
    (focus === 'heading' ? heading.current : addArea.current?.querySelector('button'))?.focus();
    setFocus(null);
  }, [focus]);

  async function makeDefault(method: PaymentMethod) {
    setBusyId(method.id);
    setProblem(null);
    setNotice(null);
    try {
      const { data } = await setDefault({ variables: { input: { id: method.id } } });
      const payload = data?.paymentMethodSetDefault;
      if (payload && payload.userErrors.length > 0) {
        setProblem(billingErrorsText(payload.userErrors, t));
        return;
      }
      await refresh();
      setNotice(t('billing:methods.defaultSet', { card: cardLabel(method) }));
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setBusyId(null);
    }
  }

  async function confirmRemove() {
    const method = removeTarget;
    if (!method) return;
    setRemoveError(null);
    try {
      const { data } = await removeMethod({ variables: { input: { id: method.id } } });
      const payload = data?.paymentMethodRemove;
      if (payload && payload.userErrors.length > 0) {
        setRemoveError(billingErrorsText(payload.userErrors, t));
        return;
      }
      setRemoveTarget(null);
      setNotice(t('billing:methods.removed', { card: cardLabel(method) }));
      setFocus('heading');
      await refresh();
    } catch (failure) {
      setRemoveError(describeError(failure, t));
    }
  }

  return (
    <section className="card" aria-labelledby="billing-payment-methods">
      <h2 id="billing-payment-methods" ref={heading} tabIndex={-1}>
        {t('billing:methods.title')}
      </h2>
      {notice && <Alert tone="success">{notice}</Alert>}
      {problem && <Alert>{problem}</Alert>}
      {paymentMethods.length === 0 ? (
        <p className="muted">{t('billing:methods.empty')}</p>
      ) : (
        <ul className="billing-methods">
          {paymentMethods.map((method) => {
            const expired = isExpired(method);
            return (
              <li key={method.id} className="billing-method">
                <div className="billing-method__card">
                  <span className="billing-method__name">{cardLabel(method)}</span>
                  <span className="muted">
                    {expired ? t('billing:methods.expired', { date: cardExpiry(method) }) : t('billing:methods.expires', { date: cardExpiry(method) })}
                  </span>
                  {method.isDefault && <span className="badge billing-badge billing-badge--info">{t('billing:methods.default')}</span>}
                  {expired && <span className="badge billing-badge billing-badge--danger">{t('billing:methods.expiredBadge')}</span>}
                </div>
                {canManage && (
                  <div className="actions">
                    {!method.isDefault && (
                      <Button
                        variant="secondary"
                        aria-label={t('billing:methods.makeDefaultNamed', { card: cardLabel(method) })}
                        busy={busyId === method.id}
                        disabled={expired}
                        onClick={() => void makeDefault(method)}
                      >
                        {t('billing:methods.makeDefault')}
                      </Button>
                    )}
                    <Button
                      variant="secondary"
                      aria-label={t('billing:methods.removeNamed', { card: cardLabel(method) })}
                      onClick={() => {
                        setNotice(null);
                        setRemoveError(null);
                        setRemoveTarget(method);
                      }}
                    >
                      {t('billing:methods.remove')}
                    </Button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canManage &&
        (adding ? (
          <AddPaymentMethod
            provider={provider}
            customer={customer}
            askDefault={paymentMethods.length > 0}
            onAdded={(method) => {
              setAdding(false);
              setNotice(t('billing:methods.added', { card: cardLabel(method) }));
              setFocus('heading');
              void refresh();
            }}
            onCancel={() => {
              setAdding(false);
              setFocus('add');
            }}
          />
        ) : (
          <div className="actions" ref={addArea}>
            <Button
              variant="secondary"
              onClick={() => {
                setNotice(null);
                setAdding(true);
              }}
            >
              {t('billing:methods.add')}
            </Button>
          </div>
        ))}
      <ConfirmDialog
        open={removeTarget !== null}
        title={t('billing:methods.removeTitle', { card: removeTarget ? cardLabel(removeTarget) : '' })}
        confirmLabel={t('billing:methods.removeConfirm')}
        busy={removing}
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoveTarget(null)}
      >
        {removeError && <Alert>{removeError}</Alert>}
        <p>{removeTarget?.isDefault ? t('billing:methods.removeDefaultBody') : t('billing:methods.removeBody')}</p>
      </ConfirmDialog>
    </section>
  );
}
