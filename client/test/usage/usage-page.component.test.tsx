import type { MockLink } from '@apollo/client/testing';
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import UsagePage, { LIVE_REFRESH_DELAY_MS } from '../../src/features/usage/UsagePage.tsx';
import { usageRange } from '../../src/features/usage/usage.ts';
import {
  UsageOverviewDocument,
  UsageQuotaDocument,
  UsageQuotaPlanDocument,
  UsageReportDocument,
  type UsageOverviewQuery,
  type UsageQuotaPlanQuery,
  type UsageQuotaQuery,
} from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { SubscriptionFeed } from '../support/subscriptions.ts';

const DAYS = ['2026-11-16', '2026-11-17', '2026-11-18'];

function bucket(day: string, cost: number) {
  return { __typename: 'UsageBucket' as const, start: `${day}T00:00:00.000Z`, calls: cost / 2, cost, errors: 0 };
}

function overviewAnswer(
  options: { apiKeyId?: string | null; buckets?: ReturnType<typeof bucket>[]; empty?: boolean } = {},
): MockLink.MockedResponse<UsageOverviewQuery> {
  const buckets = options.buckets ?? [bucket(DAYS[0]!, 40), bucket(DAYS[1]!, 0), bucket(DAYS[2]!, 120)];
  const total = options.empty ? { calls: 0, cost: 0, errors: 0 } : { calls: 80, cost: 160, errors: 3 };
  return {
    request: { query: UsageOverviewDocument, variables: (variables) => variables['granularity'] === 'DAY' && (variables['apiKeyId'] ?? null) === (options.apiKeyId ?? null) },
    result: {
      data: {
        __typename: 'Query',
        usageSeries: {
          __typename: 'UsageSeries',
          granularity: 'DAY',
          from: buckets[0]?.start ?? '2026-11-16T00:00:00.000Z',
          to: '2026-11-19T00:00:00.000Z',
          buckets,
          total: { __typename: 'UsageTotals', ...total },
        },
        usageTopOperations: options.empty
          ? []
          : [
              { __typename: 'OperationUsage', operationName: 'Orders', calls: 50, cost: 120, errors: 1 },
              { __typename: 'OperationUsage', operationName: 'Viewer', calls: 30, cost: 40, errors: 2 },
            ],
        usageByApiKey: options.empty ? [] : [{ __typename: 'ApiKeyUsage', apiKeyId: 'key_1', name: 'Shop sync', calls: 60, cost: 140, errors: 3 }],
      },
    },
  };
}

function quotaAnswer(quota: Partial<UsageQuotaQuery['usageQuota']> = {}, alerts: UsageQuotaQuery['usageQuotaAlerts']['nodes'] = []): MockLink.MockedResponse<UsageQuotaQuery> {
  return {
    request: { query: UsageQuotaDocument },
    result: {
      data: {
        __typename: 'Query',
        usageQuota: {
          __typename: 'UsageQuota',
          month: '2026-11',
          periodEnd: '2026-12-01T00:00:00.000Z',
          plan: 'free',
          quota: 1000,
          used: 850,
          remaining: 150,
          percentUsed: 85,
          ...quota,
        },
        usageQuotaAlerts: { __typename: 'QuotaAlertConnection', nodes: alerts },
      },
    },
  };
}

/** The catalog's answer for the plan the quota names. */
function planAnswer(key = 'free', name = 'Free'): MockLink.MockedResponse<UsageQuotaPlanQuery> {
  return {
    request: { query: UsageQuotaPlanDocument, variables: { key } },
    result: { data: { __typename: 'Query', plan: { __typename: 'Plan', id: `plan_${key}`, name } } },
  };
}

const WARNING = {
  __typename: 'QuotaAlert' as const,
  id: 'qa_1',
  month: '2026-11',
  level: 'WARNING' as const,
  threshold: 80,
  quota: 1000,
  used: 812,
  createdAt: '2026-11-18T10:00:00.000Z',
};

async function renderPage(mocks: MockLink.MockedResponse[], subscriptions = new SubscriptionFeed()) {
  const view = await renderWithApp(<UsagePage />, { path: '/usage', signedIn: true, mocks: [...mocks, planAnswer()], subscriptions });
  await screen.findByRole('heading', { level: 1, name: 'API usage' });
  return view;
}

