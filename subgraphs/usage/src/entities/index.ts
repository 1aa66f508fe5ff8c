import { QuotaAlertSchema } from './alert.ts';
import { ApiKeyNameSchema } from './api-key.ts';
import { UsageBatchSchema, UsageHourSchema, UsageMonthSchema } from './usage.ts';

export { QuotaAlert, type QuotaThreshold } from './alert.ts';
export { ApiKeyName } from './api-key.ts';
export { UsageBatch, UsageHour, UsageMonth, type PrincipalKind } from './usage.ts';

export const entities = [UsageHourSchema, UsageMonthSchema, UsageBatchSchema, QuotaAlertSchema, ApiKeyNameSchema];
