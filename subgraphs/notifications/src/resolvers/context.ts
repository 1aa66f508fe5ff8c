import type { Connection, SubgraphContext } from '@platform/kit';
import type { LocalMail, Notification } from '../entities/index.ts';
import type { NotificationsServices } from '../services/index.ts';

export type NotificationsContext = SubgraphContext<NotificationsServices>;

export type NotificationConnectionModel = Connection<Notification>;
export type NotificationEdgeModel = Connection<Notification>['edges'][number];
export type LocalMailConnectionModel = Connection<LocalMail>;
export type LocalMailEdgeModel = Connection<LocalMail>['edges'][number];
/** Identity's User: notifications only knows its id. */
export interface UserReference {
  id: string;
}
