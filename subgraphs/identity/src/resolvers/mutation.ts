import { mutation } from '@platform/kit';
import type * as Types from '../__generated__/resolvers.ts';
import type { IdentityContext } from './context.ts';
import { fromGraphQLRole } from './roles.ts';

export const Mutation = {
  userSignUp: mutation((context: IdentityContext, input: Types.UserSignUpInput) => context.services.accounts.signUp(input)),
  userUpdate: mutation((context: IdentityContext, input: Types.UserUpdateInput) => context.services.accounts.update(input)),
  userPasswordChange: mutation((context: IdentityContext, input: Types.UserPasswordChangeInput) => context.services.accounts.changePassword(input)),
  sessionCreate: mutation((context: IdentityContext, input: Types.SessionCreateInput) => context.services.sessions.signIn(input)),
  sessionRefresh: mutation((context: IdentityContext, input: Types.SessionRefreshInput) => context.services.sessions.refresh(input)),
  sessionRevoke: mutation((context: IdentityContext, input: Types.SessionRevokeInput | null) => context.services.sessions.revoke(input)),
  sessionSwitchOrganization: mutation((context: IdentityContext, input: Types.SessionSwitchOrganizationInput) =>
    context.services.sessions.switchOrganization(input),
  ),
  organizationUpdate: mutation((context: IdentityContext, input: Types.OrganizationUpdateInput) => context.services.organizations.update(input)),
  invitationCreate: mutation((context: IdentityContext, input: Types.InvitationCreateInput) =>
    context.services.invitations.create({ email: input.email, role: fromGraphQLRole(input.role ?? 'MEMBER') }),
  ),
  invitationRevoke: mutation((context: IdentityContext, input: Types.InvitationRevokeInput) => context.services.invitations.revoke(input)),
  invitationAccept: mutation((context: IdentityContext, input: Types.InvitationAcceptInput) => context.services.invitations.accept(input)),
  memberUpdate: mutation((context: IdentityContext, input: Types.MemberUpdateInput) =>
    context.services.members.changeRole({ id: input.id, role: fromGraphQLRole(input.role) }),
  ),
  memberRemove: mutation((context: IdentityContext, input: Types.MemberRemoveInput) => context.services.members.remove(input)),
  apiKeyCreate: mutation((context: IdentityContext, input: Types.ApiKeyCreateInput) => context.services.apiKeys.create(input)),
  apiKeyRevoke: mutation((context: IdentityContext, input: Types.ApiKeyRevokeInput) => context.services.apiKeys.revoke(input)),
  persistedOperationsPublish: mutation((context: IdentityContext, input: Types.PersistedOperationsPublishInput) => context.services.persistedOperations.publish(input)),
} satisfies Types.MutationResolvers;
