// Answers for the members page's operations, shaped like the server's (with __typename everywhere).
import type { MockLink } from '@apollo/client/testing';
import {
  InvitationsDocument,
  MembersDocument,
  ViewerDocument,
  type InvitationsQuery,
  type MembersQuery,
  type Role,
} from '../../src/graphql/__generated__/operations.ts';

type Member = NonNullable<MembersQuery['viewer']>['organization']['members']['nodes'][number];
type Invitation = NonNullable<InvitationsQuery['viewer']>['organization']['invitations']['nodes'][number];

export const ORGANIZATION = { __typename: 'Organization' as const, id: 'org_1', name: 'Acme', slug: 'acme' };

export const ALL_MEMBER_PERMISSIONS = ['organization.read', 'member.read', 'member.invite', 'member.update', 'member.remove'];

export function viewerAnswer({ role, permissions, user = { id: 'usr_ada', name: 'Ada Lovelace', email: 'ada@example.com' } }: { role: Role; permissions: string[]; user?: { id: string; name: string; email: string } }): MockLink.MockedResponse {
  return {
    request: { query: ViewerDocument },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          user: { __typename: 'User', ...user },
          organization: ORGANIZATION,
          role,
          permissions,
          memberships: [{ __typename: 'Membership', organization: ORGANIZATION, role, joinedAt: '2024-01-10T09:00:00.000Z' }],
        },
      },
    },
  };
}

export function member(id: string, name: string, role: Role, options: { isLastOwner?: boolean; userId?: string } = {}): Member {
  const first = name.split(' ')[0]!.toLowerCase();
  return {
    __typename: 'Member',
    id,
    role,
    joinedAt: '2024-03-01T12:00:00.000Z',
    isLastOwner: options.isLastOwner ?? false,
    user: { __typename: 'User', id: options.userId ?? `usr_${first}`, name, email: `${first}@example.com` },
  };
}

export function membersAnswer(nodes: Member[], options: { after?: string | null; hasNextPage?: boolean; totalCount?: number } = {}): MockLink.MockedResponse {
  return {
    request: { query: MembersDocument, variables: { first: 50, after: options.after ?? null } },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          organization: {
            __typename: 'Organization',
            id: ORGANIZATION.id,
            members: {
              __typename: 'MemberConnection',
              totalCount: options.totalCount ?? nodes.length,
              pageInfo: { __typename: 'PageInfo', hasNextPage: options.hasNextPage ?? false, endCursor: options.hasNextPage ? 'cursor_1' : null },
              nodes,
            },
          },
        },
      },
    },
  };
}

export function invitation(id: string, email: string, role: Role): Invitation {
  return {
    __typename: 'Invitation',
    id,
    email,
    role,
    status: 'PENDING',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    invitedBy: { __typename: 'User', id: 'usr_ada', name: 'Ada Lovelace' },
  };
}

export function invitationsAnswer(nodes: Invitation[]): MockLink.MockedResponse {
  return {
    request: { query: InvitationsDocument, variables: { first: 50, after: null } },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          organization: {
            __typename: 'Organization',
            id: ORGANIZATION.id,
            invitations: {
              __typename: 'InvitationConnection',
              totalCount: nodes.length,
              pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
              nodes,
            },
          },
        },
      },
    },
  };
}

export function userErrors(errors: { field: string[] | null; message: string; code: string }[]) {
  return errors.map((error) => ({ __typename: 'UserError' as const, ...error }));
}
