import { useMutation } from '@apollo/client/react';
import { useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { SubscriptionResumeDocument, SubscriptionScheduledChangeCancelDocument } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { billingErrorsText, daysUntil, hasSeatPricing, hoursUntil, isLive, periodAmount, type PaymentMethod, type Subscription } from './billing.ts';
import { CancelSubscriptionDialog } from './CancelSubscriptionDialog.tsx';
import { useMoney } from './money.ts';
import { useBillingRefresh, usePayInvoice } from './useBillingRefresh.ts';

export interface PlanNotice {
  text: string;
  tone: 'success' | 'info' | 'warning' | 'error';
}

interface CurrentPlanSectionProps {
  subscription: Subscription | null;
  paymentMethods: PaymentMethod[];
  canManage: boolean;
  headingRef: RefObject<HTMLHeadingElement>;
  notice: PlanNotice | null;
  onNotice(notice: PlanNotice): void;
}

/** The plan the organization is on, what state it is in, and what the customer can do about it. */
export function CurrentPlanSection({ subscription, paymentMethods, canManage, headingRef, notice, onNotice }: CurrentPlanSectionProps) {
  const { t } = useTranslation();
  const [cancelOpen, setCancelOpen] = useState(false);
  return (
    <section className="card" aria-labelledby="billing-current">
      <h2 id="billing-current" ref={headingRef} tabIndex={-1}>
        {t('billing:current.title')}
      </h2>
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      {subscription ? (
        <SubscriptionSummary
          subscription={subscription}
          hasPaymentMethod={paymentMethods.length > 0}
          canManage={canManage}
          onNotice={onNotice}
          onCancel={() => setCancelOpen(true)}
        />
      ) : (
        <p>{t(canManage ? 'billing:current.noneChoose' : 'billing:current.none')}</p>
      )}
      {subscription && (
        <CancelSubscriptionDialog open={cancelOpen} subscription={subscription} onClose={() => setCancelOpen(false)} onCanceled={onNotice} />
      )}
    </section>
  );
}

interface SubscriptionSummaryProps {
  subscription: Subscription;
  hasPaymentMethod: boolean;
  canManage: boolean;
  onNotice(notice: PlanNotice): void;
  onCancel(): void;
}

function SubscriptionSummary({ subscription, hasPaymentMethod, canManage, onNotice, onCancel }: SubscriptionSummaryProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { money } = useMoney();
  const refresh = useBillingRefresh();
  const { pay, payingId } = usePayInvoice();
  const [resume, { loading: resuming }] = useMutation(SubscriptionResumeDocument);
  const [cancelScheduled, { loading: cancelingScheduled }] = useMutation(SubscriptionScheduledChangeCancelDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const { price, plan, scheduledChange, discount, latestInvoice } = subscription;
  const live = isLive(subscription);
  const amount = money(periodAmount(price, subscription.seats), price.currency);
  const perPeriod = t(price.interval === 'YEAR' ? 'billing:price.perYear' : 'billing:price.perMonth', { price: amount });
  const openInvoice = latestInvoice && latestInvoice.status === 'OPEN' && latestInvoice.amountDue > 0 ? latestInvoice : null;

  async function run(action: 'resume' | 'cancelScheduled') {
    setProblem(null);
    try {
      const input = { expectedVersion: subscription.version };
      const payload =
        action === 'resume'
          ? (await resume({ variables: { input } })).data?.subscriptionResume
          : (await cancelScheduled({ variables: { input } })).data?.subscriptionScheduledChangeCancel;
      if (!payload) return;
      if (payload.userErrors.length > 0) {
        setProblem(billingErrorsText(payload.userErrors, t));
        if (payload.userErrors.some((error) => error.code === 'CONCURRENT_CHANGE')) void refresh();
        return;
      }
      await refresh();
      onNotice({
        tone: 'success',
        text:
          action === 'resume'
            ? t('billing:current.resumed', { date: format.date(subscription.currentPeriodEnd) })
            : t('billing:current.scheduledChangeCanceled', { plan: plan.name }),
      });
    } catch (failure) {
      setProblem(describeError(failure, t));
    }
  }

  async function payNow() {
    if (!openInvoice) return;
    setProblem(null);
    const outcome = await pay(openInvoice);
    if (outcome.ok) onNotice({ tone: 'success', text: t('billing:invoices.paid', { number: outcome.invoice.number }) });
    else setProblem(outcome.message);
  }

  const payButton =
    canManage && openInvoice ? (
      <Button busy={payingId === openInvoice.id} onClick={() => void payNow()}>
        {t('billing:current.payNow', { amount: money(openInvoice.amountDue, openInvoice.currency) })}
      </Button>
    ) : null;

  return (
    <>
      <div className="billing-plan__heading">
        <h3>{plan.name}</h3>
        <StatusBadge subscription={subscription} />
      </div>
      <StatusExplanation subscription={subscription} hasPaymentMethod={hasPaymentMethod} action={payButton} />
      {problem && <Alert>{problem}</Alert>}
      <dl className="facts billing-facts">
        <div>
          <dt>{t('billing:current.price')}</dt>
          <dd>{perPeriod}</dd>
        </div>
        <div>
          <dt>{t('billing:current.seats')}</dt>
          <dd>
            {t('billing:current.seatCount', { count: subscription.seats, formatted: format.number(subscription.seats) })}
            {subscription.seatsFollowMembers && hasSeatPricing(price) && <span className="billing-facts__note">{t('billing:current.seatsFollowMembers')}</span>}
          </dd>
        </div>
        <PeriodFact subscription={subscription} />
        {discount && (
          <div>
            <dt>{t('billing:current.discount')}</dt>
            <dd>
              {discount.coupon.percentOff !== null
                ? t('billing:current.percentOff', { name: discount.coupon.name, percent: discount.coupon.percentOff })
                : discount.coupon.amountOff
                  ? t('billing:current.amountOff', { name: discount.coupon.name, amount: money(discount.coupon.amountOff.amount, discount.coupon.amountOff.currency) })
                  : discount.coupon.name}
              {discount.endsAt && <span className="billing-facts__note">{t('billing:current.discountEnds', { date: format.date(discount.endsAt) })}</span>}
            </dd>
          </div>
        )}
      </dl>
      {live && subscription.cancelAtPeriodEnd && (
        <Alert
          tone="warning"
          title={t('billing:current.cancelsOn', { date: format.date(subscription.currentPeriodEnd) })}
          action={
            canManage ? (
              <Button busy={resuming} onClick={() => void run('resume')}>
                {t('billing:current.resume')}
              </Button>
            ) : null
          }
        >
          {t('billing:current.cancelsExplanation', { plan: plan.name })}
        </Alert>
      )}
      {scheduledChange && (
        <Alert
          tone="info"
          title={t('billing:current.scheduledTitle', { date: format.date(scheduledChange.effectiveAt) })}
          action={
            canManage ? (
              <Button variant="secondary" busy={cancelingScheduled} onClick={() => void run('cancelScheduled')}>
                {t('billing:current.cancelScheduled')}
              </Button>
            ) : null
          }
        >
          {t('billing:current.scheduledBody', {
            plan: scheduledChange.plan.name,
            count: scheduledChange.seats,
            formatted: format.number(scheduledChange.seats),
            price: t(scheduledChange.price.interval === 'YEAR' ? 'billing:price.perYear' : 'billing:price.perMonth', {
              price: money(periodAmount(scheduledChange.price, scheduledChange.seats), scheduledChange.price.currency),
            }),
          })}
        </Alert>
      )}
      {canManage && live && !subscription.cancelAtPeriodEnd && (
        <div className="actions">
          <Button variant="secondary" onClick={onCancel}>
            {t('billing:current.cancel')}
          </Button>
        </div>
      )}
    </>
  );
}

/** The one badge that says where the subscription stands; "cancels on" outranks "active". */
function StatusBadge({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { status } = subscription;
  let text: string;
  let tone: string;
  if (status === 'TRIALING' && subscription.trialEnd) {
    const days = daysUntil(subscription.trialEnd);
    text = days === 0 ? t('billing:status.trialEndsToday') : t('billing:status.trialing', { count: days });
    tone = 'info';
  } else if (isLive(subscription) && subscription.cancelAtPeriodEnd) {
    text = t('billing:status.cancels', { date: format.date(subscription.currentPeriodEnd) });
    tone = 'warning';
  } else {
    text = t(`billing:status.${status}`);
    tone = { TRIALING: 'info', ACTIVE: 'success', PAST_DUE: 'danger', UNPAID: 'danger', INCOMPLETE: 'warning', CANCELED: 'muted', INCOMPLETE_EXPIRED: 'muted' }[status];
  }
  return <span className={`badge billing-badge billing-badge--${tone}`}>{text}</span>;
}

/** What the state means and what to do, for the states that need the customer. */
function StatusExplanation({ subscription, hasPaymentMethod, action }: { subscription: Subscription; hasPaymentMethod: boolean; action: ReactNode }) {
  const { t } = useTranslation();
  const format = useFormat();
  const updateLink = (
    <a className="billing-link" href="#billing-payment-methods">
      {t('billing:current.updatePaymentMethod')}
    </a>
  );
  switch (subscription.status) {
    case 'TRIALING':
      if (hasPaymentMethod || !subscription.trialEnd) return null;
      return (
        <Alert tone="warning" title={t('billing:current.trialNoCardTitle')} action={updateLink}>
          {t('billing:current.trialNoCard', { date: format.date(subscription.trialEnd), plan: subscription.plan.name })}
        </Alert>
      );
    case 'PAST_DUE':
      return (
        <Alert tone="warning" title={t('billing:current.pastDueTitle')} action={<span className="actions">{action}{updateLink}</span>}>
          {subscription.nextPaymentAttemptAt
            ? t('billing:current.pastDueRetry', { date: format.dateTime(subscription.nextPaymentAttemptAt) })
            : t('billing:current.pastDue')}
        </Alert>
      );
    case 'UNPAID':
      return (
        <Alert tone="warning" title={t('billing:current.unpaidTitle')} action={<span className="actions">{action}{updateLink}</span>}>
          {t('billing:current.unpaid')}
        </Alert>
      );
    case 'INCOMPLETE': {
      const hours = subscription.incompleteExpiresAt ? hoursUntil(subscription.incompleteExpiresAt) : null;
      return (
        <Alert tone="warning" title={t('billing:current.incompleteTitle')} action={<span className="actions">{action}{updateLink}</span>}>
          {hours === null ? t('billing:current.incomplete') : t('billing:current.incompleteWithin', { count: hours })}
        </Alert>
      );
    }
    case 'INCOMPLETE_EXPIRED':
      return <Alert tone="info">{t('billing:current.incompleteExpired')}</Alert>;
    case 'CANCELED':
      return <Alert tone="info">{t('billing:current.canceled', { date: format.date(subscription.endedAt ?? subscription.canceledAt ?? subscription.currentPeriodEnd) })}</Alert>;
    default:
      return null;
  }
}

/** The date that matters next: trial end, renewal, the end of a canceling period, or the end. */
function PeriodFact({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation();
  const format = useFormat();
  let label: string;
  let date: string;
  if (!isLive(subscription)) {
    label = t('billing:current.ended');
    date = subscription.endedAt ?? subscription.canceledAt ?? subscription.currentPeriodEnd;
  } else if (subscription.cancelAtPeriodEnd) {
    label = t('billing:current.endsOn');
    date = subscription.currentPeriodEnd;
  } else if (subscription.status === 'TRIALING' && subscription.trialEnd) {
    label = t('billing:current.trialEnds');
    date = subscription.trialEnd;
  } else {
    label = t('billing:current.nextInvoice');
    date = subscription.currentPeriodEnd;
  }
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        <time dateTime={date}>{format.date(date)}</time>
      </dd>
    </div>
  );
}
