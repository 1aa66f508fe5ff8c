import { useApolloClient, useLazyQuery, useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { UsageOverviewDocument, UsageQuotaDocument, UsageRecordedDocument, UsageReportDocument, type UsageReportQuery } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useRealtimeReconnect, useSubscription } from '../../graphql/useSubscription.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { SelectField } from '../../ui/Field.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { UsageChart } from './UsageChart.tsx';
import { UsageQuotaSection } from './UsageQuotaSection.tsx';
import { USAGE_RANGE_PRESETS, usageRange, type UsageRangePreset } from './usage.ts';
import './usage.css';

/** Usage arrives in batches from every gateway within a few seconds of each other: one refresh for them all. */
export const LIVE_REFRESH_DELAY_MS = 1500;

/** Reads the page's figures again shortly after the gateways counted new usage, and after a reconnect. */
function useLiveUsage(): void {
  const apollo = useApolloClient();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshSoon = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void apollo.refetchQueries({ include: [UsageOverviewDocument, UsageQuotaDocument] });
    }, LIVE_REFRESH_DELAY_MS);
  };
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useSubscription(UsageRecordedDocument, { onData: refreshSoon });
  useRealtimeReconnect(refreshSoon);
}

export default function UsagePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [preset, setPreset] = useState<UsageRangePreset>('WEEK');
  const [apiKeyId, setApiKeyId] = useState('');
  const range = usageRange(preset);
  const overview = useQuery(UsageOverviewDocument, { variables: { ...range, apiKeyId: apiKeyId || null } });
  useLiveUsage();
  const data = overview.data;
  const series = data?.usageSeries;
  const keys = data?.usageByApiKey ?? [];
  const operations = data?.usageTopOperations ?? [];

  return (
    <>
      <PageHeader title={t('usage:title')} description={t('usage:description')} />
      <UsageQuotaSection />
      <section className="card" aria-labelledby={`${id}-over-time`}>
        <h2 id={`${id}-over-time`}>{t('usage:overTime.title')}</h2>
        <div className="usage-controls">
          <fieldset className="usage-presets">
            <legend>{t('usage:range.label')}</legend>
            {USAGE_RANGE_PRESETS.map((option) => (
              <label key={option}>
                <input type="radio" name={`${id}-range`} value={option} checked={preset === option} onChange={() => setPreset(option)} />
                {t(`usage:range.${option}`)}
              </label>
            ))}
          </fieldset>
          <SelectField label={t('usage:filter.apiKey')} value={apiKeyId} onChange={(event) => setApiKeyId(event.target.value)}>
            <option value="">{t('usage:filter.allCallers')}</option>
            {keys.map((key) => (
              <option key={key.apiKeyId} value={key.apiKeyId}>
                {key.name ?? key.apiKeyId}
              </option>
            ))}
          </SelectField>
          <UsageReportDownload from={range.from} to={range.to} granularity={range.granularity} />
        </div>
        <QueryState loading={overview.loading} error={overview.error} hasData={Boolean(series)} retry={() => void overview.refetch()}>
          {series && (
            <>
              <dl className="facts">
                <div>
                  <dt>{t('usage:columns.calls')}</dt>
                  <dd>{format.number(series.total.calls)}</dd>
                </div>
                <div>
                  <dt>{t('usage:columns.cost')}</dt>
                  <dd>{format.number(series.total.cost)}</dd>
                </div>
                <div>
                  <dt>{t('usage:columns.errors')}</dt>
                  <dd>{format.number(series.total.errors)}</dd>
                </div>
              </dl>
              {series.total.calls === 0 ? (
                <p className="muted">{t('usage:overTime.empty')}</p>
              ) : (
                <UsageChart buckets={series.buckets} granularity={series.granularity} />
              )}
            </>
          )}
        </QueryState>
      </section>
      <section className="card" aria-labelledby={`${id}-operations`}>
        <h2 id={`${id}-operations`}>{t('usage:operations.title')}</h2>
        <QueryState loading={overview.loading} error={overview.error} hasData={Boolean(data)} retry={() => void overview.refetch()}>
          {operations.length === 0 ? (
            <p className="muted">{t('usage:operations.empty')}</p>
          ) : (
            <UsageTable
              caption={t('usage:operations.title')}
              first={t('usage:columns.operation')}
              rows={operations.map((operation) => ({ key: operation.operationName, label: <code>{operation.operationName}</code>, ...operation }))}
            />
          )}
        </QueryState>
      </section>
      <section className="card" aria-labelledby={`${id}-keys`}>
        <h2 id={`${id}-keys`}>{t('usage:apiKeys.title')}</h2>
        <QueryState loading={overview.loading} error={overview.error} hasData={Boolean(data)} retry={() => void overview.refetch()}>
          {keys.length === 0 ? (
            <p className="muted">{t('usage:apiKeys.empty')}</p>
          ) : (
            <UsageTable
              caption={t('usage:apiKeys.title')}
              first={t('usage:columns.apiKey')}
              rows={keys.map((key) => ({ key: key.apiKeyId, label: key.name ?? t('usage:apiKeys.deleted'), ...key }))}
            />
          )}
        </QueryState>
      </section>
    </>
  );
}

interface UsageRow {
  key: string;
  label: ReactNode;
  calls: number;
  cost: number;
  errors: number;
}

function UsageTable({ caption, first, rows }: { caption: string; first: string; rows: UsageRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="table-wrap">
      <table className="usage-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" className="usage-figure">{t('usage:columns.calls')}</th>
            <th scope="col" className="usage-figure">{t('usage:columns.cost')}</th>
            <th scope="col" className="usage-figure">{t('usage:columns.errors')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <td className="usage-figure">{format.number(row.calls)}</td>
              <td className="usage-figure">{format.number(row.cost)}</td>
              <td className="usage-figure">{format.number(row.errors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Report = UsageReportQuery['usageReport'];

/** Asks for a signed link to the range's CSV, then offers it; the link expires, so it is never cached. */
function UsageReportDownload(range: { from: string; to: string; granularity: 'HOUR' | 'DAY' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [fetchReport, { loading }] = useLazyQuery(UsageReportDocument, { fetchPolicy: 'no-cache' });
  const [report, setReport] = useState<Report | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const link = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (report) link.current?.focus();
  }, [report]);
  useEffect(() => setReport(null), [range.from, range.to, range.granularity]);

  async function prepare() {
    setProblem(null);
    try {
      const { data, error } = await fetchReport({ variables: { from: range.from, to: range.to, granularity: range.granularity } });
      if (error) throw error;
      setReport(data?.usageReport ?? null);
    } catch (failure) {
      setProblem(describeError(failure, t));
    }
  }

  return (
    <div className="usage-report">
      {report ? (
        <p>
          <a ref={link} href={report.csvUrl} download={report.filename}>
            {t('usage:report.download', { filename: report.filename })}
          </a>{' '}
          <span className="muted">{t('usage:report.expires', { time: format.dateTime(report.expiresAt) })}</span>
        </p>
      ) : (
        <Button variant="secondary" busy={loading} onClick={() => void prepare()}>
          {t('usage:report.prepare')}
        </Button>
      )}
      {problem && <Alert>{problem}</Alert>}
    </div>
  );
}
