import { DateTime } from '@platform/kit';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { ApiKey_, Invitation, Member, Membership_, Organization_, PersistedOperation_, User_, Viewer } from './types.ts';

export const resolvers = {
  DateTime,
  Query,
  Mutation,
  Viewer,
  Membership: Membership_,
  Member,
  User: User_,
  Organization: Organization_,
  Invitation,
  ApiKey: ApiKey_,
  PersistedOperation: PersistedOperation_,
};
