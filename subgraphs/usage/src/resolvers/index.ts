import { DateTime } from '@platform/kit';
import { Query } from './query.ts';
import { ApiKeyUsage, QuotaAlert, UsageQuota, UsageReport, UsageSeries } from './types.ts';

export const resolvers = {
  DateTime,
  Query,
  UsageSeries,
  UsageReport,
  ApiKeyUsage,
  UsageQuota,
  QuotaAlert,
};
