import type { RequestContext } from '@platform/kit';
import { ApiKeyNameService } from './api-keys.ts';
import { IngestService } from './ingest.ts';
import { UsageQueryService } from './queries.ts';
import { QuotaService } from './quota.ts';
import { ReportService } from './reports.ts';
import type { UsageDeps } from './support.ts';

export type { Clock, MonthlyQuota, QuotaSource, UsageDeps } from './support.ts';
export { systemClock } from './support.ts';

export function usageServices(context: RequestContext, deps: UsageDeps) {
  const queries = new UsageQueryService(context, deps);
  const quota = new QuotaService(context, deps);
  const reports = new ReportService(context, deps, queries);
  const ingest = new IngestService(context, deps);
  const apiKeys = new ApiKeyNameService(context, deps);
  return { queries, quota, reports, ingest, apiKeys };
}

export type UsageServices = ReturnType<typeof usageServices>;
