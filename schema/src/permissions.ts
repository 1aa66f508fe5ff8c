/**
 * The permission registry: every `resource.action` the platform checks, with what it allows, and the
 * roles that hold them. Fields declare the permission they need with `@access(permission: "...")`;
 * a name used in SDL that is not listed here fails composition (see compose.ts).
 */
export const PERMISSIONS = {
  'organization.read': 'See the organization: its name, slug and settings.',
  'organization.update': 'Rename the organization and change its settings.',
  'member.read': 'List the members of the organization and their roles.',
  'member.invite': 'Invite people to the organization and revoke pending invitations.',
  'member.update': 'Change the role of a member.',
  'member.remove': 'Remove a member from the organization.',
  'apikey.read': 'List the organization\'s API keys (never their secrets).',
  'apikey.manage': 'Create and revoke API keys.',
  'billing.read': 'See the subscription, invoices and payment methods.',
  'billing.manage': 'Change the plan, seats and payment methods.',
  'support.read': 'See support tickets.',
  'support.manage': 'Answer, assign and close support tickets.',
  'analytics.read': 'See usage, analytics and reports.',
  'audit.read': 'Read the audit log.',
  'notification.send': 'Send announcements to the organization\'s members.',
  'notification.manage': 'Set the organization\'s default notification preferences and read its local mailbox.',
  'platform.manage': 'Platform operators only: manage the plan catalog and coupons. No organization role holds it.',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES = ['owner', 'admin', 'member', 'billing_manager', 'support_agent', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** Held by platform operators (a flag on their user), never through an organization role. */
export const OPERATOR_PERMISSIONS: readonly Permission[] = ['platform.manage'];

const everything = (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => !OPERATOR_PERMISSIONS.includes(permission));

/** What each role may do. Owners hold everything; the last owner is protected by the identity domain. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: everything,
  admin: everything.filter((permission) => permission !== 'billing.manage'),
  member: ['organization.read', 'member.read'],
  billing_manager: ['organization.read', 'member.read', 'billing.read', 'billing.manage'],
  support_agent: ['organization.read', 'member.read', 'support.read', 'support.manage'],
  analyst: ['organization.read', 'member.read', 'analytics.read', 'audit.read', 'billing.read'],
};

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  owner: 'Full control, including billing and deleting the organization.',
  admin: 'Manages members, API keys and settings; cannot change billing.',
  member: 'Uses the product; sees the organization and its members.',
  billing_manager: 'Manages the subscription, invoices and payment methods.',
  support_agent: 'Works the support queue.',
  analyst: 'Reads usage, analytics, reports and the audit log.',
};

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
