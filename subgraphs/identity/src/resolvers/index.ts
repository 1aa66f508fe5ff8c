import { DateTime } from '@platform/kit';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { ApiKey_, Invitation, Member, Membership_, Organization_, User_, Viewer } from './types.ts';

/** GraphQL's Role values stand for the registry's role names. */
const Role = { OWNER: 'owner', ADMIN: 'admin', MEMBER: 'member', BILLING_MANAGER: 'billing_manager', SUPPORT_AGENT: 'support_agent', ANALYST: 'analyst' };

export const resolvers = {
  DateTime,
  Role,
  Query,
  Mutation,
  Viewer,
  Membership: Membership_,
  Member,
  User: User_,
  Organization: Organization_,
  Invitation,
  ApiKey: ApiKey_,
};
