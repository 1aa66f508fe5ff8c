import type { EntityManager } from '@platform/kit';
import { LoginThrottle } from '../entities/index.ts';
import type { IdentitySettings } from '../config.ts';

/** Failures older than this are forgotten at the next failure. */
const FAILURE_MEMORY_MS = 60 * 60 * 1000;

export type ThrottleKey = { key: string; freeFailures: number };

/**
 * Brute-force protection for log-in: after a number of free failures, each further failure locks the
 * account (or the address) for twice as long as the last, up to a ceiling. A lock applies to the
 * right password too, and to unknown accounts alike, so that it reveals nothing.
 */
export class LoginThrottleService {
  private readonly em: EntityManager;
  private readonly settings: IdentitySettings['login'];
  constructor(em: EntityManager, settings: IdentitySettings['login']) {
    this.em = em;
    this.settings = settings;
  }

  keysFor(email: string, clientIp: string | null): ThrottleKey[] {
    const keys = [{ key: `email:${email}`, freeFailures: this.settings.freeFailuresPerAccount }];
    if (clientIp) keys.push({ key: `ip:${clientIp}`, freeFailures: this.settings.freeFailuresPerIp });
    return keys;
  }

  /** Seconds until the caller may try again, or 0. */
  async secondsLocked(keys: ThrottleKey[], now = new Date()): Promise<number> {
    const rows = await this.em.find(LoginThrottle, { key: { $in: keys.map((entry) => entry.key) } });
    const until = Math.max(0, ...rows.map((row) => row.lockedUntil?.getTime() ?? 0));
    return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
  }

  /** Counts a failure against every key; returns the lock it earned in seconds (0 for none). */
  async recordFailure(keys: ThrottleKey[], now = new Date()): Promise<number> {
    const rows = await this.em.find(LoginThrottle, { key: { $in: keys.map((entry) => entry.key) } });
    let longest = 0;
    for (const { key, freeFailures } of keys) {
      let row = rows.find((candidate) => candidate.key === key);
      if (!row) {
        row = this.em.create(LoginThrottle, { key, failures: 0, lastFailureAt: now, lockedUntil: null });
      } else if (now.getTime() - row.lastFailureAt.getTime() > FAILURE_MEMORY_MS) {
        row.failures = 0;
      }
      row.failures += 1;
      row.lastFailureAt = now;
      const over = row.failures - freeFailures;
      if (over > 0) {
        const seconds = Math.min(this.settings.maxLockSeconds, this.settings.baseLockSeconds * 2 ** (over - 1));
        row.lockedUntil = new Date(now.getTime() + seconds * 1000);
        longest = Math.max(longest, seconds);
      }
    }
    await this.em.flush();
    return longest;
  }

  /** A successful log-in clears the account's count (never the address's: one good account must not unlock an address). */
  async recordSuccess(email: string): Promise<void> {
    const row = await this.em.findOne(LoginThrottle, { key: `email:${email}` });
    if (row) this.em.remove(row);
  }
}
