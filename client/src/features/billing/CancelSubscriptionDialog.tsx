import { useMutation } from '@apollo/client/react';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SubscriptionCancelDocument, type CancellationReason } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { SelectField, TextAreaField } from '../../ui/Field.tsx';
import { billingErrorsText, type Subscription } from './billing.ts';
import type { PlanNotice } from './CurrentPlanSection.tsx';
import { useBillingRefresh } from './useBillingRefresh.ts';

/** Every CancellationReason, in the order the select offers them; the record makes a new one in the schema a type error here. */
const REASON_ORDER: Record<CancellationReason, number> = {
  TOO_EXPENSIVE: 0,
  MISSING_FEATURES: 1,
  UNUSED: 2,
  SWITCHED_SERVICE: 3,
  TOO_COMPLEX: 4,
  LOW_QUALITY: 5,
  CUSTOMER_SERVICE: 6,
  OTHER: 7,
};
const REASONS = (Object.keys(REASON_ORDER) as CancellationReason[]).sort((a, b) => REASON_ORDER[a] - REASON_ORDER[b]);

const FEEDBACK_MAX = 1000;

interface CancelSubscriptionDialogProps {
  open: boolean;
  subscription: Subscription;
  onClose(): void;
  onCanceled(notice: PlanNotice): void;
}

/** Canceling, Stripe's way: at the end of the period by default (and resumable until then) or at once, always with a reason. */
export function CancelSubscriptionDialog({ open, subscription, onClose, onCanceled }: CancelSubscriptionDialogProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const refresh = useBillingRefresh();
  const body = useRef<HTMLDivElement>(null);
  const [cancel, { loading }] = useMutation(SubscriptionCancelDocument);
  const [atPeriodEnd, setAtPeriodEnd] = useState(true);
  const [reason, setReason] = useState<CancellationReason | ''>('');
  const [feedback, setFeedback] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Every opening starts from the defaults, not from what an earlier, abandoned attempt chose.
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setAtPeriodEnd(true);
      setReason('');
      setFeedback('');
      setReasonError(null);
      setProblem(null);
    }
  }
  const plan = subscription.plan.name;
  const periodEnd = format.date(subscription.currentPeriodEnd);

  async function confirm() {
    setProblem(null);
    if (!reason) {
      setReasonError(t('billing:cancel.reasonRequired'));
      body.current?.querySelector<HTMLSelectElement>('select[name="reason"]')?.focus();
      return;
    }
    setReasonError(null);
    try {
      const { data } = await cancel({ variables: { input: { atPeriodEnd, reason, feedback: feedback.trim() || null } } });
      const payload = data?.subscriptionCancel;
      if (!payload) return;
      if (payload.userErrors.length > 0) {
        setProblem(billingErrorsText(payload.userErrors, t));
        return;
      }
      const ends = payload.subscription?.cancelAtPeriodEnd ? payload.subscription.currentPeriodEnd : null;
      onClose();
      onCanceled({
        tone: 'success',
        text: ends ? t('billing:cancel.doneAtPeriodEnd', { plan, date: format.date(ends) }) : t('billing:cancel.doneNow', { plan }),
      });
      void refresh();
    } catch (failure) {
      setProblem(describeError(failure, t));
    }
  }

  return (
    <ConfirmDialog
      open={open}
      title={t('billing:cancel.title', { plan })}
      confirmLabel={t('billing:cancel.confirm')}
      cancelLabel={t('billing:cancel.keep')}
      busy={loading}
      onConfirm={() => void confirm()}
      onCancel={onClose}
    >
      <div className="billing-dialog" ref={body}>
        {problem && <Alert>{problem}</Alert>}
        <fieldset>
          <legend>{t('billing:cancel.when')}</legend>
          <div className="billing-choice">
            <input
              type="radio"
              id={`${id}-end`}
              name="atPeriodEnd"
              checked={atPeriodEnd}
              onChange={() => setAtPeriodEnd(true)}
              aria-describedby={`${id}-end-hint`}
            />
            <div>
              <label htmlFor={`${id}-end`}>{t('billing:cancel.atPeriodEnd', { date: periodEnd })}</label>
              <p className="field__hint" id={`${id}-end-hint`}>
                {t('billing:cancel.atPeriodEndHint', { plan, date: periodEnd })}
              </p>
            </div>
          </div>
          <div className="billing-choice">
            <input
              type="radio"
              id={`${id}-now`}
              name="atPeriodEnd"
              checked={!atPeriodEnd}
              onChange={() => setAtPeriodEnd(false)}
              aria-describedby={`${id}-now-hint`}
            />
            <div>
              <label htmlFor={`${id}-now`}>{t('billing:cancel.now')}</label>
              <p className="field__hint" id={`${id}-now-hint`}>
                {t('billing:cancel.nowHint', { plan })}
              </p>
            </div>
          </div>
        </fieldset>
        <SelectField
          label={t('billing:cancel.reason')}
          name="reason"
          required
          value={reason}
          error={reasonError}
          onChange={(event) => {
            setReason(event.target.value as CancellationReason | '');
            setReasonError(null);
          }}
        >
          <option value="">{t('billing:cancel.reasonPlaceholder')}</option>
          {REASONS.map((value) => (
            <option key={value} value={value}>
              {t(`billing:reasons.${value}`)}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label={t('billing:cancel.feedback')}
          hint={t('billing:cancel.feedbackHint', { count: FEEDBACK_MAX, formatted: format.number(FEEDBACK_MAX) })}
          name="feedback"
          rows={3}
          maxLength={FEEDBACK_MAX}
          value={feedback}
          onChange={(event) => setFeedback(event.target.value)}
        />
      </div>
    </ConfirmDialog>
  );
}
