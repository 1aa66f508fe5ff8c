import { useApolloClient, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BillingDocument,
  SubscriptionChangeDocument,
  SubscriptionChangePreviewDocument,
  SubscriptionCreateDocument,
  type SubscriptionChangeInput,
  type SubscriptionChangePreviewQuery,
} from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import {
  billingErrorsText,
  brandName,
  daysFromNow,
  hasSeatPricing,
  isLive,
  periodAmount,
  type BillingErrorContext,
  type PaymentMethod,
  type Plan,
  type Price,
  type Subscription,
} from './billing.ts';
import type { PlanNotice } from './CurrentPlanSection.tsx';
import { useMoney } from './money.ts';
import { useBillingRefresh } from './useBillingRefresh.ts';

export type Preview = SubscriptionChangePreviewQuery['subscriptionChangePreview'];

/** What the customer is about to confirm: a first subscription, or a change the server has priced. */
export type Review =
  | { mode: 'create'; plan: Plan; price: Price; seats: number | null; trial: boolean }
  | { mode: 'change'; plan: Plan; price: Price; seats: number; input: SubscriptionChangeInput; preview: Preview; changedMeanwhile?: boolean };

interface PlanChangeDialogProps {
  review: Review | null;
  current: Subscription | null;
  paymentMethods: PaymentMethod[];
  errorContext: BillingErrorContext;
  /** A fresh review replaces the one shown (after the subscription changed meanwhile). */
  onReview(review: Review): void;
  onDone(notice: PlanNotice): void;
  /** The change can no longer be made as reviewed; the message says why. */
  onStale(message: string): void;
  onClose(): void;
}

