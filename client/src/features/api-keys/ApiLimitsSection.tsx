import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ApiLimitsDocument } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';

/**
 * The organization's API limits from its plan. They are a courtesy on this page: when they cannot
 * be read (no permission, billing unreachable) the section is left out rather than shown as broken.
 */
export function ApiLimitsSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useQuery(ApiLimitsDocument, { errorPolicy: 'all' });
  const entitlements = query.data?.viewer?.organization.entitlements;
  if (!entitlements) return null;
  const perMonth = entitlements.apiPointsPerMonth;
  return (
    <section className="card" aria-labelledby="api-keys-limits">
      <h2 id="api-keys-limits">{t('apiKeys:limits.title')}</h2>
      <p className="muted">{t('apiKeys:limits.intro')}</p>
      <dl className="facts">
        <div>
          <dt>{t('apiKeys:limits.perSecondLabel')}</dt>
          <dd>{t('apiKeys:limits.perSecond', { count: entitlements.apiPointsPerSecond, formatted: format.number(entitlements.apiPointsPerSecond) })}</dd>
        </div>
        <div>
          <dt>{t('apiKeys:limits.perMonthLabel')}</dt>
          <dd>{perMonth === null || perMonth === undefined ? t('apiKeys:limits.unlimited') : t('apiKeys:limits.perMonth', { formatted: format.number(perMonth) })}</dd>
        </div>
      </dl>
    </section>
  );
}
