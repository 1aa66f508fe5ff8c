import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import {
  NotificationReceivedDocument,
  NotificationsDocument,
  type NotificationCategory,
  type NotificationFilter,
  type NotificationsQueryVariables,
} from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useSubscription } from '../../graphql/useSubscription.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { SelectField } from '../../ui/Field.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { CATEGORIES, PAGE_SIZE, prependNotification, type Notification } from './notifications.ts';
import { NotificationTitle } from './NotificationTitle.tsx';
import { SnoozeDialog } from './SnoozeDialog.tsx';
import { useNotificationActions, type NotificationAction } from './useNotificationActions.ts';
import './notifications.css';

type View = 'inbox' | 'archived';

/** The filters live in the address (`?view=archived&status=unread&category=BILLING`), so a filtered list can be linked and reloaded. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'archived' ? 'archived' : 'inbox';
  const status = params.get('status') === 'unread' ? 'UNREAD' : 'ALL';
  const category = CATEGORIES.find((candidate) => candidate === params.get('category')) ?? null;
  const filter = useMemo<NotificationFilter>(
    () => ({ status, archived: view === 'archived', ...(category ? { category } : {}) }),
    [status, view, category],
  );
  const set = useCallback(
    (name: 'view' | 'status' | 'category', value: string | null) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return { view, status, category, filter, set };
}

/**
 * The notification center: every notification of the signed-in user in this organization, newest
 * first, new ones arriving live; filters, single and bulk actions (read, unread, archive, snooze).
 */
