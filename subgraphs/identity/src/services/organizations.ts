import type { IdentityDeps } from './support.ts';
import { DomainService, errors, validateInput } from '@platform/kit';
import { z } from 'zod';
import { Organization } from '../entities/index.ts';
import { organizationNameRule } from './accounts.ts';

export class OrganizationService extends DomainService<IdentityDeps> {

  /** The caller's organization by id or slug; any other is null (the tenant filter sees to it). */
  async find(where: { id?: string | null; slug?: string | null }): Promise<Organization | null> {
    if (where.id) return this.byId(where.id);
    if (where.slug) return this.context.em.findOne(Organization, { slug: where.slug });
    if (!this.context.organizationId) return null;
    return this.byId(this.context.organizationId);
  }

  byId(id: string): Promise<Organization | null> {
    return this.context.loaders
      .get<string, Organization | null>('organizationById', async (ids) => {
        const rows = await this.context.em.find(Organization, { id: { $in: [...ids] } });
        return ids.map((id) => rows.find((row) => row.id === id) ?? null);
      })
      .load(id);
  }

  async current(): Promise<Organization> {
    const organization = this.context.organizationId ? await this.byId(this.context.organizationId) : null;
    if (!organization) throw errors.unauthenticated();
    return organization;
  }

  async update(input: unknown): Promise<{ organization: Organization }> {
    const { name } = validateInput(z.object({ name: organizationNameRule }), input);
    const organization = await this.current();
    organization.name = name;
    this.context.emit('organization.updated', { organizationId: organization.id, name });
    return { organization };
  }
}
