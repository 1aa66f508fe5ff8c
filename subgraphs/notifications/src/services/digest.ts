import { DomainService } from '@platform/kit';
import { Notification, NotificationDelivery, RecipientSettings } from '../entities/index.ts';
import type { MemberEntry } from '../identity-client.ts';
import { renderDigestMail } from '../templates/render.ts';
import { DEFAULT_SETTINGS } from './preferences.ts';
import { latestDigestCutoff, type NotificationsDeps } from './support.ts';

/** The daily digest: non-critical email of members on DAILY_DIGEST, gathered into one localized mail a day. */
export class DigestService extends DomainService<NotificationsDeps> {
  /**
   * Sends one member's digest for the day, once: the settings row's `lastDigestAt` is claimed first,
   * so a second worker (or a rerun) finds it done. Runs in the worker's transaction for the organization.
   * `member` is null when they are no longer a member; their waiting email is then skipped.
   */
  async send(userId: string, member: MemberEntry | null, organizationName: string): Promise<number> {
    const now = this.deps.clock.now();
    const cutoff = latestDigestCutoff(now, this.deps.settings.digestHourUtc);
    const settings = await this.em.findOne(RecipientSettings, { userId });
    if (settings?.lastDigestAt && settings.lastDigestAt.getTime() >= cutoff.getTime()) return 0;
    const waiting = await this.em.find(NotificationDelivery, { userId, channel: 'email', status: 'digest_pending' }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 200 });
    if (settings) {
      const claimed = await this.em.nativeUpdate(RecipientSettings, { id: settings.id, $or: [{ lastDigestAt: null }, { lastDigestAt: { $lt: cutoff } }] }, { lastDigestAt: cutoff });
      if (claimed === 0) return 0;
    }
    if (waiting.length === 0) return 0;
    if (!member) {
      await this.em.nativeUpdate(NotificationDelivery, { id: { $in: waiting.map((delivery) => delivery.id) } }, { status: 'skipped', lastError: 'No longer a member.' });
      return 0;
    }
    const notifications = await this.em.find(Notification, { id: { $in: waiting.map((delivery) => delivery.notificationId) } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const locale = settings?.locale ?? DEFAULT_SETTINGS.locale;
    const mail = renderDigestMail(
      { locale, recipientName: member.name, organizationName, publicUrl: this.deps.settings.publicUrl },
      notifications.map((notification) => ({ title: notification.title, body: notification.body, link: notification.link ?? null, createdAt: notification.createdAt })),
    );
    const mailId = this.context.sendMail({ to: member.email, ...mail, kind: 'notification:digest' });
    await this.em.nativeUpdate(NotificationDelivery, { id: { $in: waiting.map((delivery) => delivery.id) } }, { status: 'pending', mailId });
    return notifications.length;
  }
}