export default function NotificationCenterPage() {
  const { t } = useTranslation();
  const { can } = useViewer();
  const { view, status, category, filter, set } = useFilters();
  const variables = useMemo<NotificationsQueryVariables>(() => ({ first: PAGE_SIZE, after: null, filter }), [filter]);
  const query = useQuery(NotificationsDocument, { variables });
  const nodes = useMemo(() => query.data?.notifications.nodes ?? [], [query.data]);
  const { act, markAllRead } = useNotificationActions();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [snoozing, setSnoozing] = useState<readonly string[]>([]);
  const [snoozeProblem, setSnoozeProblem] = useState<string | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const ids = useId();

  useSubscription(NotificationReceivedDocument, {
    onData: (data, cache) => prependNotification(cache, variables, data.notificationReceived),
  });

  useEffect(() => {
    setSelected(new Set());
    setNotice(null);
    setProblem(null);
  }, [filter]);

  const shownSelected = nodes.filter((notification) => selected.has(notification.id)).map((notification) => notification.id);
  const allSelected = nodes.length > 0 && shownSelected.length === nodes.length;

  /** Runs an action on some notifications and says how it went; returns whether it worked. */
  async function run(action: NotificationAction, targets: readonly string[], until?: Date): Promise<boolean> {
    // Buttons stay enabled while an action runs (a disabled button drops keyboard focus); a second click waits its turn here.
    if (busy) return false;
    setBusy(true);
    setNotice(null);
    setProblem(null);
    try {
      const outcome = await act(action, targets, until);
      if (outcome.userErrors.length > 0) {
        const message = outcome.userErrors.map((userError) => userError.message).join(' ');
        if (action === 'snooze') setSnoozeProblem(message);
        else setProblem(message);
        return false;
      }
      setNotice(t(`notifications:center.done.${action}`, { count: outcome.updated }));
      setSelected((current) => new Set([...current].filter((id) => !targets.includes(id))));
      // The buttons of notifications that left the list are gone: carry on from the list's heading.
      if (action === 'archive' || action === 'unarchive' || action === 'snooze') listHeading.current?.focus();
      return true;
    } catch (failure) {
      if (action === 'snooze') setSnoozeProblem(describeError(failure, t));
      else setProblem(describeError(failure, t));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function runMarkAllRead() {
    if (busy) return;
    setBusy(true);
    setNotice(null);
    setProblem(null);
    try {
      const outcome = await markAllRead();
      if (outcome.userErrors.length > 0) setProblem(outcome.userErrors.map((userError) => userError.message).join(' '));
      else setNotice(t('notifications:center.done.read', { count: outcome.updated }));
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  }

  const emptyMessage =
    view === 'archived'
      ? t('notifications:center.empty.archived')
      : category
        ? t('notifications:center.empty.category', { category: t(`notifications:categories.${category}`) })
        : status === 'UNREAD'
          ? t('notifications:center.empty.unread')
          : t('notifications:center.empty.inbox');

  return (
    <>
      <PageHeader
        title={t('notifications:center.title')}
        description={t('notifications:center.description')}
        actions={
          <>
            <Button variant="secondary" onClick={() => void runMarkAllRead()}>
              {t('notifications:actions.markAllRead')}
            </Button>
            {can('notification.send') && (
              <Link className="button button--secondary" to="/announcements">
                {t('notifications:center.announce')}
              </Link>
            )}
            <Link className="button button--secondary" to="/settings/notifications">
              {t('notifications:center.settings')}
            </Link>
          </>
        }
      />
      <section className="card" aria-labelledby={`${ids}-filters`}>
        <h2 id={`${ids}-filters`} className="visually-hidden">
          {t('notifications:center.filters')}
        </h2>
        <div className="notification-filters">
          <SelectField label={t('notifications:center.view')} value={view} onChange={(event) => set('view', event.target.value === 'archived' ? 'archived' : null)}>
            <option value="inbox">{t('notifications:center.views.inbox')}</option>
            <option value="archived">{t('notifications:center.views.archived')}</option>
          </SelectField>
          <SelectField label={t('notifications:center.status')} value={status} onChange={(event) => set('status', event.target.value === 'UNREAD' ? 'unread' : null)}>
            <option value="ALL">{t('notifications:center.statuses.all')}</option>
            <option value="UNREAD">{t('notifications:center.statuses.unread')}</option>
          </SelectField>
          <SelectField label={t('notifications:center.category')} value={category ?? ''} onChange={(event) => set('category', event.target.value || null)}>
            <option value="">{t('notifications:center.allCategories')}</option>
            {CATEGORIES.map((candidate: NotificationCategory) => (
              <option key={candidate} value={candidate}>
                {t(`notifications:categories.${candidate}`)}
              </option>
            ))}
          </SelectField>
        </div>
      </section>
      <section className="card" aria-labelledby={`${ids}-list`}>
        <h2 id={`${ids}-list`} ref={listHeading} tabIndex={-1}>
          {view === 'archived' ? t('notifications:center.views.archived') : t('notifications:center.views.inbox')}
        </h2>
        {notice && <Alert tone="success">{notice}</Alert>}
        {problem && <Alert>{problem}</Alert>}
        <QueryState loading={query.loading} error={query.error} hasData={Boolean(query.data)} retry={() => void query.refetch()}>
          {nodes.length === 0 ? (
            <p className="empty-state">{emptyMessage}</p>
          ) : (
            <>
              <div className="bulk-bar">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={allSelected}
                    ref={(element) => {
                      if (element) element.indeterminate = shownSelected.length > 0 && !allSelected;
                    }}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(nodes.map((notification) => notification.id)))}
                  />
                  <span>{t('notifications:center.selectAll')}</span>
                </label>
                <span className="bulk-bar__count" role="status">
                  {shownSelected.length > 0 ? t('notifications:center.selected', { count: shownSelected.length }) : ''}
                </span>
                <div className="actions">
                  {view === 'inbox' ? (
                    <>
                      <Button variant="secondary" disabled={shownSelected.length === 0} onClick={() => void run('read', shownSelected)}>
                        {t('notifications:actions.markRead')}
                      </Button>
                      <Button variant="secondary" disabled={shownSelected.length === 0} onClick={() => void run('unread', shownSelected)}>
                        {t('notifications:actions.markUnread')}
                      </Button>
                      <Button variant="secondary" disabled={shownSelected.length === 0} onClick={() => void run('archive', shownSelected)}>
                        {t('notifications:actions.archive')}
                      </Button>
                      <Button
                        variant="secondary"
                        disabled={shownSelected.length === 0}
                        onClick={() => {
                          setSnoozeProblem(null);
                          setSnoozing(shownSelected);
                        }}
                      >
                        {t('notifications:actions.snooze')}
                      </Button>
                    </>
                  ) : (
                    <Button variant="secondary" disabled={shownSelected.length === 0} onClick={() => void run('unarchive', shownSelected)}>
                      {t('notifications:actions.unarchive')}
                    </Button>
                  )}
                </div>
              </div>
              <ul className="notification-list" ref={list} aria-labelledby={`${ids}-list`}>
                {nodes.map((notification) => (
                  <NotificationItem
                    key={notification.id}
                    notification={notification}
                    archivedView={view === 'archived'}
                    selected={selected.has(notification.id)}
                    onSelect={(checked) =>
                      setSelected((current) => {
                        const next = new Set(current);
                        if (checked) next.add(notification.id);
                        else next.delete(notification.id);
                        return next;
                      })
                    }
                    onAction={(action) => {
                      if (action === 'snooze') {
                        setSnoozeProblem(null);
                        setSnoozing([notification.id]);
                      } else void run(action, [notification.id]);
                    }}
                  />
                ))}
              </ul>
            </>
          )}
          <LoadMore
            pageInfo={query.data?.notifications.pageInfo}
            rows={nodes.length}
            load={(after) => query.fetchMore({ variables: { after } })}
            focusItem={(index) => list.current?.querySelectorAll<HTMLElement>('.notification__title')[index]?.focus()}
          />
        </QueryState>
      </section>
      <SnoozeDialog
        count={snoozing.length}
        busy={busy}
        problem={snoozeProblem}
        onCancel={() => setSnoozing([])}
        onSnooze={(until) => {
          void run('snooze', snoozing, until).then((done) => {
            if (done) setSnoozing([]);
          });
        }}
      />
    </>
  );
}

interface NotificationItemProps {
  notification: Notification;
  archivedView: boolean;
  selected: boolean;
  onSelect(checked: boolean): void;
  onAction(action: NotificationAction): void;
}

function NotificationItem({ notification, archivedView, selected, onSelect, onAction }: NotificationItemProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const unread = !notification.readAt;
  const title = notification.title;
  return (
    <li className={`notification${unread ? ' notification--unread' : ''}`}>
      <input
        type="checkbox"
        className="notification__select"
        checked={selected}
        aria-label={t('notifications:center.select', { title })}
        onChange={(event) => onSelect(event.target.checked)}
      />
      <div className="notification__content">
        <h3 className="notification__title" tabIndex={-1}>
          <NotificationTitle notification={notification} onOpen={() => onAction('read')} />
        </h3>
        <p className="notification__body">{notification.body}</p>
        <p className="notification__meta">
          <span className="badge">{t(`notifications:categories.${notification.category}`)}</span>
          {notification.critical && <span className="badge badge--critical">{t('notifications:critical')}</span>}
          <time dateTime={notification.createdAt} title={format.dateTime(notification.createdAt)}>
            {format.relative(notification.createdAt)}
          </time>
          {notification.actor && <span>{t('notifications:center.by', { name: notification.actor.name })}</span>}
        </p>
      </div>
      <div className="notification__actions">
        {archivedView ? (
          <Button variant="secondary" aria-label={t('notifications:actions.unarchiveOf', { title })} onClick={() => onAction('unarchive')}>
            {t('notifications:actions.unarchive')}
          </Button>
        ) : (
          <>
            {unread ? (
              <Button variant="secondary" aria-label={t('notifications:actions.markReadOf', { title })} onClick={() => onAction('read')}>
                {t('notifications:actions.markRead')}
              </Button>
            ) : (
              <Button variant="secondary" aria-label={t('notifications:actions.markUnreadOf', { title })} onClick={() => onAction('unread')}>
                {t('notifications:actions.markUnread')}
              </Button>
            )}
            <Button variant="secondary" aria-label={t('notifications:actions.archiveOf', { title })} onClick={() => onAction('archive')}>
              {t('notifications:actions.archive')}
            </Button>
            <Button variant="secondary" aria-label={t('notifications:actions.snoozeOf', { title })} onClick={() => onAction('snooze')}>
              {t('notifications:actions.snooze')}
            </Button>
          </>
        )}
      </div>
    </li>
  );
}
