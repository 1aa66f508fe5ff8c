import { DomainService, newId, UserInputError } from '@platform/kit';
import { createHash } from 'node:crypto';
import { Notification, NotificationDelivery, PushRegistration } from '../entities/index.ts';
import { endpointProblem, keysProblem, type PushTarget } from '../push-sender.ts';
import { requireUser, userIdOf, type NotificationsDeps } from './support.ts';

/** Attempts before a push delivery is given up. */
export const PUSH_MAX_ATTEMPTS = 6;

/** The wait before the next attempt after the 1st, 2nd, ... failed one; the last entry repeats. */
export const PUSH_RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000] as const;

/** How long an attempt in flight keeps a delivery to itself; a worker that dies mid-send frees it after this. */
export const PUSH_LEASE_MS = 2 * 60_000;

export function pushRetryDelayMs(failedAttempts: number): number {
  return PUSH_RETRY_DELAYS_MS[Math.min(Math.max(failedAttempts, 1), PUSH_RETRY_DELAYS_MS.length) - 1]!;
}

export function endpointHash(endpoint: string): string {
  return createHash('sha256').update(endpoint).digest('hex');
}

export type PushAttempt = 'sent' | 'skipped' | 'retry' | 'failed' | 'gone';

/** Browser push: registrations (sealed at rest) and the delivery of one notification to a user's browsers. */
export class PushService extends DomainService<NotificationsDeps> {
  config(): { enabled: boolean; vapidPublicKey: string | null } {
    return { enabled: true, vapidPublicKey: this.deps.push.publicKey };
  }

  list(): Promise<PushRegistration[]> {
    const userId = userIdOf(this.context);
    if (!userId) return Promise.resolve([]);
    return this.em.find(PushRegistration, { userId }, { orderBy: { createdAt: 'desc' } });
  }

  /** Registers this browser for the caller; the same endpoint registered again is updated (and moves to the caller). */
  async register(input: { endpoint: string; p256dh: string; auth: string; expirationTime?: Date | null }): Promise<{ pushSubscription: PushRegistration }> {
    const userId = requireUser(this.context);
    const endpoint = input.endpoint.trim();
    const problem = endpointProblem(endpoint, this.deps.settings.push.allowPrivateEndpoints);
    if (problem) throw UserInputError.of('INVALID_ENDPOINT', problem, ['input', 'endpoint']);
    const keys = keysProblem(input.p256dh, input.auth);
    if (keys) throw UserInputError.of('INVALID_KEYS', keys, ['input', keys.startsWith('auth') ? 'auth' : 'p256dh']);
    const now = this.deps.clock.now();
    if (input.expirationTime && input.expirationTime.getTime() <= now.getTime()) {
      throw UserInputError.of('EXPIRED', 'This push subscription has already expired; subscribe the browser again.', ['input', 'expirationTime']);
    }
    const hash = endpointHash(endpoint);
    const secretBox = this.deps.pushBox.seal(JSON.stringify({ endpoint, p256dh: input.p256dh, auth: input.auth } satisfies PushTarget));
    const existing = await this.em.findOne(PushRegistration, { endpointHash: hash });
    const registration =
      existing ??
      this.em.create(PushRegistration, {
        id: newId('psub'),
        organizationId: this.context.organizationId!,
        userId,
        endpointHash: hash,
        endpointHost: new URL(endpoint).host,
        secretBox,
        userAgent: null,
        expiresAt: null,
        createdAt: now,
        lastDeliveredAt: null,
      });
    Object.assign(registration, { userId, secretBox, userAgent: this.context.userAgent?.slice(0, 255) ?? null, expiresAt: input.expirationTime ?? null });
    this.em.persist(registration);
    await this.em.flush();
    return { pushSubscription: registration };
  }

  async remove(id: string): Promise<{ removedId: string }> {
    const userId = requireUser(this.context);
    const removed = await this.em.nativeDelete(PushRegistration, { id, userId });
    if (removed === 0) throw UserInputError.of('NOT_FOUND', `No push subscription with id '${id}' for you.`, ['input', 'id']);
    return { removedId: id };
  }

  /**
   * One attempt at a push delivery, to every browser of the user, dropping those the push service
   * says are gone (404, 410). Claimed first with a lease, so two workers never push it twice at once;
   * the sending happens outside any transaction, so a slow push service holds no lock.
   */
  async attempt(deliveryId: string): Promise<PushAttempt> {
    const now = this.deps.clock.now();
    const claimed = await this.em.nativeUpdate(
      NotificationDelivery,
      { id: deliveryId, channel: 'push', status: 'pending', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
      { nextAttemptAt: new Date(now.getTime() + PUSH_LEASE_MS) },
    );
    if (claimed === 0) return 'skipped';
    const delivery = await this.em.findOneOrFail(NotificationDelivery, { id: deliveryId });
    const notification = await this.em.findOne(Notification, { id: delivery.notificationId });
    const registrations = await this.em.find(PushRegistration, { userId: delivery.userId });
    const live = registrations.filter((registration) => !registration.expiresAt || registration.expiresAt.getTime() > now.getTime());
    for (const expired of registrations.filter((registration) => !live.includes(registration))) this.em.remove(expired);
    if (!notification || live.length === 0) {
      Object.assign(delivery, { status: 'skipped', nextAttemptAt: null, lastError: notification ? 'No browser is registered for push.' : 'The notification is gone.' });
      await this.em.flush();
      return 'skipped';
    }
    const settings = this.deps.settings.push;
    const payload = { id: notification.id, title: notification.title, body: notification.body, link: notification.link ?? null };
    const options = notification.critical ? { ttlSeconds: settings.criticalTtlSeconds, urgency: 'high' as const } : { ttlSeconds: settings.ttlSeconds, urgency: 'normal' as const };
    let sent = 0;
    let lastError: string | null = null;
    for (const registration of live) {
      let target: PushTarget;
      try {
        target = JSON.parse(this.deps.pushBox.open(registration.secretBox)) as PushTarget;
      } catch {
        // Sealed under another secret: the browser registers again the next time it opens the app.
        this.em.remove(registration);
        continue;
      }
      const outcome = await this.deps.push.send(target, payload, options);
      if (outcome.ok) {
        sent += 1;
        registration.lastDeliveredAt = now;
      } else if (outcome.gone) {
        this.em.remove(registration);
      } else {
        lastError = outcome.error;
      }
    }
    const attempts = delivery.attempts + 1;
    Object.assign(delivery, { attempts, lastAttemptAt: now, lastError });
    let result: PushAttempt;
    if (sent > 0) {
      Object.assign(delivery, { status: 'sent', deliveredAt: now, nextAttemptAt: null });
      result = 'sent';
    } else if (lastError === null) {
      Object.assign(delivery, { status: 'skipped', nextAttemptAt: null, lastError: 'Every registered browser has unsubscribed.' });
      result = 'gone';
    } else if (attempts >= PUSH_MAX_ATTEMPTS) {
      Object.assign(delivery, { status: 'failed', nextAttemptAt: null });
      result = 'failed';
    } else {
      delivery.nextAttemptAt = new Date(now.getTime() + pushRetryDelayMs(attempts));
      result = 'retry';
    }
    await this.em.flush();
    return result;
  }
}
