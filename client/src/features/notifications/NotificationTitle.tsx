import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { appPath, type Notification } from './notifications.ts';

/**
 * A notification's title, marked for screen readers when unread; when it leads somewhere in the app,
 * a link that marks it read on the way there.
 */
export function NotificationTitle({ notification, onOpen }: { notification: Pick<Notification, 'title' | 'link' | 'readAt'>; onOpen(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const unread = !notification.readAt;
  const path = appPath(notification.link);
  return (
    <>
      {unread && <span className="unread-dot" aria-hidden="true" />}
      {unread && <span className="visually-hidden">{t('notifications:unreadPrefix')} </span>}
      {path ? (
        <Link
          to={path}
          onClick={(event) => {
            event.preventDefault();
            if (unread) onOpen();
            void navigate(path);
          }}
        >
          {notification.title}
        </Link>
      ) : (
        notification.title
      )}
    </>
  );
}
