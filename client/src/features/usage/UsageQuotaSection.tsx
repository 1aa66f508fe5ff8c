import { useQuery } from '@apollo/client/react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { UsageQuotaDocument, UsageQuotaPlanDocument } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';
import { QueryState } from '../../ui/QueryState.tsx';

/** The month's quota under the plan, what is left of it, and the alerts raised when it ran low. */
export function UsageQuotaSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const query = useQuery(UsageQuotaDocument);
  const quota = query.data?.usageQuota;
  // The catalog names the plan, as the billing page shows it; its key stands in should the catalog not answer.
  const plan = useQuery(UsageQuotaPlanDocument, { variables: { key: quota?.plan ?? '' }, skip: !quota });
  const planName = plan.data?.plan?.name ?? quota?.plan;
  const alerts = query.data?.usageQuotaAlerts.nodes ?? [];
  const limited = quota && quota.quota !== null && quota.quota !== undefined ? quota.quota : null;
  const summary = quota
    ? limited === null
      ? t('usage:quota.unlimited', { used: format.number(quota.used) })
      : t('usage:quota.of', { used: format.number(quota.used), quota: format.number(limited), remaining: format.number(quota.remaining ?? 0) })
    : '';
  const over = quota && limited !== null && quota.used > limited;
  return (
    <section className="card" aria-labelledby={`${id}-quota`}>
      <h2 id={`${id}-quota`}>{t('usage:quota.title')}</h2>
      <QueryState loading={query.loading || plan.loading} error={query.error} hasData={Boolean(quota) && !plan.loading} retry={() => void query.refetch()}>
        {quota && (
          <>
            <p className="muted">{t('usage:quota.period', { plan: planName, month: quota.month, date: format.date(quota.periodEnd) })}</p>
            <p id={`${id}-figure`}>{summary}</p>
            {limited !== null && (
              <progress
                className={`usage-quota__bar${over ? ' usage-quota__bar--over' : ''}`}
                value={Math.min(quota.used, limited)}
                max={Math.max(limited, 1)}
                aria-labelledby={`${id}-quota`}
                aria-describedby={`${id}-figure`}
                aria-valuetext={summary}
              />
            )}
            {over && <p className="billing-meter__over">{t('usage:quota.exceeded')}</p>}
            <h3>{t('usage:alerts.title')}</h3>
            {alerts.length === 0 ? (
              <p className="muted">{t('usage:alerts.empty')}</p>
            ) : (
              <ul className="usage-alerts">
                {alerts.map((alert) => (
                  <li key={alert.id}>
                    <span className={`badge usage-badge--${alert.level.toLowerCase()}`}>{t(`usage:alerts.level.${alert.level}`)}</span>{' '}
                    {t('usage:alerts.text', { month: alert.month, threshold: alert.threshold, used: format.number(alert.used), quota: format.number(alert.quota) })}{' '}
                    <time className="muted" dateTime={alert.createdAt}>
                      {format.dateTime(alert.createdAt)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}
