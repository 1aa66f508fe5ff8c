import type { Principal } from '@platform/schema';
import DataLoader from 'dataloader';
import type { EntityManager } from './db/orm.ts';
import { MailMessage, OutboxEvent } from './db/entities.ts';
import { newId } from './ids.ts';
import type { Infrastructure } from './infra.ts';
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
  text: string;
  /** What the mail is about, e.g. 'invitation'. */
  kind: string;
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
  /** Queues a mail in the outbox; it commits (or not) with the mutation. */
  sendMail(mail: MailRequest, organizationId?: string | null): void;
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
    sendMail(mail, mailOrganizationId = organizationId) {
      em.persist(
        em.create(MailMessage, {
          id: newId('msg'),
          organizationId: mailOrganizationId,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          kind: mail.kind,
          createdAt: new Date(),
          sentAt: null,
        }),
      );
    },
  };
}
