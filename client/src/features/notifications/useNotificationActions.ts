import type { ApolloCache } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { useCallback } from 'react';
import {
  NotificationArchiveDocument,
  NotificationMarkAllReadDocument,
  NotificationMarkAllSeenDocument,
  NotificationMarkReadDocument,
  NotificationMarkUnreadDocument,
  NotificationSnoozeDocument,
  NotificationUnarchiveDocument,
  type NotificationBulkFieldsFragment,
} from '../../graphql/__generated__/operations.ts';
import type { UserErrorLike } from '../../graphql/errors.ts';
import { cachedNotificationIds, markLocally, removeFromLists } from './notifications.ts';

export type NotificationAction = 'read' | 'unread' | 'archive' | 'unarchive' | 'snooze';

export interface ActionOutcome {
  /** How many notifications changed. */
  updated: number;
  userErrors: readonly UserErrorLike[];
}

/** Each action's mutation and the field of its payload. */
const MUTATIONS = {
  read: [NotificationMarkReadDocument, 'notificationMarkRead'],
  unread: [NotificationMarkUnreadDocument, 'notificationMarkUnread'],
  archive: [NotificationArchiveDocument, 'notificationArchive'],
  unarchive: [NotificationUnarchiveDocument, 'notificationUnarchive'],
} as const;

type Payloads = Partial<Record<string, NotificationBulkFieldsFragment>>;

/** What each action did, applied to the cache once the server confirmed it (the new counts come with the payload). */
function applyToCache(cache: ApolloCache, action: NotificationAction | 'allRead' | 'allSeen', ids: readonly string[]): void {
  switch (action) {
    case 'read':
      return markLocally(cache, ids, { read: true });
    case 'unread':
      return markLocally(cache, ids, { read: false });
    case 'allRead':
      return markLocally(cache, cachedNotificationIds(cache), { read: true });
    case 'allSeen':
      return markLocally(cache, ids, { seen: true });
    default:
      return removeFromLists(cache, new Set(ids));
  }
}

function outcome(payload: NotificationBulkFieldsFragment | undefined): ActionOutcome {
  return { updated: payload?.updated ?? 0, userErrors: payload?.userErrors ?? [] };
}

/**
 * The actions on notifications, one function: `act('archive', ids)`, `act('snooze', ids, until)`,
 * `markAllRead()`, `markAllSeen()`. Each resolves with what changed and the server's userErrors; unexpected
 * failures throw.
 */
export function useNotificationActions() {
  const apollo = useApolloClient();

  const act = useCallback(
    async (action: NotificationAction, ids: readonly string[], until?: Date): Promise<ActionOutcome> => {
      if (action === 'snooze') {
        if (!until) throw new Error('Snoozing needs the time it ends');
        const { data } = await apollo.mutate({
          mutation: NotificationSnoozeDocument,
          variables: { input: { ids: [...ids], until: until.toISOString() } },
          update: (cache, result) => {
            if (result.data?.notificationSnooze.userErrors.length === 0) applyToCache(cache, action, ids);
          },
        });
        return outcome(data?.notificationSnooze);
      }
      const [mutation, field] = MUTATIONS[action];
      const { data } = await apollo.mutate({
        mutation,
        variables: { input: { ids: [...ids] } },
        update: (cache, result) => {
          if ((result.data as Payloads | null | undefined)?.[field]?.userErrors.length === 0) applyToCache(cache, action, ids);
        },
      });
      return outcome((data as Payloads | null | undefined)?.[field]);
    },
    [apollo],
  );

  const markAllRead = useCallback(async (): Promise<ActionOutcome> => {
    const { data } = await apollo.mutate({
      mutation: NotificationMarkAllReadDocument,
      variables: { input: null },
      update: (cache, result) => {
        if (result.data?.notificationMarkAllRead.userErrors.length === 0) applyToCache(cache, 'allRead', []);
      },
    });
    return outcome(data?.notificationMarkAllRead);
  }, [apollo]);

  const markAllSeen = useCallback(async (): Promise<ActionOutcome> => {
    // Only what was cached when asked: a notification arriving meanwhile may be newer than the server's change.
    const ids = cachedNotificationIds(apollo.cache);
    const { data } = await apollo.mutate({
      mutation: NotificationMarkAllSeenDocument,
      variables: { input: null },
      update: (cache, result) => {
        if (result.data?.notificationMarkAllSeen.userErrors.length === 0) applyToCache(cache, 'allSeen', ids);
      },
    });
    return outcome(data?.notificationMarkAllSeen);
  }, [apollo]);

  return { act, markAllRead, markAllSeen };
}
