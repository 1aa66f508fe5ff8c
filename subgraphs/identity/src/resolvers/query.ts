import { PERMISSIONS, ROLES, ROLE_DESCRIPTIONS, ROLE_PERMISSIONS } from '@platform/schema';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { requireAuthenticated } from '../services/support.ts';
import { toGraphQLRole } from './roles.ts';

export const Query: QueryResolvers = {
  viewer: (_parent, _args, context) => requireAuthenticated(context),
  organization: (_parent, args, context) => context.services.organizations.find(args),
  member: (_parent, args, context) => context.services.members.find(args.id),
  apiKey: (_parent, args, context) => context.services.apiKeys.byId(args.id),
  permissions: () => Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })),
  roles: () => ROLES.map((role) => ({ role: toGraphQLRole(role), description: ROLE_DESCRIPTIONS[role], permissions: [...ROLE_PERMISSIONS[role]] })),
};
