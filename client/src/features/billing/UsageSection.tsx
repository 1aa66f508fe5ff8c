import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntitlementsFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';
import type { BillingOrganization } from './billing.ts';
import { FeatureList } from './FeatureList.tsx';
import { useMoney } from './money.ts';

interface UsageSectionProps {
  entitlements: EntitlementsFieldsFragment;
  seatUsage: BillingOrganization['seatUsage'];
  usage: BillingOrganization['usage'];
}

/** What the organization may use now, and how much of it is used. */
export function UsageSection({ entitlements, seatUsage, usage }: UsageSectionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { bytes } = useMoney();
  const apiPoints = usage.find((figure) => figure.meter === 'API_POINTS');
  const apiLimit = apiPoints ? apiPoints.limit : entitlements.apiPointsPerMonth;
  return (
    <section className="card" aria-labelledby="billing-usage">
      <h2 id="billing-usage">{t('billing:usage.title')}</h2>
      <div className="billing-meters">
        <UsageMeter
          label={t('billing:usage.seats')}
          used={seatUsage.inUse}
          limit={seatUsage.limit ?? entitlements.seats}
          text={(used, limit) =>
            limit === null
              ? t('billing:usage.seatsUnlimited', { count: used, used: format.number(used) })
              : t('billing:usage.seatsOf', { count: limit, used: format.number(used), limit: format.number(limit) })
          }
          note={seatUsage.billed > 0 && seatUsage.billed !== seatUsage.inUse ? t('billing:usage.seatsBilled', { count: seatUsage.billed, formatted: format.number(seatUsage.billed) }) : null}
        />
        <UsageMeter
          label={t('billing:usage.apiPoints')}
          used={apiPoints?.used ?? 0}
          limit={apiLimit}
          text={(used, limit) =>
            limit === null
              ? t('billing:usage.apiPointsUnlimited', { used: format.number(used) })
              : t('billing:usage.apiPointsOf', { used: format.number(used), limit: format.number(limit) })
          }
          note={apiPoints ? t('billing:usage.resets', { date: format.date(apiPoints.periodEnd) }) : null}
        />
      </div>
      <dl className="facts billing-facts">
        <div>
          <dt>{t('billing:usage.rate')}</dt>
          <dd>{t('billing:usage.perSecond', { count: entitlements.apiPointsPerSecond, formatted: format.number(entitlements.apiPointsPerSecond) })}</dd>
        </div>
        <div>
          <dt>{t('billing:usage.storage')}</dt>
          <dd>{entitlements.storageBytes === null ? t('billing:usage.unlimited') : bytes(entitlements.storageBytes)}</dd>
        </div>
      </dl>
      <h3 className="billing-subheading">{t('billing:usage.features')}</h3>
      <FeatureList features={entitlements.features} />
    </section>
  );
}

interface UsageMeterProps {
  label: string;
  used: number;
  limit: number | null;
  text(used: number, limit: number | null): string;
  note: string | null;
}

/** A labelled bar for a limited figure; an unlimited one is said in words, since it has no end to fill. */
function UsageMeter({ label, used, limit, text, note }: UsageMeterProps) {
  const { t } = useTranslation();
  const id = useId();
  const summary = text(used, limit);
  const over = limit !== null && used > limit;
  return (
    <div className="billing-meter">
      <p className="billing-meter__label" id={`${id}-label`}>
        {label}
      </p>
      <p className="billing-meter__figure" id={`${id}-figure`}>
        {summary}
      </p>
      {limit !== null && (
        <progress
          className={`billing-meter__bar${over ? ' billing-meter__bar--over' : ''}`}
          value={Math.min(used, limit)}
          max={Math.max(limit, 1)}
          aria-labelledby={`${id}-label`}
          aria-describedby={`${id}-figure`}
          aria-valuetext={summary}
        />
      )}
      {over && <p className="billing-meter__over">{t('billing:usage.overLimit')}</p>}
      {note && <p className="field__hint">{note}</p>}
    </div>
  );
}
