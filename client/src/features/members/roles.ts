import type { Role } from '../../graphql/__generated__/operations.ts';

/** Every role, in the order the selects offer them; the record makes a new role in the schema a type error here. */
const ROLE_ORDER: Record<Role, number> = { OWNER: 0, ADMIN: 1, MEMBER: 2, BILLING_MANAGER: 3, SUPPORT_AGENT: 4, ANALYST: 5 };

export const ROLES = (Object.keys(ROLE_ORDER) as Role[]).sort((a, b) => ROLE_ORDER[a] - ROLE_ORDER[b]);

/** Only an owner hands out ownership; everyone else chooses from the other roles. */
export function assignableRoles(viewerRole: Role | null | undefined): Role[] {
  return viewerRole === 'OWNER' ? ROLES : ROLES.filter((role) => role !== 'OWNER');
}

/** Members and invitations load this many at a time. */
export const PAGE_SIZE = 50;
