import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import { Organization } from './organization.ts';
import { User } from './user.ts';

export const MembershipSchema = defineEntity({
  name: 'Membership',
  filters: tenantScoped(),
  uniques: [{ properties: ['organization', 'user'] }],
  properties: {
    id: p.string().primary(),
    organization: () => p.manyToOne(Organization).ref(),
    user: () => p.manyToOne(User).ref().index(),
    /** One of the registry's roles (owner, admin, member, billing_manager, support_agent, analyst). */
    role: p.string().length(32),
    createdAt: p.datetime(),
  },
});
export class Membership extends MembershipSchema.class {}
MembershipSchema.setClass(Membership);
