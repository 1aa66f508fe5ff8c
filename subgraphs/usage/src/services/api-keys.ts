import { DomainService, type DomainEvent } from '@platform/kit';
import { ApiKeyName } from '../entities/index.ts';
import type { UsageDeps } from './support.ts';

/** The names of the organization's API keys, as identity announced them (`api_key.created`). */
export class ApiKeyNameService extends DomainService<UsageDeps> {
  /** Keeps a new key's name; an event handled again finds it there and changes nothing. */
  async remember(event: DomainEvent): Promise<void> {
    const { apiKeyId, name } = event.payload as { apiKeyId?: unknown; name?: unknown };
    const organizationId = event.organizationId;
    if (!organizationId || typeof apiKeyId !== 'string' || typeof name !== 'string') return;
    if (await this.em.findOne(ApiKeyName, { apiKeyId })) return;
    this.em.create(ApiKeyName, { apiKeyId, organizationId, name: name.slice(0, 100), createdAt: new Date(event.occurredAt) });
    await this.em.flush();
  }
}
