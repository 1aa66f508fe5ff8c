import type { Connection, SubgraphContext } from '@platform/kit';
import type { AuthenticatedPrincipal } from '@platform/schema';
import type { ApiKey, Invitation, Membership, PersistedOperation } from '../entities/index.ts';
import type { IdentityServices } from '../services/index.ts';

export type IdentityContext = SubgraphContext<IdentityServices>;

export type MemberConnectionModel = Connection<Membership>;
export type InvitationConnectionModel = Connection<Invitation>;
export type ApiKeyConnectionModel = Connection<ApiKey>;
export type PersistedOperationConnectionModel = Connection<PersistedOperation>;
/** The viewer is the verified principal; its fields are read from it. */
export type ViewerModel = AuthenticatedPrincipal;
