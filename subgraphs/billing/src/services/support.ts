import type { BillingSettings } from '../config.ts';
import type { PaymentProvider } from '../providers/provider.ts';

/** What the current time is; tests move it forward to walk through periods, trials and retries. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Asks identity for facts billing does not own. */
export interface IdentityClient {
  /** The organization's name, its active members (the seats in use) and its owners' emails. */
  organization(organizationId: string): Promise<{ name: string; activeMembers: number; ownerEmails: string[] }>;
}

export interface BillingDeps {
  settings: BillingSettings;
  provider: PaymentProvider;
  clock: Clock;
  identity: IdentityClient;
  /** Applies a stored provider event for its organization; set once the scheduler runs. */
  applyProviderEvent?: (eventId: string) => Promise<void>;
}

/** Amounts and currency as the API returns them. */
export function money(amount: number, currency: string): { amount: number; currency: string } {
  return { amount, currency };
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
