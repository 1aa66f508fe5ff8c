import type { ApiKeyUsageResolvers, QuotaAlertResolvers, UsageQuotaResolvers, UsageReportResolvers, UsageSeriesResolvers } from '../__generated__/resolvers.ts';

const granularity = (value: 'hour' | 'day') => (value === 'hour' ? 'HOUR' : 'DAY');

export const UsageSeries: UsageSeriesResolvers = {
  granularity: (series) => granularity(series.granularity),
};

export const UsageReport: UsageReportResolvers = {
  granularity: (report) => granularity(report.granularity),
};

export const ApiKeyUsage: ApiKeyUsageResolvers = {
  apiKey: (usage) => ({ id: usage.apiKeyId }),
};

export const UsageQuota: UsageQuotaResolvers = {
  alerts: (quota, _args, context) => context.services.quota.alertsOf(quota.month),
};

export const QuotaAlert: QuotaAlertResolvers = {
  level: (alert) => (alert.threshold >= 100 ? 'EXCEEDED' : 'WARNING'),
};
