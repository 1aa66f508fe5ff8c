import type { RequestContext } from '@platform/kit';
import { AccountService } from './accounts.ts';
import { ApiKeyService } from './api-keys.ts';
import { DirectoryService } from './directory.ts';
import { InvitationService } from './invitations.ts';
import { MemberService } from './members.ts';
import { OrganizationService } from './organizations.ts';
import { PersistedOperationService } from './persisted-operations.ts';
import { SessionService } from './sessions.ts';
import type { IdentityDeps } from './support.ts';

export type { IdentityDeps } from './support.ts';

export function identityServices(context: RequestContext, deps: IdentityDeps) {
  return {
    accounts: new AccountService(context, deps),
    sessions: new SessionService(context, deps),
    organizations: new OrganizationService(context, deps),
    members: new MemberService(context, deps),
    invitations: new InvitationService(context, deps),
    apiKeys: new ApiKeyService(context, deps),
    directory: new DirectoryService(context, deps),
    persistedOperations: new PersistedOperationService(context, deps),
  };
}

export type IdentityServices = ReturnType<typeof identityServices>;
