import { raw, type FilterQuery } from '@mikro-orm/core';
import { DomainService, paginate, recordLiveMessage, UserInputError, userError, type Connection, type EntityManager, type PageArguments } from '@platform/kit';
import { Notification, type NotificationCategory } from '../entities/index.ts';
import { requireUser, userIdOf, type NotificationsDeps } from './support.ts';

export interface Counts {
  unread: number;
  unseen: number;
}

export interface InboxFilter {
  status?: 'unread' | 'read' | 'all' | null;
  archived?: boolean | null;
  category?: NotificationCategory | null;
}

/** The most ids one bulk action takes. */
export const MAX_BULK_IDS = 100;

/** The furthest a notification can be snoozed. */
export const MAX_SNOOZE_MS = 90 * 24 * 60 * 60 * 1000;

export type BulkAction = 'read' | 'unread' | 'seen' | 'archive' | 'unarchive';

/** In the inbox: neither archived nor snoozed. */
const IN_INBOX = { archivedAt: null, snoozedUntil: null } as const;

/** The unread and unseen counts of several users of one organization, in one query. */
export async function countsOf(em: EntityManager, organizationId: string, userIds: readonly string[]): Promise<Map<string, Counts>> {
  const counts = new Map<string, Counts>(userIds.map((userId) => [userId, { unread: 0, unseen: 0 }]));
  if (userIds.length === 0) return counts;
  const rows = await em
    .createQueryBuilder(Notification, 'n')
    .select(['n.userId', raw('sum(case when n.read_at is null then 1 else 0 end) as unread'), raw('sum(case when n.seen_at is null then 1 else 0 end) as unseen')])
    .where({ organizationId, userId: { $in: [...userIds] }, ...IN_INBOX })
    .groupBy('n.userId')
    .execute<{ user_id: string; unread: number | string | null; unseen: number | string | null }[]>('all', false);
  for (const row of rows) counts.set(row.user_id, { unread: Number(row.unread ?? 0), unseen: Number(row.unseen ?? 0) });
  return counts;
}

/**
 * Records `notificationCountsChanged` for each user, with their counts as they stand in this
 * transaction (the caller flushed its changes first).
 */
export async function publishCounts(em: EntityManager, organizationId: string, userIds: readonly string[], requestId: string | null): Promise<Map<string, Counts>> {
  const counts = await countsOf(em, organizationId, [...new Set(userIds)]);
  for (const [userId, value] of counts) {
    recordLiveMessage(em, { field: 'notificationCountsChanged', organizationId, userIds: [userId], data: { __typename: 'NotificationCounts', ...value } }, requestId);
  }
  return counts;
}

/** The signed-in user's inbox: their notifications in this organization, and what they do with them. */
export class InboxService extends DomainService<NotificationsDeps> {
  private get now(): Date {
    return this.deps.clock.now();
  }

  /** Newest first. The inbox leaves out snoozed and archived notifications; `archived: true` shows the archive. */
  async list(page: PageArguments, filter: InboxFilter = {}): Promise<Connection<Notification>> {
    const userId = userIdOf(this.context);
    if (!userId) return { edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: async () => 0 };
    const where: FilterQuery<Notification> = {
      userId,
      ...(filter.archived ? { archivedAt: { $ne: null } } : IN_INBOX),
      ...(filter.status === 'unread' ? { readAt: null } : filter.status === 'read' ? { readAt: { $ne: null } } : {}),
      ...(filter.category ? { category: filter.category } : {}),
    };
    return paginate(this.em, Notification, where, page, { order: 'desc' });
  }

  /** One of the caller's own notifications; anyone else's is not found. */
  async byId(id: string): Promise<Notification | null> {
    const userId = userIdOf(this.context);
    if (!userId) return null;
    return this.context.loaders
      .get<string, Notification | null>(`notification:${userId}`, async (ids) => {
        const found = await this.em.find(Notification, { id: { $in: [...ids] }, userId });
        const byId = new Map(found.map((notification) => [notification.id, notification]));
        return ids.map((key) => byId.get(key) ?? null);
      })
      .load(id);
  }

  async counts(): Promise<Counts> {
    const userId = userIdOf(this.context);
    if (!userId || !this.context.organizationId) return { unread: 0, unseen: 0 };
    return (await countsOf(this.em, this.context.organizationId, [userId])).get(userId)!;
  }

