import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { UsageGranularity, UsageOverviewQuery } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';

type Bucket = UsageOverviewQuery['usageSeries']['buckets'][number];

const WIDTH = 720;
const HEIGHT = 200;
const GAP = 2;

/**
 * Cost per hour or day as bars drawn in SVG. The picture is for the eye only: the same figures are
 * in a table that screen readers read instead.
 */
export function UsageChart({ buckets, granularity }: { buckets: readonly Bucket[]; granularity: UsageGranularity }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const highest = Math.max(0, ...buckets.map((bucket) => bucket.cost));
  const slot = buckets.length > 0 ? WIDTH / buckets.length : WIDTH;
  const label = (start: string) => (granularity === 'HOUR' ? format.dateTime(start) : format.date(start));
  return (
    <figure className="usage-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        {t('usage:chart.caption', { count: buckets.length, highest: format.number(highest) })}
      </figcaption>
      <svg className="usage-chart__plot" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <line className="usage-chart__axis" x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} />
        {buckets.map((bucket, index) => {
          const height = highest > 0 ? (bucket.cost / highest) * (HEIGHT - 4) : 0;
          return (
            <rect
              key={bucket.start}
              className="usage-chart__bar"
              data-cost={bucket.cost}
              x={index * slot + GAP / 2}
              y={HEIGHT - height}
              width={Math.max(slot - GAP, 1)}
              height={height}
            >
              <title>{t('usage:chart.bar', { start: label(bucket.start), cost: format.number(bucket.cost) })}</title>
            </rect>
          );
        })}
      </svg>
      {/* Hidden in a box of its own: a table is never narrower than its content, so the class on the
          table itself would leave it wide enough to scroll a phone's page sideways. */}
      <div className="visually-hidden">
        <table>
          <caption>{t('usage:chart.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{granularity === 'HOUR' ? t('usage:chart.hour') : t('usage:chart.day')}</th>
              <th scope="col">{t('usage:columns.calls')}</th>
              <th scope="col">{t('usage:columns.cost')}</th>
              <th scope="col">{t('usage:columns.errors')}</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket) => (
              <tr key={bucket.start}>
                <th scope="row">
                  <time dateTime={bucket.start}>{label(bucket.start)}</time>
                </th>
                <td>{format.number(bucket.calls)}</td>
                <td>{format.number(bucket.cost)}</td>
                <td>{format.number(bucket.errors)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
