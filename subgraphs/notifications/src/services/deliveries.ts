import { DomainService, MailMessage, mailRetryDelayMs } from '@platform/kit';
import { CHANNELS, NotificationDelivery, type DeliveryStatus, type NotificationChannel } from '../entities/index.ts';
import type { NotificationsDeps } from './support.ts';

/** A channel's delivery as the API shows it. */
export interface DeliveryModel {
  channel: NotificationChannel;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  lastError: string | null;
}

/** A mail transport's error (`ETIMEDOUT: ...`, `EENVELOPE (550): ...`) in words that name no server. */
export function publicMailError(lastError: string | null): string | null {
  if (!lastError) return null;
  const code = /^([A-Z_]+)/.exec(lastError)?.[1] ?? '';
  const reply = /\((\d{3})\)/.exec(lastError)?.[1];
  if (code === 'ETIMEDOUT' || /timeout/i.test(lastError)) return 'The mail server did not answer in time.';
  if (code === 'EAUTH') return 'The mail server refused the platform\'s credentials.';
  if (reply) return `The mail server refused the message (${reply}).`;
  if (['ECONNECTION', 'ECONNREFUSED', 'ESOCKET', 'EDNS', 'ECONNRESET'].includes(code)) return 'The mail server could not be reached.';
  return 'The mail server did not take the message.';
}

/** What an email delivery looks like: its queued mail's real outcome, which the kit's relay records. */
export function mailOutcome(mail: MailMessage, now: Date): Omit<DeliveryModel, 'channel'> {
  const status: DeliveryStatus = mail.sentAt ? 'sent' : mail.failedAt ? 'failed' : 'pending';
  // The relay keeps no attempt time: after a failure it set the retry time that far ahead.
  const retriedFrom = mail.attempts > 0 && mail.nextAttemptAt ? new Date(mail.nextAttemptAt.getTime() - mailRetryDelayMs(mail.attempts)) : null;
  const lastAttemptAt = mail.sentAt ?? mail.failedAt ?? (retriedFrom && retriedFrom.getTime() > now.getTime() ? now : retriedFrom);
  return { status, attempts: mail.attempts, lastAttemptAt, deliveredAt: mail.sentAt ?? null, lastError: mail.sentAt ? null : publicMailError(mail.lastError ?? null) };
}

/** Each channel's delivery of a notification, batched across a page of notifications. */
export class DeliveryService extends DomainService<NotificationsDeps> {
  async of(notificationId: string): Promise<DeliveryModel[]> {
    const deliveries = await this.context.loaders
      .get<string, NotificationDelivery[]>('deliveries', async (ids) => {
        const rows = await this.em.find(NotificationDelivery, { notificationId: { $in: [...ids] } });
        return ids.map((id) => rows.filter((row) => row.notificationId === id));
      })
      .load(notificationId);
    const mailIds = deliveries.flatMap((delivery) => (delivery.mailId ? [delivery.mailId] : []));
    const mails = await Promise.all(
      mailIds.map((id) =>
        this.context.loaders
          .get<string, MailMessage | null>('mails', async (ids) => {
            const rows = await this.em.find(MailMessage, { id: { $in: [...ids] } });
            return ids.map((key) => rows.find((row) => row.id === key) ?? null);
          })
          .load(id),
      ),
    );
    const byMail = new Map(mails.flatMap((mail) => (mail ? [[mail.id, mail] as const] : [])));
    const now = this.deps.clock.now();
    return deliveries
      .sort((a, b) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel))
      .map((delivery) => {
        const mail = delivery.mailId ? byMail.get(delivery.mailId) : undefined;
        if (mail) return { channel: delivery.channel, ...mailOutcome(mail, now) };
        return {
          channel: delivery.channel,
          status: delivery.status,
          attempts: delivery.attempts,
          lastAttemptAt: delivery.lastAttemptAt ?? null,
          deliveredAt: delivery.deliveredAt ?? null,
          lastError: delivery.lastError ?? null,
        };
      });
  }
}
