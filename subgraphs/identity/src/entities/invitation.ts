import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import { Organization } from './organization.ts';
import { User } from './user.ts';

export const InvitationSchema = defineEntity({
  name: 'Invitation',
  filters: tenantScoped(),
  properties: {
    id: p.string().primary(),
    organization: () => p.manyToOne(Organization).ref(),
    email: p.string().length(254),
    role: p.string().length(32),
    /** SHA-256 of the token mailed to the invitee; the token itself is never stored. */
    tokenHash: p.string().length(64).unique(),
    invitedBy: () => p.manyToOne(User).ref().nullable(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    acceptedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export class Invitation extends InvitationSchema.class {}
InvitationSchema.setClass(Invitation);
