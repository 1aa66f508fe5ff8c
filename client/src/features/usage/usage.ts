import type { UsageGranularity } from '../../graphql/__generated__/operations.ts';

export type UsageRangePreset = 'DAY' | 'WEEK' | 'MONTH';

export const USAGE_RANGE_PRESETS: readonly UsageRangePreset[] = ['DAY', 'WEEK', 'MONTH'];

export interface UsageRange {
  from: string;
  to: string;
  granularity: UsageGranularity;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The range a preset stands for, ending at the end of the current hour or UTC day: whole buckets,
 * so the variables (and the cache entry) stay the same for the rest of that hour or day.
 */
export function usageRange(preset: UsageRangePreset, now: number = Date.now()): UsageRange {
  if (preset === 'DAY') {
    const to = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
    return { from: new Date(to - DAY_MS).toISOString(), to: new Date(to).toISOString(), granularity: 'HOUR' };
  }
  const days = preset === 'WEEK' ? 7 : 30;
  const to = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString(), granularity: 'DAY' };
}
