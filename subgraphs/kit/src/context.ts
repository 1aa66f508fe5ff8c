import type { Principal } from '@platform/schema';
import DataLoader from 'dataloader';
import type { EntityManager } from './db/orm.ts';
import { MailMessage, OutboxEvent, type MailAttachment } from './db/entities.ts';
import { newId } from './ids.ts';
import type { Infrastructure } from './infra.ts';
import { recordLiveMessage } from './live.ts';
import type { Logger } from './logger.ts';

/** Per-request DataLoaders, made on first use and dropped with the request. */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<Key, Value>(name: string, batch: (keys: readonly Key[]) => Promise<readonly (Value | Error)[]>): DataLoader<Key, Value> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = new DataLoader(batch as (keys: readonly unknown[]) => Promise<readonly unknown[]>, { maxBatchSize: 500 });
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<Key, Value>;
  }
}

export interface MailRequest {
  to: string;
  subject: string;
  /** The plain-text body; every mail has one, for clients that show no HTML. */
  text: string;
  /** An HTML alternative of `text`; default none. */
  html?: string;
  /** Files sent with the mail; default none. At most MAX_MAIL_ATTACHMENT_BYTES in all, decoded. */
  attachments?: MailAttachment[];
  /** What the mail is about, e.g. 'invitation'. */
  kind: string;
}

/** The largest total size of a mail's attachments (decoded), well under what mail servers accept. */
export const MAX_MAIL_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const CONTENT_TYPE = /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Refuses an attachment the transport could not send as given: that is the calling service's bug. */
function checkAttachments(attachments: readonly MailAttachment[]): void {
  let total = 0;
  for (const attachment of attachments) {
    const { filename, contentType, contentBase64 } = attachment;
    if (typeof filename !== 'string' || filename.length === 0 || filename.length > 200 || /[\\/\r\n\0]/.test(filename)) {
      throw new Error('A mail attachment needs a plain file name (no path, at most 200 characters).');
    }
    if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
      throw new Error(`Mail attachment '${filename}' needs a content type such as application/pdf.`);
    }
    if (typeof contentBase64 !== 'string' || contentBase64.length % 4 !== 0 || !BASE64.test(contentBase64)) {
      throw new Error(`Mail attachment '${filename}' is not valid base64.`);
    }
    total += Buffer.byteLength(contentBase64, 'base64');
  }
  if (total > MAX_MAIL_ATTACHMENT_BYTES) throw new Error(`Mail attachments exceed ${MAX_MAIL_ATTACHMENT_BYTES} bytes.`);
}

/** Everything a resolver and a service may use for one request; made fresh for every request. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  /** The caller's organization, from the verified principal; null when anonymous. */
  organizationId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  /** This request's own entity manager, tenant filter already fed. */
  em: EntityManager;
  log: Logger;
  infra: Infrastructure;
  loaders: Loaders;
  /** Records a domain event in the outbox; it commits (or not) with the mutation. */
  emit(type: string, payload: Record<string, unknown>, organizationId?: string | null): void;
  /** Queues a mail in the outbox; it commits (or not) with the mutation. Returns the mail's id (msg_...). */
  sendMail(mail: MailRequest, organizationId?: string | null): string;
  /**
   * Records a live message for subscribers of `Subscription.<field>` (kit live.ts); it commits (or not)
   * with the mutation. `data` is the field's value; `userIds` narrows the audience to those users
   * (default: every subscriber of the organization); `organizationId` defaults to the caller's.
   */
  publish(field: string, data: Record<string, unknown>, options?: PublishOptions): void;
}

export interface PublishOptions {
  /** Only these users receive it; default every subscriber of the organization. */
  userIds?: readonly string[];
  /** Default the caller's organization. */
  organizationId?: string | null;
}

export interface ContextInput {
  requestId: string;
  principal: Principal;
  clientIp: string | null;
  userAgent: string | null;
  em: EntityManager;
  log: Logger;
  infra: Infrastructure;
}

export function createRequestContext(input: ContextInput): RequestContext {
  const organizationId = input.principal.kind === 'anonymous' ? null : input.principal.organizationId;
  const em = input.em;
  if (organizationId) em.setFilterParams('tenant', { organizationId });
  return {
    ...input,
    organizationId,
    loaders: new Loaders(),
    emit(type, payload, eventOrganizationId = organizationId) {
      em.persist(
        em.create(OutboxEvent, {
          id: newId('evt'),
          type,
          organizationId: eventOrganizationId,
          payload,
          requestId: input.requestId,
          occurredAt: new Date(),
          publishedAt: null,
        }),
      );
    },
    publish(field, data, options = {}) {
      const liveOrganizationId = options.organizationId === undefined ? organizationId : options.organizationId;
      if (!liveOrganizationId) throw new Error(`Live message '${field}' needs an organization; the caller has none.`);
      recordLiveMessage(em, { field, organizationId: liveOrganizationId, userIds: options.userIds ?? null, data }, input.requestId);
    },
    sendMail(mail, mailOrganizationId = organizationId) {
      const attachments = mail.attachments ?? [];
      checkAttachments(attachments);
      const id = newId('msg');
      em.persist(
        em.create(MailMessage, {
          id,
          organizationId: mailOrganizationId,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html ?? null,
          attachments: attachments.length > 0 ? attachments.map(({ filename, contentType, contentBase64 }) => ({ filename, contentType, contentBase64 })) : null,
          kind: mail.kind,
          createdAt: new Date(),
          sentAt: null,
          attempts: 0,
          lastError: null,
          nextAttemptAt: null,
          failedAt: null,
        }),
      );
      return id;
    },
  };
}
