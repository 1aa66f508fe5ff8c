import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import {
  NotificationCountsChangedDocument,
  NotificationCountsDocument,
  NotificationReceivedDocument,
  NotificationsDocument,
} from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useRealtimeReconnect, useSubscription } from '../../graphql/useSubscription.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { BELL_SIZE, BELL_VARIABLES, prependNotification, type Notification } from './notifications.ts';
import { useNotificationActions } from './useNotificationActions.ts';
import { NotificationTitle } from './NotificationTitle.tsx';
import './notifications.css';

/** The badge shows at most this; more reads "99+". */
const BADGE_MAX = 99;

function BellIcon() {
  return (
    <svg className="bell__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Zm-2 .83.17.17H6.83l.17-.17V11a5 5 0 0 1 10 0v5.83Z"
      />
    </svg>
  );
}

/**
 * The bell in the top bar: the count of new notifications, kept live over the subscription, and a
 * panel with the latest ones. Opening the panel marks the whole inbox seen, and so does anything new
 * while it stays open; new notifications are announced politely to screen readers.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const location = useLocation();
  const panelId = useId();
  const headingId = `${panelId}-heading`;
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const counts = useQuery(NotificationCountsDocument);
  const list = useQuery(NotificationsDocument, { variables: BELL_VARIABLES, skip: !opened });
  const unread = counts.data?.notificationCounts.unread ?? 0;
  const unseen = counts.data?.notificationCounts.unseen ?? 0;
  const { markAllSeen } = useNotificationActions();
  const markingSeen = useRef(false);

  // Each event lands on the one NotificationCounts in the cache (see createCache), which the query above reads.
  useSubscription(NotificationCountsChangedDocument, { onData: () => {} });
  useSubscription(NotificationReceivedDocument, {
    onData: (data, cache) => {
      const notification = data.notificationReceived;
      prependNotification(cache, BELL_VARIABLES, notification);
      setAnnouncement(t('notifications:bell.arrived', { title: notification.title }));
    },
  });
  // Events sent while the connection was down never arrive: read the counts (and the open list) again.
  const refetchCounts = counts.refetch;
  const refetchList = list.refetch;
  useRealtimeReconnect(() => {
    void refetchCounts();
    if (opened) void refetchList();
  });

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  }, []);

  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);

  useEffect(() => setOpen(false), [location.pathname]);

  // While the panel is open nothing in the inbox counts as new, listed or not: the server clears the
  // whole badge, and clears it again when the subscription brings a new count.
  useEffect(() => {
    if (!open || unseen === 0 || markingSeen.current) return;
    markingSeen.current = true;
    markAllSeen()
      .catch(() => {
        // The badge stays as it was; opening the bell again tries again.
      })
      .finally(() => {
        markingSeen.current = false;
      });
  }, [open, unseen, markAllSeen]);

  // A non-modal panel: Escape, a click elsewhere or moving focus out of it closes it.
  useEffect(() => {
    const element = container.current;
    if (!open || !element) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!element.contains(event.target as Node)) close(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      close(element.contains(document.activeElement) || document.activeElement === document.body);
    };
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget && !element.contains(event.relatedTarget as Node)) close(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    element.addEventListener('focusout', onFocusOut);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
      element.removeEventListener('focusout', onFocusOut);
    };
  }, [open, close]);

  const label = [t('notifications:bell.label'), t('notifications:bell.unread', { count: unread }), ...(unseen > 0 ? [t('notifications:bell.new', { count: unseen })] : [])].join(', ');
  return (
    <div className="bell" ref={container}>
      <button
        ref={button}
        type="button"
        className="bell__button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => {
          setOpened(true);
          setOpen((current) => !current);
        }}
      >
        <BellIcon />
        {unseen > 0 && (
          <span className="bell__badge" aria-hidden="true">
            {unseen > BADGE_MAX ? `${BADGE_MAX}+` : unseen}
          </span>
        )}
      </button>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      {open && (
        <div id={panelId} className="bell__panel" role="dialog" aria-labelledby={headingId}>
          <BellPanel
            headingId={headingId}
            headingRef={heading}
            unread={unread}
            notifications={list.data?.notifications.nodes}
            loading={list.loading}
            error={list.error ? describeError(list.error, t) : null}
            retry={() => void list.refetch()}
          />
        </div>
      )}
    </div>
  );
}

interface BellPanelProps {
  headingId: string;
  headingRef: RefObject<HTMLHeadingElement>;
  unread: number;
  notifications: readonly Notification[] | undefined;
  loading: boolean;
  error: string | null;
  retry(): void;
}

function BellPanel({ headingId, headingRef, unread, notifications, loading, error, retry }: BellPanelProps) {
  const { t } = useTranslation();
  const { act, markAllRead } = useNotificationActions();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const shown = useMemo(() => notifications?.slice(0, BELL_SIZE), [notifications]);

  async function run(action: () => Promise<{ userErrors: readonly { message: string }[] }>) {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const outcome = await action();
      if (outcome.userErrors.length > 0) setProblem(outcome.userErrors.map((userError) => userError.message).join(' '));
      // The button that was used may be gone or disabled now: keep keyboard focus inside the panel.
      else if (!headingRef.current?.parentElement?.parentElement?.contains(document.activeElement)) headingRef.current?.focus();
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="bell__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {t('notifications:bell.title')}
        </h2>
        <Button variant="link" disabled={unread === 0} onClick={() => void run(markAllRead)}>
          {t('notifications:actions.markAllRead')}
        </Button>
      </div>
      {problem && <Alert>{problem}</Alert>}
      {error && !shown && (
        <Alert
          title={t('errors:loadFailed')}
          action={
            <Button variant="secondary" onClick={retry}>
              {t('common:retry')}
            </Button>
          }
        >
          {error}
        </Alert>
      )}
      {!shown && !error && loading && <Loading />}
      {shown && shown.length === 0 && <p className="bell__empty">{t('notifications:bell.empty')}</p>}
      {shown && shown.length > 0 && (
        <ul className="bell__list">
          {shown.map((notification) => (
            <BellItem key={notification.id} notification={notification} onMarkRead={() => void run(() => act('read', [notification.id]))} />
          ))}
        </ul>
      )}
      <div className="bell__footer">
        <Link to="/notifications">{t('notifications:bell.seeAll')}</Link>
        <Link to="/settings/notifications">{t('notifications:bell.settings')}</Link>
      </div>
    </>
  );
}

function BellItem({ notification, onMarkRead }: { notification: Notification; onMarkRead(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const unread = !notification.readAt;
  return (
    <li className={`bell__item${unread ? ' bell__item--unread' : ''}`}>
      <p className="bell__item-title">
        <NotificationTitle notification={notification} onOpen={onMarkRead} />
      </p>
      <p className="bell__item-body">{notification.body}</p>
      <p className="bell__item-meta">
        <time dateTime={notification.createdAt} title={format.dateTime(notification.createdAt)}>
          {format.relative(notification.createdAt)}
        </time>
        {unread && (
          <Button variant="link" onClick={onMarkRead} aria-label={t('notifications:actions.markReadOf', { title: notification.title })}>
            {t('notifications:actions.markRead')}
          </Button>
        )}
      </p>
    </li>
  );
}
