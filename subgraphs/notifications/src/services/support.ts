import { errors, type RequestContext } from '@platform/kit';
import type { NotificationsSettings } from '../config.ts';
import type { IdentityDirectory } from '../identity-client.ts';
import type { PushSender } from '../push-sender.ts';
import type { SecretBox } from '../secret-box.ts';

/** What the current time is; tests move it forward to wake snoozed notifications and reach the digest hour. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface NotificationsDeps {
  settings: NotificationsSettings;
  clock: Clock;
  identity: IdentityDirectory;
  /** Sends web push; set once the subgraph's database has given the VAPID keys. */
  push: PushSender;
  /** Seals push registrations at rest. */
  pushBox: SecretBox;
  /** True when every subgraph's mail lands in this subgraph's local mailbox (the embedded default). */
  localMailbox: boolean;
}

/** The signed-in user's id; API keys and the platform itself have no inbox. */
export function userIdOf(context: RequestContext): string | null {
  return context.principal.kind === 'user' ? context.principal.userId : null;
}

export function requireUser(context: RequestContext): string {
  const userId = userIdOf(context);
  if (!userId) throw errors.forbidden('Notifications belong to a signed-in user; an API key has no inbox.');
  return userId;
}

export function requireOrganization(context: RequestContext): string {
  if (!context.organizationId) throw errors.unauthenticated();
  return context.organizationId;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest digest time at or before `now`: today's digest hour (UTC), or yesterday's before it. */
export function latestDigestCutoff(now: Date, hourUtc: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc);
  return new Date(today <= now.getTime() ? today : today - DAY_MS);
}
