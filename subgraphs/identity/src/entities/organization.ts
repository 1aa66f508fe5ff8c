import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/** A tenant. Every tenant-owned row of every subgraph carries one's id. */
export const OrganizationSchema = defineEntity({
  name: 'Organization',
  filters: tenantScoped('id'),
  properties: {
    id: p.string().primary(),
    name: p.string().length(100),
    slug: p.string().length(64).unique(),
    createdAt: p.datetime(),
  },
});
export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);
