import { DomainService, newId, paginate, type Connection, type PageArguments } from '@platform/kit';
import { LocalMail } from '../entities/index.ts';
import type { NotificationsDeps } from './support.ts';

/** A mail as the local mailbox transport hands it over. */
export interface MailboxDelivery {
  mailId: string;
  organizationId: string | null;
  source: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attachments: string[];
}

/** The embedded default's local mailbox: what every subgraph sent, for the web app to show. */
export class MailboxService extends DomainService<NotificationsDeps> {
  /** Keeps a mail once, however often its sender's relay delivers it. */
  async store(mail: MailboxDelivery): Promise<{ stored: boolean }> {
    const known = await this.em.findOne(LocalMail, { mailId: mail.mailId }, { filters: { tenant: false } });
    if (known) return { stored: false };
    try {
      await this.em.insert(LocalMail, { id: newId('lml'), ...mail, createdAt: this.deps.clock.now() });
    } catch (error) {
      // The same mail delivered twice at once: the unique mail id kept one.
      if (await this.em.fork().findOne(LocalMail, { mailId: mail.mailId }, { filters: { tenant: false } })) return { stored: false };
      throw error;
    }
    return { stored: true };
  }

  /** The organization's local mail, newest first; null when mail goes out over SMTP instead. */
  async list(page: PageArguments): Promise<Connection<LocalMail> | null> {
    if (!this.deps.localMailbox) return null;
    return paginate(this.em, LocalMail, {}, page, { order: 'desc' });
  }
}
