import { useApolloClient, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BillingPlansDocument,
  SubscriptionChangePreviewDocument,
  type BillingInterval,
  type SubscriptionChangeInput,
} from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import {
  billingErrorsText,
  hasSeatPricing,
  isLive,
  perSeatAmount,
  periodAmount,
  usageComponent,
  type PaymentMethod,
  type Plan,
  type Price,
  type SeatUsage,
  type Subscription,
} from './billing.ts';
import type { PlanNotice } from './CurrentPlanSection.tsx';
import { FeatureList } from './FeatureList.tsx';
import { useMoney } from './money.ts';
import { PlanChangeDialog, type Review } from './PlanChangeDialog.tsx';

interface PlansSectionProps {
  subscription: Subscription | null;
  seatUsage: SeatUsage;
  /** The currency the customer's first paid invoice locked; null until then. */
  customerCurrency: string | null;
  paymentMethods: PaymentMethod[];
  canManage: boolean;
  onNotice(notice: PlanNotice): void;
}

/** The currency offered first when the customer has none yet: the one of the reader's language where the catalog has it. */
function defaultCurrency(currencies: string[], language: string): string | null {
  const preferred = language.startsWith('de') ? ['EUR', 'USD'] : ['USD', 'EUR'];
  return preferred.find((code) => currencies.includes(code)) ?? currencies[0] ?? null;
}

function parseSeats(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const seats = Number(text);
  return Number.isSafeInteger(seats) && seats >= 1 ? seats : null;
}

