import type { QueryResolvers, UsageGranularity } from '../__generated__/resolvers.ts';
import type { Granularity } from '../services/periods.ts';
import { pageSize } from '@platform/kit';

const granularityOf = (value: UsageGranularity): Granularity => (value === 'HOUR' ? 'hour' : 'day');

export const Query: QueryResolvers = {
  usageSeries: (_parent, args, context) =>
    context.services.queries.series({ from: args.from, to: args.to, granularity: granularityOf(args.granularity), operationName: args.operationName, apiKeyId: args.apiKeyId }),
  usageTopOperations: (_parent, args, context) => context.services.queries.topOperations({ from: args.from, to: args.to, first: pageSize(args.first) }),
  usageByApiKey: (_parent, args, context) => context.services.queries.byApiKey({ from: args.from, to: args.to, first: pageSize(args.first) }),
  usageQuota: (_parent, _args, context) => context.services.quota.current(),
  usageQuotaAlerts: (_parent, args, context) => context.services.quota.alerts(args),
  usageReport: (_parent, args, context) => context.services.reports.link({ from: args.from, to: args.to, granularity: granularityOf(args.granularity) }),
};
