import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import NotificationCenterPage from '../../src/features/notifications/NotificationCenterPage.tsx';
import {
  NotificationArchiveDocument,
  NotificationMarkReadDocument,
  NotificationSnoozeDocument,
  NotificationUnarchiveDocument,
} from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { SubscriptionFeed } from '../support/subscriptions.ts';
import { bulkAnswer, MEMBER_PERMISSIONS, notification, notificationsAnswer, viewerAnswer } from './fixtures.tsx';

const page = (
  <ViewerProvider>
    <NotificationCenterPage />
  </ViewerProvider>
);

const INBOX = { status: 'ALL', archived: false } as const;

async function list() {
  const heading = await screen.findByRole('heading', { level: 2, name: 'Inbox' });
  return heading.closest('section')!;
}

function titles(section: HTMLElement) {
  return within(section)
    .getAllByRole('heading', { level: 3 })
    .map((heading) => heading.textContent);
}

describe('the notification center', () => {
  it('marks the selected notifications read, archives one, and says what it did', async () => {
    const user = userEvent.setup();
    const first = notification('ntf_1', 'Welcome Grace');
    const second = notification('ntf_2', 'Invoice paid', { category: 'BILLING', kind: 'invoice.paid' });
    const third = notification('ntf_3', 'Office closed', { readAt: new Date().toISOString(), seenAt: new Date().toISOString() });
    await renderWithApp(page, {
      path: '/notifications',
      signedIn: true,
      subscriptions: new SubscriptionFeed(),
      mocks: [
        viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }),
        notificationsAnswer([first, second, third], { first: 20, filter: INBOX }),
        bulkAnswer(NotificationMarkReadDocument, 'notificationMarkRead', { ids: ['ntf_1', 'ntf_2'] }, { updated: 2, unread: 0, unseen: 0 }),
        bulkAnswer(NotificationArchiveDocument, 'notificationArchive', { ids: ['ntf_3'] }, { updated: 1, unread: 0, unseen: 0 }),
      ],
    });
    const section = await list();
    await within(section).findByText('Welcome Grace');
    expect(titles(section)).toEqual(['Unread: Welcome Grace', 'Unread: Invoice paid', 'Office closed']);
    expect(within(section).getByRole('button', { name: 'Mark read' })).toBeDisabled();

    await user.click(within(section).getByRole('checkbox', { name: 'Select: “Welcome Grace”' }));
    await user.click(within(section).getByRole('checkbox', { name: 'Select: “Invoice paid”' }));
    expect(within(section).getByText('2 selected')).toBeInTheDocument();
    expect(within(section).getByRole('checkbox', { name: 'Select all shown' })).toHaveProperty('indeterminate', true);
    await user.click(within(section).getByRole('button', { name: 'Mark read' }));

    expect((await within(section).findByText('2 notifications marked read.')).closest('[role="status"]')).not.toBeNull();
    expect(titles(section)).toEqual(['Welcome Grace', 'Invoice paid', 'Office closed']);
    expect(within(section).getByRole('button', { name: 'Mark unread: “Welcome Grace”' })).toBeInTheDocument();
    expect(within(section).queryByText('2 selected')).not.toBeInTheDocument();

    await user.click(within(section).getByRole('button', { name: 'Archive: “Office closed”' }));
    await within(section).findByText('1 notification archived.');
    expect(titles(section)).toEqual(['Welcome Grace', 'Invoice paid']);
    expect(within(section).getByRole('heading', { level: 2, name: 'Inbox' })).toHaveFocus();
  });

  it('shows the server’s messages when an action is refused or fails', async () => {
    const user = userEvent.setup();
    const first = notification('ntf_1', 'Welcome Grace');
    await renderWithApp(page, {
      path: '/notifications',
      signedIn: true,
      subscriptions: new SubscriptionFeed(),
      mocks: [
        viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }),
        notificationsAnswer([first], { first: 20, filter: INBOX }),
        bulkAnswer(NotificationArchiveDocument, 'notificationArchive', { ids: ['ntf_1'] }, {
          updated: 0,
          unread: 1,
          unseen: 1,
          errors: [{ field: ['input', 'ids'], message: 'At most 100 notifications at a time; got 101.', code: 'TOO_MANY_IDS' }],
        }),
        {
          request: { query: NotificationMarkReadDocument, variables: { input: { ids: ['ntf_1'] } } },
          result: { errors: [{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED', retryAfter: 7 } }] },
        },
      ],
    });
    const section = await list();
    await user.click(await within(section).findByRole('button', { name: 'Archive: “Welcome Grace”' }));
    expect(await within(section).findByRole('alert')).toHaveTextContent('At most 100 notifications at a time; got 101.');
    expect(titles(section)).toEqual(['Unread: Welcome Grace']);

    await user.click(within(section).getByRole('button', { name: 'Mark read: “Welcome Grace”' }));
    await waitFor(() => expect(within(section).getByRole('alert')).toHaveTextContent('Too many requests. Try again in 7 seconds.'));
    expect(titles(section)).toEqual(['Unread: Welcome Grace']);
  });

  it('snoozes until a preset time, and the notification leaves the list', async () => {
    const user = userEvent.setup();
    let snoozedUntil: string | null = null;
    await renderWithApp(page, {
      path: '/notifications',
      signedIn: true,
      subscriptions: new SubscriptionFeed(),
      mocks: [
        viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }),
        notificationsAnswer([notification('ntf_1', 'Welcome Grace'), notification('ntf_2', 'Invoice paid')], { first: 20, filter: INBOX }),
        {
          request: {
            query: NotificationSnoozeDocument,
            variables: (variables: Record<string, any>) => {
              snoozedUntil = variables['input'].until;
              return variables['input'].ids.join() === 'ntf_2';
            },
          },
          result: { data: { notificationSnooze: { __typename: 'NotificationBulkPayload', updated: 1, counts: { __typename: 'NotificationCounts', unread: 1, unseen: 1 }, userErrors: [] } } },
        },
      ],
    });
    const section = await list();
    await user.click(await within(section).findByRole('button', { name: 'Snooze: “Invoice paid”' }));
    const dialog = await screen.findByRole('dialog', { name: 'Snooze 1 notification' });
    await user.click(within(dialog).getByRole('radio', { name: /^In 3 hours/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    await within(section).findByText('1 notification snoozed. It comes back unread when the time is up.');
    expect(titles(section)).toEqual(['Unread: Welcome Grace']);
    const hours = (Date.parse(snoozedUntil!) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(2.9);
    expect(hours).toBeLessThanOrEqual(3);
  });

  it('lists archived notifications from the address, with an empty state and the way back to the inbox', async () => {
    const user = userEvent.setup();
    const archived = notification('ntf_9', 'Old news', { archivedAt: new Date().toISOString(), readAt: new Date().toISOString() });
    await renderWithApp(page, {
      path: '/notifications?view=archived',
      routePath: '/notifications',
      signedIn: true,
      subscriptions: new SubscriptionFeed(),
      mocks: [
        viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }),
        notificationsAnswer([archived], { first: 20, filter: { status: 'ALL', archived: true } }),
        bulkAnswer(NotificationUnarchiveDocument, 'notificationUnarchive', { ids: ['ntf_9'] }, { updated: 1, unread: 0, unseen: 0 }),
      ],
    });
    const heading = await screen.findByRole('heading', { level: 2, name: 'Archived' });
    const section = heading.closest('section')!;
    expect(screen.getByLabelText('Show')).toHaveValue('archived');
    await user.click(await within(section).findByRole('button', { name: 'Move to inbox: “Old news”' }));
    await within(section).findByText('1 notification moved to the inbox.');
    expect(within(section).getByText('Nothing is archived.')).toBeInTheDocument();
  });

  it('puts a notification that arrives live at the top of the inbox', async () => {
    const feed = new SubscriptionFeed();
    await renderWithApp(page, {
      path: '/notifications',
      signedIn: true,
      subscriptions: feed,
      mocks: [viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }), notificationsAnswer([notification('ntf_1', 'Welcome Grace')], { first: 20, filter: INBOX })],
    });
    const section = await list();
    await within(section).findByText('Welcome Grace');
    await waitFor(() => expect(feed.count('NotificationReceived')).toBe(1));
    feed.emit('NotificationReceived', { notificationReceived: notification('ntf_2', 'Server maintenance tonight', { createdAt: new Date().toISOString() }) });
    await within(section).findByText('Server maintenance tonight');
    expect(titles(section)).toEqual(['Unread: Server maintenance tonight', 'Unread: Welcome Grace']);
  });
});