/** The catalog as cards, priced for the chosen period, currency and seats; choosing one reviews the change before it is made. */
export function PlansSection({ subscription, seatUsage, customerCurrency, paymentMethods, canManage, onNotice }: PlansSectionProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const apollo = useApolloClient();
  const id = useId();
  const plansQuery = useQuery(BillingPlansDocument);
  const live = subscription && isLive(subscription) ? subscription : null;
  const lockedCurrency = live?.price.currency ?? customerCurrency;
  const [interval, setBillingInterval] = useState<BillingInterval>(live?.price.interval ?? 'MONTH');
  const [chosenCurrency, setChosenCurrency] = useState<string | null>(null);
  const [seatsText, setSeatsText] = useState(String(live?.seats ?? Math.max(1, seatUsage.inUse)));
  const [review, setReview] = useState<Review | null>(null);
  const [previewing, setPreviewing] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const plans = [...(plansQuery.data?.plans ?? [])].filter((plan) => !plan.archived).sort((a, b) => a.rank - b.rank);
  const currencies = [...new Set(plans.flatMap((plan) => plan.prices.filter((price) => price.active).map((price) => price.currency)))].sort();
  const currency = lockedCurrency ?? chosenCurrency ?? defaultCurrency(currencies, i18n.language);
  const seats = parseSeats(seatsText);
  const minimumSeats = Math.max(1, seatUsage.inUse);
  const seatsError = seats === null ? t('billing:plans.seatsInvalid') : seats < minimumSeats ? t('billing:plans.seatsBelowUsage', { count: minimumSeats }) : null;
  const currencyNames = new Intl.DisplayNames(format.locale, { type: 'currency' });
  const errorContext = { seatsInUse: seatUsage.inUse, currency: lockedCurrency };

  function priceOf(plan: Plan, wanted: BillingInterval = interval): Price | null {
    return plan.prices.find((price) => price.active && price.currency === currency && price.interval === wanted) ?? null;
  }

  /** What the change would send: only what differs from the subscription, so an unchanged seat count keeps following members. */
  function changeInput(current: Subscription, price: Price, wantedSeats: number): SubscriptionChangeInput | null {
    const input: SubscriptionChangeInput = { expectedVersion: current.version };
    if (price.id !== current.price.id) input.priceId = price.id;
    if (hasSeatPricing(price) && wantedSeats !== current.seats) input.seats = wantedSeats;
    return input.priceId || input.seats !== undefined ? input : null;
  }

  async function choose(plan: Plan, price: Price) {
    if (seats === null || seatsError) return;
    setProblem(null);
    if (!live) {
      setReview({ mode: 'create', plan, price, seats: hasSeatPricing(price) ? seats : null, trial: subscription === null && plan.trialDays > 0 });
      return;
    }
    const input = changeInput(live, price, seats);
    if (!input) return;
    setPreviewing(plan.id);
    try {
      const { data } = await apollo.query({ query: SubscriptionChangePreviewDocument, variables: { input }, fetchPolicy: 'no-cache' });
      const preview = data?.subscriptionChangePreview;
      if (!preview) return;
      if (preview.userErrors.length > 0) setProblem(billingErrorsText(preview.userErrors, t, errorContext));
      else if (preview.kind === 'NONE') setProblem(t('billing:plans.noChange'));
      else setReview({ mode: 'change', plan, price, seats: input.seats ?? live.seats, input, preview });
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setPreviewing(null);
    }
  }

  return (
    <section className="card" aria-labelledby="billing-plans">
      <h2 id="billing-plans">{t('billing:plans.title')}</h2>
      <div className="billing-plan-options">
        <fieldset className="billing-toggle">
          <legend>{t('billing:plans.interval')}</legend>
          {(['MONTH', 'YEAR'] as const).map((value) => (
            <span key={value} className="billing-toggle__option">
              <input type="radio" id={`${id}-${value}`} name={`${id}-interval`} checked={interval === value} onChange={() => setBillingInterval(value)} />
              <label htmlFor={`${id}-${value}`}>{t(value === 'MONTH' ? 'billing:plans.monthly' : 'billing:plans.yearly')}</label>
            </span>
          ))}
        </fieldset>
        {lockedCurrency ? (
          <p className="field__hint billing-plan-options__currency">{t('billing:plans.currencyLocked', { currency: lockedCurrency })}</p>
        ) : (
          currencies.length > 1 && (
            <SelectField label={t('billing:plans.currency')} name="currency" value={currency ?? ''} onChange={(event) => setChosenCurrency(event.target.value)}>
              {currencies.map((code) => (
                <option key={code} value={code}>
                  {`${currencyNames.of(code) ?? code} (${code})`}
                </option>
              ))}
            </SelectField>
          )
        )}
        <TextField
          label={t('billing:plans.seats')}
          hint={t('billing:plans.seatsHint', { count: seatUsage.inUse, formatted: format.number(seatUsage.inUse) })}
          type="number"
          inputMode="numeric"
          name="seats"
          min={minimumSeats}
          step={1}
          value={seatsText}
          error={seatsError}
          onChange={(event) => setSeatsText(event.target.value)}
        />
      </div>
      {problem && <Alert>{problem}</Alert>}
      <QueryState loading={plansQuery.loading} error={plansQuery.error} hasData={Boolean(plansQuery.data)} retry={() => void plansQuery.refetch()}>
        {plans.length === 0 ? (
          <p className="muted">{t('billing:plans.empty')}</p>
        ) : (
          <ul className="billing-plan-grid">
            {plans.map((plan) => (
              <PlanCard
                key={plan.id}
                plan={plan}
                price={priceOf(plan)}
                monthly={interval === 'YEAR' ? priceOf(plan, 'MONTH') : null}
                currency={currency}
                interval={interval}
                seats={seats ?? minimumSeats}
                seatsInUse={seatUsage.inUse}
                live={live}
                neverSubscribed={subscription === null}
                canManage={canManage}
                blocked={seatsError !== null}
                busy={previewing === plan.id}
                disabled={previewing !== null}
                isUnchanged={(price) => (live ? changeInput(live, price, seats ?? live.seats) === null : false)}
                onChoose={(price) => void choose(plan, price)}
              />
            ))}
          </ul>
        )}
      </QueryState>
      <PlanChangeDialog
        review={review}
        current={live}
        paymentMethods={paymentMethods}
        errorContext={errorContext}
        onReview={setReview}
        onDone={(notice) => {
          setReview(null);
          onNotice(notice);
        }}
        onStale={(message) => {
          setReview(null);
          setProblem(message);
        }}
        onClose={() => setReview(null)}
      />
    </section>
  );
}

interface PlanCardProps {
  plan: Plan;
  price: Price | null;
  /** The monthly price beside a yearly one, to show what paying yearly saves. */
  monthly: Price | null;
  currency: string | null;
  interval: BillingInterval;
  seats: number;
  seatsInUse: number;
  live: Subscription | null;
  neverSubscribed: boolean;
  canManage: boolean;
  blocked: boolean;
  busy: boolean;
  disabled: boolean;
  isUnchanged(price: Price): boolean;
  onChoose(price: Price): void;
}

