import type { ApiKeyFieldsFragment } from '../../graphql/__generated__/operations.ts';

export type ApiKeyStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

/** Revoked wins over expired: it is what someone did, not what time did. */
export function apiKeyStatus(key: Pick<ApiKeyFieldsFragment, 'revokedAt' | 'expiresAt'>, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return 'EXPIRED';
  return 'ACTIVE';
}

/** The last instant of a calendar day (`YYYY-MM-DD`) in UTC, or null when it is not a real date. */
export function endOfDayUtc(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const start = new Date(`${day}T00:00:00.000Z`);
  // Date rolls 2026-02-31 over into March; a real day reads back unchanged.
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day) return null;
  return `${day}T23:59:59.999Z`;
}

/** Today as the date input writes it, in UTC, the zone expiry days are counted in. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The chosen permissions travel through the form as one space-separated string (names hold no spaces). */
export function splitPermissions(value: string): string[] {
  return value.split(' ').filter(Boolean);
}
