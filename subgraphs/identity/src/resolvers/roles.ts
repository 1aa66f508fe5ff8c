import type { Role } from '@platform/schema';
import type { Role as GraphQLRole } from '../__generated__/resolvers.ts';

/** The registry's role names are lower case (`billing_manager`); GraphQL's enum values are upper case. */
export function toGraphQLRole(role: string): GraphQLRole {
  return role.toUpperCase() as GraphQLRole;
}

export function fromGraphQLRole(role: GraphQLRole): Role {
  return role.toLowerCase() as Role;
}