  /** Loads exactly these notifications of the caller, or refuses the whole action. */
  private async own(ids: readonly string[]): Promise<Notification[]> {
    const userId = requireUser(this.context);
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw UserInputError.of('NO_IDS', 'Name at least one notification.', ['input', 'ids']);
    if (unique.length > MAX_BULK_IDS) throw UserInputError.of('TOO_MANY_IDS', `At most ${MAX_BULK_IDS} notifications at a time; got ${unique.length}.`, ['input', 'ids']);
    const found = await this.em.find(Notification, { id: { $in: unique }, userId });
    if (found.length !== unique.length) {
      const known = new Set(found.map((notification) => notification.id));
      const missing = unique.filter((id) => !known.has(id));
      throw new UserInputError(missing.map((id) => userError('NOT_FOUND', `No notification with id '${id}' in your inbox.`, ['input', 'ids', String(ids.indexOf(id))])));
    }
    return found;
  }

  /** What an action changes on one notification; false when it was already so. */
  private change(notification: Notification, action: BulkAction, now: Date): boolean {
    switch (action) {
      case 'read':
        if (notification.readAt) return false;
        notification.readAt = now;
        notification.seenAt ??= now;
        return true;
      case 'unread':
        if (!notification.readAt) return false;
        notification.readAt = null;
        return true;
      case 'seen':
        if (notification.seenAt) return false;
        notification.seenAt = now;
        return true;
      case 'archive':
        if (notification.archivedAt) return false;
        notification.archivedAt = now;
        return true;
      case 'unarchive':
        if (!notification.archivedAt) return false;
        notification.archivedAt = null;
        return true;
    }
  }

  async bulk(action: BulkAction, ids: readonly string[]): Promise<{ updated: number; counts: Counts }> {
    const notifications = await this.own(ids);
    const now = this.now;
    const updated = notifications.filter((notification) => this.change(notification, action, now)).length;
    return { updated, counts: await this.settle(updated) };
  }

  /** Hides notifications until `until`; then the worker brings them back unread. */
  async snooze(ids: readonly string[], until: Date): Promise<{ updated: number; counts: Counts }> {
    const now = this.now;
    if (until.getTime() <= now.getTime()) throw UserInputError.of('SNOOZE_IN_PAST', `Snooze until a time in the future; '${until.toISOString()}' has passed.`, ['input', 'until']);
    if (until.getTime() > now.getTime() + MAX_SNOOZE_MS) throw UserInputError.of('SNOOZE_TOO_FAR', 'Snooze for at most 90 days.', ['input', 'until']);
    const notifications = await this.own(ids);
    for (const notification of notifications) notification.snoozedUntil = until;
    return { updated: notifications.length, counts: await this.settle(notifications.length) };
  }

  async markAllRead(category: NotificationCategory | null | undefined): Promise<{ updated: number; counts: Counts }> {
    const userId = requireUser(this.context);
    const now = this.now;
    const where = { userId, readAt: null, ...IN_INBOX, ...(category ? { category } : {}) };
    await this.em.nativeUpdate(Notification, { ...where, seenAt: null }, { seenAt: now });
    const updated = await this.em.nativeUpdate(Notification, where, { readAt: now });
    return { updated, counts: await this.settle(updated) };
  }

  /** Marks every unseen notification of the inbox seen: the bell's badge goes back to zero. */
  async markAllSeen(category: NotificationCategory | null | undefined): Promise<{ updated: number; counts: Counts }> {
    const userId = requireUser(this.context);
    const updated = await this.em.nativeUpdate(Notification, { userId, seenAt: null, ...IN_INBOX, ...(category ? { category } : {}) }, { seenAt: this.now });
    return { updated, counts: await this.settle(updated) };
  }

  /** Flushes the changes and, when something changed, publishes the caller's new counts. */
  private async settle(updated: number): Promise<Counts> {
    const userId = requireUser(this.context);
    await this.em.flush();
    if (updated === 0) return this.counts();
    const counts = await publishCounts(this.em, this.context.organizationId!, [userId], this.context.requestId);
    return counts.get(userId)!;
  }

  /**
   * Brings back this organization's notifications whose snooze has ended, unread and unseen, and
   * publishes their owners' counts. The worker calls it in a transaction of the organization.
   */
  async wakeDue(): Promise<number> {
    const due = await this.em.find(Notification, { snoozedUntil: { $lte: this.now } }, { limit: 500 });
    for (const notification of due) {
      notification.snoozedUntil = null;
      notification.readAt = null;
      notification.seenAt = null;
    }
    await this.em.flush();
    if (due.length > 0) await publishCounts(this.em, this.context.organizationId!, due.map((notification) => notification.userId), this.context.requestId);
    return due.length;
  }
}