function PlanCard({ plan, price, monthly, currency, interval, seats, seatsInUse, live, neverSubscribed, canManage, blocked, busy, disabled, isUnchanged, onChoose }: PlanCardProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { money, percent } = useMoney();
  const isCurrentPlan = live?.plan.id === plan.id;
  const amount = price ? periodAmount(price, seats) : 0;
  const perSeat = price ? perSeatAmount(price) : null;
  const usage = price ? usageComponent(price) : null;
  const yearlySaving = price && monthly ? 1 - amount / (periodAmount(monthly, seats) * 12) : 0;
  const scheduled = live?.scheduledChange?.plan.id === plan.id ? live.scheduledChange : null;
  const seatLimit = plan.entitlements.seats;

  let action: { label: string; name: string } | null = null;
  if (price && live) {
    if (isCurrentPlan) action = isUnchanged(price) ? null : { label: t('billing:plans.update'), name: t('billing:plans.updateNamed', { plan: plan.name }) };
    else if (plan.rank > live.plan.rank) action = { label: t('billing:plans.upgrade'), name: t('billing:plans.upgradeNamed', { plan: plan.name }) };
    else if (plan.rank < live.plan.rank) action = { label: t('billing:plans.downgrade'), name: t('billing:plans.downgradeNamed', { plan: plan.name }) };
    else action = { label: t('billing:plans.switch'), name: t('billing:plans.switchNamed', { plan: plan.name }) };
  } else if (price) {
    action =
      neverSubscribed && plan.trialDays > 0
        ? { label: t('billing:plans.startTrial'), name: t('billing:plans.startTrialNamed', { plan: plan.name }) }
        : { label: t('billing:plans.subscribe'), name: t('billing:plans.subscribeNamed', { plan: plan.name }) };
  }

  return (
    <li className={`billing-plan-card${isCurrentPlan ? ' billing-plan-card--current' : ''}`}>
      <div className="billing-plan__heading">
        <h3>{plan.name}</h3>
        {isCurrentPlan && <span className="badge billing-badge billing-badge--success">{t('billing:plans.current')}</span>}
      </div>
      <p className="muted">{plan.description}</p>
      {price ? (
        <div className="billing-price">
          <p>
            <span className="billing-price__amount">{money(amount, price.currency)}</span>{' '}
            <span className="muted">{t(interval === 'YEAR' ? 'billing:plans.perYear' : 'billing:plans.perMonth')}</span>
          </p>
          {hasSeatPricing(price) && (
            <p className="field__hint">
              {perSeat !== null
                ? t('billing:plans.forSeatsPerSeat', { count: seats, formatted: format.number(seats), perSeat: money(perSeat, price.currency) })
                : t('billing:plans.forSeats', { count: seats, formatted: format.number(seats) })}
            </p>
          )}
          {usage && (
            <p className="field__hint">
              {usage.scheme === 'PER_UNIT' && usage.unitAmount !== null
                ? t('billing:plans.usagePrice', {
                    included: format.number(usage.includedUnits ?? 0),
                    price: money(usage.unitAmount, price.currency),
                    size: format.number(usage.packageSize ?? 1),
                  })
                : t('billing:plans.usageBilled')}
            </p>
          )}
          {yearlySaving >= 0.01 && <p className="billing-price__saving">{t('billing:plans.yearlySaving', { percent: percent(yearlySaving) })}</p>}
        </div>
      ) : (
        <p className="muted">{!currency ? t('billing:plans.noPrices') : interval === 'YEAR' ? t('billing:plans.notOfferedYearly', { currency }) : t('billing:plans.notOfferedMonthly', { currency })}</p>
      )}
      {plan.trialDays > 0 && neverSubscribed && <p className="billing-plan__trial">{t('billing:plans.trial', { count: plan.trialDays })}</p>}
      <ul className="billing-plan__limits">
        <li>{seatLimit === null ? t('billing:plans.seatsUnlimited') : t('billing:plans.seatLimit', { count: seatLimit, formatted: format.number(seatLimit) })}</li>
        <li>
          {plan.entitlements.apiPointsPerMonth === null
            ? t('billing:plans.apiPointsUnlimited')
            : t('billing:plans.apiPoints', { formatted: format.number(plan.entitlements.apiPointsPerMonth) })}
        </li>
      </ul>
      <FeatureList features={plan.entitlements.features} />
      {seatLimit !== null && seatsInUse > seatLimit && (
        <p className="billing-plan__warning">{t('billing:plans.tooManyMembers', { count: seatLimit, inUse: format.number(seatsInUse) })}</p>
      )}
      {scheduled && <p className="field__hint">{t('billing:plans.scheduled', { date: format.date(scheduled.effectiveAt) })}</p>}
      {canManage && price && (
        <div className="billing-plan__action">
          {action ? (
            <Button
              variant={isCurrentPlan ? 'secondary' : 'primary'}
              aria-label={action.name}
              busy={busy}
              disabled={blocked || (disabled && !busy)}
              onClick={() => onChoose(price)}
            >
              {action.label}
            </Button>
          ) : (
            <p className="muted">{t('billing:plans.yourPlan')}</p>
          )}
        </div>
      )}
    </li>
  );
}