/** The review step before money moves: what changes, when, what is due now and what the next invoice will be. */
export function PlanChangeDialog({ review, current, paymentMethods, errorContext, onReview, onDone, onStale, onClose }: PlanChangeDialogProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { money } = useMoney();
  const apollo = useApolloClient();
  const refresh = useBillingRefresh();
  const [create, { loading: creating }] = useMutation(SubscriptionCreateDocument);
  const [change, { loading: changing }] = useMutation(SubscriptionChangeDocument);
  const [rereading, setRereading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(review);
  if (review !== shown) {
    setShown(review);
    setError(null);
  }
  const defaultMethod = paymentMethods.find((method) => method.isDefault) ?? null;

  async function confirm() {
    if (!review) return;
    setError(null);
    try {
      if (review.mode === 'create') await confirmCreate(review);
      else await confirmChange(review);
    } catch (failure) {
      setError(describeError(failure, t));
    }
  }

  async function confirmCreate(reviewed: Extract<Review, { mode: 'create' }>) {
    const { data } = await create({
      variables: { input: { priceId: reviewed.price.id, ...(reviewed.seats !== null ? { seats: reviewed.seats } : {}) } },
    });
    const payload = data?.subscriptionCreate;
    if (!payload) return;
    if (payload.userErrors.length > 0) {
      setError(billingErrorsText(payload.userErrors, t, errorContext));
      return;
    }
    const created = payload.subscription;
    const plan = reviewed.plan.name;
    if (created?.status === 'TRIALING' && created.trialEnd) onDone({ tone: 'success', text: t('billing:review.trialStarted', { plan, date: format.date(created.trialEnd) }) });
    else if (created?.status === 'INCOMPLETE') onDone({ tone: 'warning', text: t('billing:review.createdIncomplete', { plan }) });
    else onDone({ tone: 'success', text: t('billing:review.subscribed', { plan }) });
    void refresh();
  }

  async function confirmChange(reviewed: Extract<Review, { mode: 'change' }>) {
    const { data } = await change({ variables: { input: reviewed.input } });
    const payload = data?.subscriptionChange;
    if (!payload) return;
    if (payload.userErrors.some((userError) => userError.code === 'CONCURRENT_CHANGE')) {
      await reviewAgain(reviewed);
      return;
    }
    if (payload.userErrors.length > 0) {
      setError(billingErrorsText(payload.userErrors, t, errorContext));
      return;
    }
    const { kind, effectiveAt } = reviewed.preview;
    const plan = reviewed.plan.name;
    const charged = payload.invoice && payload.invoice.amountPaid > 0 ? ` ${t('billing:review.charged', { amount: money(payload.invoice.amountPaid, payload.invoice.currency) })}` : '';
    // A trial takes even a downgrade at once: only what the server scheduled is announced for later.
    const scheduled = Boolean(payload.subscription?.scheduledChange);
    const text =
      scheduled && kind === 'DOWNGRADE'
        ? t('billing:review.downgradeScheduled', { plan, date: format.date(effectiveAt) })
        : scheduled && kind === 'SEATS_DECREASE'
          ? t('billing:review.seatsDecreaseScheduled', { count: reviewed.seats, formatted: format.number(reviewed.seats), date: format.date(effectiveAt) })
          : kind === 'SEATS_INCREASE' || kind === 'SEATS_DECREASE'
            ? t('billing:review.seatsIncreased', { plan, count: reviewed.seats, formatted: format.number(reviewed.seats) }) + charged
            : t('billing:review.changedNow', { plan }) + charged;
    onDone({ tone: 'success', text });
    void refresh();
  }

  /** Someone changed the subscription since it was read: read it again and price the same wish anew. */
  async function reviewAgain(reviewed: Extract<Review, { mode: 'change' }>) {
    setRereading(true);
    try {
      const fresh = await apollo.query({ query: BillingDocument, fetchPolicy: 'network-only' });
      const subscription = fresh.data?.viewer?.organization.subscription;
      if (!subscription || !isLive(subscription)) {
        onStale(t('billing:errors.concurrentChange'));
        return;
      }
      const input: SubscriptionChangeInput = { ...reviewed.input, expectedVersion: subscription.version };
      const again = await apollo.query({ query: SubscriptionChangePreviewDocument, variables: { input }, fetchPolicy: 'no-cache' });
      const preview = again.data?.subscriptionChangePreview;
      if (!preview || preview.kind === 'NONE') onStale(t('billing:errors.concurrentChange'));
      else if (preview.userErrors.length > 0) onStale(billingErrorsText(preview.userErrors, t, errorContext));
      else onReview({ ...reviewed, input, preview, changedMeanwhile: true });
    } finally {
      setRereading(false);
    }
  }

  const busy = creating || changing || rereading;
  const seatPriced = review ? hasSeatPricing(review.price) : false;
  const perPeriod = review
    ? t(review.price.interval === 'YEAR' ? 'billing:price.perYear' : 'billing:price.perMonth', {
        price: money(periodAmount(review.price, review.seats ?? 1), review.price.currency),
      })
    : '';
  const dueNow = !review ? 0 : review.mode === 'change' ? review.preview.amountDueNow.amount : review.trial ? 0 : periodAmount(review.price, review.seats ?? 1);
  const needsCard = dueNow > 0 && !defaultMethod;

  return (
    <ConfirmDialog
      open={review !== null}
      title={review ? titleOf(review, current, t) : ''}
      confirmLabel={t('billing:review.confirm')}
      tone="primary"
      busy={busy}
      confirmDisabled={needsCard}
      onConfirm={() => void confirm()}
      onCancel={onClose}
    >
      {review && (
        <div className="billing-dialog">
          {review.mode === 'change' && review.changedMeanwhile && <Alert tone="warning">{t('billing:errors.concurrentChange')}</Alert>}
          <p>{explanationOf(review, current, perPeriod)}</p>
          <dl className="facts billing-facts">
            <div>
              <dt>{t('billing:review.newPrice')}</dt>
              <dd>{perPeriod}</dd>
            </div>
            {seatPriced && review.seats !== null && (
              <div>
                <dt>{t('billing:review.seats')}</dt>
                <dd>{format.number(review.seats)}</dd>
              </div>
            )}
            <div>
              <dt>{t('billing:review.dueNow')}</dt>
              <dd>{money(dueNow, review.mode === 'change' ? review.preview.amountDueNow.currency : review.price.currency)}</dd>
            </div>
            {review.mode === 'change' && (
              <div>
                <dt>{t('billing:review.nextInvoice')}</dt>
                <dd>
                  {t('billing:review.nextInvoiceOn', {
                    amount: money(review.preview.nextInvoiceTotal.amount, review.preview.nextInvoiceTotal.currency),
                    date: format.date(review.preview.nextInvoiceAt),
                  })}
                </dd>
              </div>
            )}
          </dl>
          {review.mode === 'change' && review.preview.lines.length > 0 && (
            <table className="billing-lines">
              <caption>{t('billing:review.lines')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('billing:review.lineDescription')}</th>
                  <th scope="col" className="billing-amount">
                    {t('billing:review.lineAmount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {review.preview.lines.map((line, index) => (
                  <tr key={index}>
                    <td>{line.description}</td>
                    <td className="billing-amount">{money(line.amount, review.preview.amountDueNow.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {dueNow > 0 && defaultMethod && (
            <p className="muted">{t('billing:review.chargedTo', { card: `${brandName(defaultMethod.brand)} •••• ${defaultMethod.last4}` })}</p>
          )}
          {needsCard && (
            <Alert tone="warning" action={<a href="#billing-payment-methods" onClick={onClose}>{t('billing:review.addPaymentMethod')}</a>}>
              {t('billing:review.noPaymentMethod')}
            </Alert>
          )}
          {review.mode === 'create' && review.trial && !defaultMethod && <p className="field__hint">{t('billing:review.trialNoCard')}</p>}
          {error && <Alert>{error}</Alert>}
        </div>
      )}
    </ConfirmDialog>
  );

  function explanationOf(reviewed: Review, subscription: Subscription | null, price: string): string {
    if (reviewed.mode === 'create') {
      return reviewed.trial
        ? t('billing:review.trialExplained', { count: reviewed.plan.trialDays, date: format.date(daysFromNow(reviewed.plan.trialDays)), price })
        : t('billing:review.subscribeExplained', { price });
    }
    const { kind, effectiveAt } = reviewed.preview;
    const date = format.date(effectiveAt);
    // During a trial every change applies at once and nothing is charged until the trial ends: the
    // explanations below (pay the difference today, keep the plan until the period ends) would be untrue.
    if (subscription?.status === 'TRIALING') return t('billing:review.effectiveOn', { date });
    switch (kind) {
      case 'UPGRADE':
        return t('billing:review.upgradeExplained', { plan: reviewed.plan.name });
      case 'SEATS_INCREASE':
        return t('billing:review.seatsIncreaseExplained');
      case 'DOWNGRADE':
        return t('billing:review.downgradeExplained', { current: subscription?.plan.name ?? '', plan: reviewed.plan.name, date });
      case 'SEATS_DECREASE':
        return t('billing:review.seatsDecreaseExplained', { count: reviewed.seats, formatted: format.number(reviewed.seats), date });
      default:
        return t('billing:review.effectiveOn', { date });
    }
  }
}

function titleOf(review: Review, current: Subscription | null, t: ReturnType<typeof useTranslation>['t']): string {
  const plan = review.plan.name;
  if (review.mode === 'create') return review.trial ? t('billing:review.trialTitle', { plan }) : t('billing:review.subscribeTitle', { plan });
  if (current && current.plan.id === review.plan.id && current.price.interval !== review.price.interval) {
    return review.price.interval === 'YEAR' ? t('billing:review.toYearlyTitle') : t('billing:review.toMonthlyTitle');
  }
  switch (review.preview.kind) {
    case 'UPGRADE':
      return t('billing:review.upgradeTitle', { plan });
    case 'DOWNGRADE':
      return t('billing:review.downgradeTitle', { plan });
    case 'SEATS_INCREASE':
      return t('billing:review.seatsIncreaseTitle');
    case 'SEATS_DECREASE':
      return t('billing:review.seatsDecreaseTitle');
    default:
      return t('billing:review.changeTitle', { plan });
  }
}
