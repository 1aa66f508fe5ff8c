import type {
  ApiKeyResolvers,
  PersistedOperationResolvers,
  InvitationResolvers,
  MemberResolvers,
  MembershipResolvers,
  OrganizationResolvers,
  UserResolvers,
  ViewerResolvers,
} from '../__generated__/resolvers.ts';
import type { ApiKey, Membership, Organization, User } from '../entities/index.ts';
import { invitationStatus } from '../services/invitations.ts';
import type { IdentityContext } from './context.ts';
import { toGraphQLRole } from './roles.ts';

type Reference<Model> = { __resolveReference(reference: { id: string }, context: IdentityContext): Promise<Model | null> };

export const Viewer: ViewerResolvers = {
  user: (principal, _args, context) => (principal.kind === 'user' ? context.services.directory.visibleUser(principal.userId) : null),
  apiKey: (principal, _args, context) => (principal.kind === 'apiKey' ? context.services.apiKeys.byId(principal.apiKeyId) : null),
  organization: (_principal, _args, context) => context.services.organizations.current(),
  role: (principal) => (principal.kind === 'user' ? toGraphQLRole(principal.role) : null),
  permissions: (principal) => [...principal.permissions],
  memberships: (principal, _args, context) =>
    principal.kind === 'user' ? context.services.sessions.membershipsOf(principal.userId) : [],
};

export const Membership_: MembershipResolvers = {
  organization: (membership) => membership.organization.getEntity(),
  role: (membership) => toGraphQLRole(membership.role),
  joinedAt: (membership) => membership.createdAt,
};

export const Member: MemberResolvers & Reference<Membership> = {
  __resolveReference: (reference, context) => context.services.members.find(reference.id),
  user: (membership) => membership.user.load() as Promise<User>,
  role: (membership) => toGraphQLRole(membership.role),
  joinedAt: (membership) => membership.createdAt,
  isLastOwner: (membership, _args, context) => context.services.members.isLastOwner(membership),
};

export const User_: UserResolvers & Reference<User> = {
  __resolveReference: (reference, context) => context.services.directory.visibleUser(reference.id),
};

export const Organization_: OrganizationResolvers & Reference<Organization> = {
  __resolveReference: (reference, context) => context.services.organizations.byId(reference.id),
  members: (_organization, args, context) => context.services.members.list(args),
  invitations: (_organization, args, context) => context.services.invitations.list(args),
  apiKeys: (_organization, args, context) => context.services.apiKeys.list(args),
};

export const Invitation: InvitationResolvers = {
  role: (invitation) => toGraphQLRole(invitation.role),
  status: (invitation) => invitationStatus(invitation),
  invitedBy: (invitation, _args, context) => (invitation.invitedBy ? context.services.directory.visibleUser(invitation.invitedBy.id) : null),
};

/** A published operation is known by its hash, as in the manifest it came from. */
export const PersistedOperation_: PersistedOperationResolvers = {
  id: (operation) => operation.operationId,
};

export const ApiKey_: ApiKeyResolvers & Reference<ApiKey> = {
  __resolveReference: (reference, context) => context.services.apiKeys.byId(reference.id),
  createdBy: (apiKey, _args, context) => (apiKey.createdBy ? context.services.directory.visibleUser(apiKey.createdBy.id) : null),
  publishedOperations: (apiKey, args, context) => context.services.persistedOperations.listFor(apiKey.clientName ?? null, args),
};
