// Answers for the notification operations, shaped like the server's (with __typename everywhere).
import type { MockLink } from '@apollo/client/testing';
import type { DocumentNode } from 'graphql';
import {
  NotificationCountsDocument,
  NotificationsDocument,
  type NotificationCategory,
  type NotificationFieldsFragment,
  type NotificationFilter,
} from '../../src/graphql/__generated__/operations.ts';

export { userErrors, viewerAnswer } from '../members/fixtures.tsx';

export const MEMBER_PERMISSIONS = ['organization.read', 'member.read'];
export const ADMIN_PERMISSIONS = ['organization.read', 'member.read', 'member.invite', 'notification.send', 'notification.manage'];

let minutes = 0;

export function notification(id: string, title: string, options: Partial<NotificationFieldsFragment> & { category?: NotificationCategory } = {}): NotificationFieldsFragment {
  minutes += 1;
  return {
    __typename: 'Notification',
    id,
    kind: 'announcement',
    category: 'ANNOUNCEMENT',
    critical: false,
    title,
    body: `About ${title.toLowerCase()}.`,
    link: null,
    createdAt: new Date(Date.now() - minutes * 60_000).toISOString(),
    seenAt: null,
    readAt: null,
    archivedAt: null,
    snoozedUntil: null,
    actor: { __typename: 'User', id: 'usr_adam', name: 'Adam Admin' },
    ...options,
  };
}

export function counts(unread: number, unseen: number) {
  return { __typename: 'NotificationCounts' as const, unread, unseen };
}

export function countsAnswer(unread: number, unseen: number): MockLink.MockedResponse {
  return { request: { query: NotificationCountsDocument }, result: { data: { notificationCounts: counts(unread, unseen) } } };
}

export function notificationsAnswer(
  nodes: NotificationFieldsFragment[],
  { first, filter, after = null, hasNextPage = false }: { first: number; filter: NotificationFilter; after?: string | null; hasNextPage?: boolean },
): MockLink.MockedResponse {
  return {
    request: { query: NotificationsDocument, variables: { first, after, filter } },
    result: {
      data: {
        notifications: {
          __typename: 'NotificationConnection',
          pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: hasNextPage ? `cursor_${nodes.at(-1)?.id}` : null },
          nodes,
        },
      },
    },
  };
}

/** The answer of a bulk mutation (`notificationMarkRead` and its siblings). */
export function bulkAnswer(
  query: DocumentNode,
  field: string,
  input: Record<string, unknown>,
  { updated, unread, unseen, errors = [] }: { updated: number; unread: number; unseen: number; errors?: { field: string[] | null; message: string; code: string }[] },
): MockLink.MockedResponse {
  return {
    request: { query, variables: { input } },
    result: {
      data: {
        [field]: {
          __typename: 'NotificationBulkPayload',
          updated,
          counts: counts(unread, unseen),
          userErrors: errors.map((error) => ({ __typename: 'UserError', ...error })),
        },
      },
    },
  };
}