describe('the usage page', () => {
  it('reads its figures again soon after the gateways count new usage, once for a burst of batches', async () => {
    const feed = new SubscriptionFeed();
    const later = [bucket(DAYS[0]!, 40), bucket(DAYS[1]!, 0), bucket(DAYS[2]!, 180)];
    const refreshed = { overview: 0, quota: 0 };
    const counting = <T,>(answer: MockLink.MockedResponse<T>, key: keyof typeof refreshed): MockLink.MockedResponse<T> => ({
      ...answer,
      result: () => {
        refreshed[key] += 1;
        return answer.result as never;
      },
    });
    // A second refresh would find answers too (and count them): only coalescing keeps it at one.
    const spare = [counting(overviewAnswer({ buckets: [bucket(DAYS[2]!, 999)] }), 'overview'), counting(quotaAnswer({ used: 999 }), 'quota')];
    await renderPage([overviewAnswer(), quotaAnswer(), counting(overviewAnswer({ buckets: later }), 'overview'), counting(quotaAnswer({ used: 910, remaining: 90, percentUsed: 91 }), 'quota'), ...spare], feed);
    await screen.findByRole('figure', { name: /the highest is 120/ });
    await waitFor(() => expect(feed.count('UsageRecorded')).toBe(1));

    const batch = { __typename: 'UsageRecorded', recordedAt: '2026-11-18T10:00:00.000Z', calls: 3, cost: 60 };
    // Two gateways' batches, a moment apart.
    act(() => feed.emit('UsageRecorded', { usageRecorded: batch }));
    await act(() => new Promise((resolve) => setTimeout(resolve, LIVE_REFRESH_DELAY_MS / 3)));
    act(() => feed.emit('UsageRecorded', { usageRecorded: { ...batch, calls: 1, cost: 2 } }));
    await screen.findByRole('figure', { name: /the highest is 180/ }, { timeout: 5_000 });
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'This month’s quota' })).toHaveAttribute('value', '910'));
    // A refresh per event would come a third of the delay after the first: give it time to land.
    await act(() => new Promise((resolve) => setTimeout(resolve, 2 * LIVE_REFRESH_DELAY_MS)));
    expect(refreshed).toEqual({ overview: 1, quota: 1 });
    expect(screen.getByRole('figure', { name: /the highest is 180/ })).toBeInTheDocument();
  });

  it('draws the cost per day, with the same figures in a table for screen readers', async () => {
    const { container } = await renderPage([overviewAnswer(), quotaAnswer()]);
    const chart = await screen.findByRole('figure', { name: /3 periods; the highest is 120/ });
    const bars = container.querySelectorAll('rect.usage-chart__bar');
    expect([...bars].map((bar) => bar.getAttribute('data-cost'))).toEqual(['40', '0', '120']);
    // The tallest bar fills the plot; the empty day has no height.
    expect(Number(bars[2]!.getAttribute('height'))).toBeGreaterThan(Number(bars[0]!.getAttribute('height')));
    expect(bars[1]!.getAttribute('height')).toBe('0');
    const table = within(chart).getByRole('table', { name: 'Usage per period' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(within(table).getByRole('cell', { name: '120' })).toBeInTheDocument();

    const operations = screen.getByRole('table', { name: 'Top operations' });
    expect(within(operations).getByRole('rowheader', { name: 'Orders' })).toBeInTheDocument();
    const keys = screen.getByRole('table', { name: 'Usage by API key' });
    expect(within(keys).getByRole('rowheader', { name: 'Shop sync' })).toBeInTheDocument();
  });

  it('shows the month’s quota as a bar with what is left, and its alerts', async () => {
    await renderPage([overviewAnswer(), quotaAnswer({}, [WARNING])]);
    const bar = await screen.findByRole('progressbar', { name: 'This month’s quota' });
    expect(bar).toHaveAttribute('value', '850');
    expect(bar).toHaveAttribute('max', '1000');
    expect(bar).toHaveAttribute('aria-valuetext', '850 of 1,000 points used, 150 left.');
    expect(screen.getByText('Warning')).toBeInTheDocument();
    expect(screen.getByText(/80 % of the quota reached \(812 of 1,000 points\)/)).toBeInTheDocument();
  });

  it('names the quota’s plan as the catalog does, not by its key, in English and in German', async () => {
    const mocks = () => [overviewAnswer(), quotaAnswer({ plan: 'business', quota: 5_000_000, used: 1_200, remaining: 4_998_800, percentUsed: 0 }), planAnswer('business', 'Business Plus')];
    const english = await renderWithApp(<UsagePage />, { path: '/usage', signedIn: true, mocks: mocks(), subscriptions: new SubscriptionFeed() });
    expect(await screen.findByText(/^Business Plus plan, month 2026-11; resets on /)).toBeInTheDocument();
    expect(screen.queryByText(/\bbusiness\b/)).not.toBeInTheDocument();
    english.unmount();

    await renderWithApp(<UsagePage />, { path: '/usage', signedIn: true, language: 'de', mocks: mocks(), subscriptions: new SubscriptionFeed() });
    expect(await screen.findByText(/^Tarif Business Plus, Monat 2026-11; wird am .+ zurückgesetzt\.$/)).toBeInTheDocument();
  });

  it('offers the range’s CSV report through its signed link', async () => {
    const user = userEvent.setup();
    await renderPage([
      overviewAnswer(),
      quotaAnswer(),
      {
        request: { query: UsageReportDocument, variables: (variables) => variables['granularity'] === 'DAY' && variables['from'] === usageRange('WEEK').from },
        result: {
          data: {
            usageReport: {
              __typename: 'UsageReport',
              filename: 'usage-2026-11-12-2026-11-19.csv',
              csvUrl: '/downloads/usage/rep_1.csv?signature=abc',
              expiresAt: '2026-11-18T10:05:00.000Z',
            },
          },
        },
      },
    ]);
    await user.click(await screen.findByRole('button', { name: 'Download CSV' }));
    const link = await screen.findByRole('link', { name: 'Download usage-2026-11-12-2026-11-19.csv' });
    expect(link).toHaveAttribute('href', '/downloads/usage/rep_1.csv?signature=abc');
    expect(link).toHaveFocus();
  });

  it('says so when there were no calls, and the quota is unlimited', async () => {
    const { container } = await renderPage([overviewAnswer({ empty: true, buckets: [bucket(DAYS[0]!, 0)] }), quotaAnswer({ quota: null, remaining: null, percentUsed: null, used: 0 })]);
    expect(await screen.findByText('No API calls in this range.')).toBeInTheDocument();
    expect(container.querySelector('svg.usage-chart__plot')).toBeNull();
    expect(screen.getByText('No operations in this range.')).toBeInTheDocument();
    expect(screen.getByText('No API key made calls in this range.')).toBeInTheDocument();
    expect(await screen.findByText('0 points used; your plan has no monthly limit.')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByText('No quota alerts.')).toBeInTheDocument();
  });

  it('narrows the chart to one API key', async () => {
    const user = userEvent.setup();
    const { container } = await renderPage([overviewAnswer(), quotaAnswer(), overviewAnswer({ apiKeyId: 'key_1', buckets: [bucket(DAYS[0]!, 7), bucket(DAYS[1]!, 9)] })]);
    await screen.findByRole('figure', { name: /3 periods/ });
    await user.selectOptions(screen.getByLabelText('Caller'), 'Shop sync');
    await screen.findByRole('figure', { name: /2 periods; the highest is 9/ });
    expect([...container.querySelectorAll('rect.usage-chart__bar')].map((bar) => bar.getAttribute('data-cost'))).toEqual(['7', '9']);
  });

  it('explains a failure and retries', async () => {
    const user = userEvent.setup();
    await renderPage([{ request: { query: UsageOverviewDocument, variables: () => true }, error: new Error('boom') }, overviewAnswer(), quotaAnswer()]);
    const retry = (await screen.findAllByRole('button', { name: 'Try again' }))[0]!;
    await user.click(retry);
    await waitFor(() => expect(screen.getByRole('figure', { name: /3 periods/ })).toBeInTheDocument());
  });
});
