import type { ApolloCache, Reference } from '@apollo/client';
import { isReference } from '@apollo/client';
import { safeNext } from '../../app/RequireAuth.tsx';
import {
  NotificationsDocument,
  type NotificationCategory,
  type NotificationChannel,
  type NotificationFieldsFragment,
  type NotificationFilter,
  type NotificationsQueryVariables,
} from '../../graphql/__generated__/operations.ts';

export type Notification = NotificationFieldsFragment;

export const CATEGORIES: readonly NotificationCategory[] = ['ANNOUNCEMENT', 'MEMBERSHIP', 'BILLING', 'SECURITY', 'SUPPORT', 'SYSTEM'];
export const CHANNELS: readonly NotificationChannel[] = ['IN_APP', 'EMAIL', 'PUSH'];

/** The notification center's page size. */
export const PAGE_SIZE = 20;
/** How many of the latest notifications the bell lists. */
export const BELL_SIZE = 8;

export const INBOX: Required<Pick<NotificationFilter, 'status' | 'archived'>> = { status: 'ALL', archived: false };

/** The bell's list: the latest notifications of the inbox. */
export const BELL_VARIABLES: NotificationsQueryVariables = { first: BELL_SIZE, after: null, filter: INBOX };

/** A notification's link, when it is a path inside the app (never another site). */
export function appPath(link: string | null | undefined): string | null {
  if (!link) return null;
  return safeNext(link) === link ? link : null;
}

/** Whether a new notification belongs in a list shown with `filter`. */
export function matchesFilter(notification: Notification, filter: NotificationFilter): boolean {
  if (Boolean(filter.archived) !== Boolean(notification.archivedAt)) return false;
  if (filter.status === 'UNREAD' && notification.readAt) return false;
  if (filter.status === 'READ' && !notification.readAt) return false;
  return !filter.category || filter.category === notification.category;
}

/** Puts a notification that just arrived at the top of the cached list for `variables`, once. */
export function prependNotification(cache: ApolloCache, variables: NotificationsQueryVariables, notification: Notification): void {
  if (!matchesFilter(notification, variables.filter)) return;
  cache.updateQuery({ query: NotificationsDocument, variables }, (data) => {
    if (!data || data.notifications.nodes.some((node) => node.id === notification.id)) return undefined;
    return { ...data, notifications: { ...data.notifications, nodes: [notification, ...data.notifications.nodes] } };
  });
}

/**
 * Applies what a bulk action did to the notifications the cache holds (the payload says only how
 * many changed): read marks them seen too; unread keeps them seen.
 */
export function markLocally(cache: ApolloCache, ids: Iterable<string>, change: { read?: boolean; seen?: boolean }, now: string = new Date().toISOString()): void {
  for (const id of ids) {
    const ref = cache.identify({ __typename: 'Notification', id });
    if (!ref) continue;
    cache.modify<Notification>({
      id: ref,
      fields: {
        readAt: (value) => (change.read === undefined ? value : change.read ? (value ?? now) : null),
        seenAt: (value) => (change.read || change.seen ? (value ?? now) : value),
      },
    });
  }
}

/** The ids of every notification in the cache, for actions that reach the whole inbox. */
export function cachedNotificationIds(cache: ApolloCache): string[] {
  return Object.keys(cache.extract() as Record<string, unknown>)
    .filter((key) => key.startsWith('Notification:'))
    .map((key) => key.slice('Notification:'.length));
}

/**
 * Takes notifications out of every cached list: archived, unarchived or snoozed ones no longer
 * belong where they were shown. The list they move to is read again when it is next shown.
 */
export function removeFromLists(cache: ApolloCache, ids: ReadonlySet<string>): void {
  cache.modify<{ notifications: { nodes: Reference[] } }>({
    id: 'ROOT_QUERY',
    fields: {
      notifications: (existing, { readField }) =>
        isReference(existing) || !existing?.nodes
          ? existing
          : { ...existing, nodes: existing.nodes.filter((node) => !ids.has(readField<string>('id', node) ?? '')) },
    },
  });
}

export interface SnoozePreset {
  key: 'hour' | 'threeHours' | 'tomorrow' | 'week';
  until: Date;
}

/** When a snooze ends for each preset, in the user's own time zone: 9:00 for "tomorrow" and "in a week". */
export function snoozePresets(now: Date = new Date()): SnoozePreset[] {
  const morning = (daysAhead: number) => {
    const date = new Date(now);
    date.setDate(date.getDate() + daysAhead);
    date.setHours(9, 0, 0, 0);
    return date;
  };
  return [
    { key: 'hour', until: new Date(now.getTime() + 3_600_000) },
    { key: 'threeHours', until: new Date(now.getTime() + 3 * 3_600_000) },
    { key: 'tomorrow', until: morning(1) },
    { key: 'week', until: morning(7) },
  ];
}
