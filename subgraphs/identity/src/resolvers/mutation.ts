import { mutation } from '@platform/kit';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { IdentityContext } from './context.ts';

type Input<Name extends keyof MutationResolvers> = Parameters<Extract<MutationResolvers[Name], (...args: never[]) => unknown>>[1]['input'];

export const Mutation: MutationResolvers = {
  userSignUp: mutation((context: IdentityContext, input: Input<'userSignUp'>) => context.services.accounts.signUp(input)),
  sessionCreate: mutation((context: IdentityContext, input: Input<'sessionCreate'>) => context.services.sessions.signIn(input)),
  sessionRefresh: mutation((context: IdentityContext, input: Input<'sessionRefresh'>) => context.services.sessions.refresh(input)),
  sessionRevoke: mutation((context: IdentityContext, input: Input<'sessionRevoke'>) => context.services.sessions.revoke(input ?? null)),
  sessionSwitchOrganization: mutation((context: IdentityContext, input: Input<'sessionSwitchOrganization'>) =>
    context.services.sessions.switchOrganization(input),
  ),
  organizationUpdate: mutation((context: IdentityContext, input: Input<'organizationUpdate'>) => context.services.organizations.update(input)),
  invitationCreate: mutation((context: IdentityContext, input: Input<'invitationCreate'>) =>
    context.services.invitations.create({ email: input.email, role: input.role ?? 'member' }),
  ),
  invitationRevoke: mutation((context: IdentityContext, input: Input<'invitationRevoke'>) => context.services.invitations.revoke(input)),
  invitationAccept: mutation((context: IdentityContext, input: Input<'invitationAccept'>) => context.services.invitations.accept(input)),
  memberUpdate: mutation((context: IdentityContext, input: Input<'memberUpdate'>) => context.services.members.changeRole(input)),
  memberRemove: mutation((context: IdentityContext, input: Input<'memberRemove'>) => context.services.members.remove(input)),
  apiKeyCreate: mutation((context: IdentityContext, input: Input<'apiKeyCreate'>) => context.services.apiKeys.create(input)),
  apiKeyRevoke: mutation((context: IdentityContext, input: Input<'apiKeyRevoke'>) => context.services.apiKeys.revoke(input)),
} as MutationResolvers;
