import { createInternalClient } from '@platform/kit';
import { ANONYMOUS, isRole, type Role } from '@platform/schema';

export interface MemberEntry {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

export interface OrganizationMembers {
  organizationName: string;
  members: MemberEntry[];
}

/** Who the recipients are: identity owns the members, their roles and their email addresses. */
export interface IdentityDirectory {
  /** The organization's members, all or only those with the given ids or roles (both given: either). */
  members(organizationId: string, filter?: { userIds?: readonly string[]; roles?: readonly Role[] }): Promise<OrganizationMembers>;
}

/** Identity's signed internal route `/internal/organizations/members`. */
export function createIdentityDirectory(options: { identityUrl: string; signingSecret: string }): IdentityDirectory {
  const client = createInternalClient({ secret: options.signingSecret, userAgent: 'notifications' });
  return {
    async members(organizationId, filter = {}) {
      const answer = await client.post<{ organizationName?: unknown; members?: unknown }>(
        options.identityUrl,
        '/internal/organizations/members',
        { organizationId, ...(filter.userIds ? { userIds: filter.userIds } : {}), ...(filter.roles ? { roles: filter.roles } : {}) },
        // The route names the organization; the call carries no one's authority.
        { principal: ANONYMOUS, requestId: `notifications-${Date.now()}` },
      );
      if (typeof answer.organizationName !== 'string' || !Array.isArray(answer.members)) {
        throw new Error('identity answered the members in an unexpected shape');
      }
      const members = answer.members.filter(
        (entry): entry is MemberEntry =>
          typeof entry?.userId === 'string' && typeof entry.email === 'string' && typeof entry.name === 'string' && typeof entry.role === 'string' && isRole(entry.role),
      );
      return { organizationName: answer.organizationName, members };
    },
  };
}
