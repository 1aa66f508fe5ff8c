import type { UsageSettings } from '../config.ts';

/** What the current time is; tests move it to cross months. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** An organization's monthly API quota under its plan, as billing states it. */
export interface MonthlyQuota {
  plan: string;
  /** Cost points per month; null is unlimited. */
  apiPointsPerMonth: number | null;
}

/** Where quotas come from: billing's /internal/entitlements (quota-source.ts). */
export interface QuotaSource {
  /** The organization's quota; throws when it cannot be known now. */
  quotaOf(organizationId: string, requestId: string): Promise<MonthlyQuota>;
  /** Forgets what is known of the organization (its plan changed), so the next ask goes to billing. */
  invalidate(organizationId: string): void;
}

export interface UsageDeps {
  settings: UsageSettings;
  clock: Clock;
  quotas: QuotaSource;
}
