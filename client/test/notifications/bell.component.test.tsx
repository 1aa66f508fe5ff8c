import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { NotificationBell } from '../../src/features/notifications/NotificationBell.tsx';
import { NotificationMarkAllReadDocument, NotificationMarkSeenDocument } from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { SubscriptionFeed } from '../support/subscriptions.ts';
import { bulkAnswer, counts, countsAnswer, notification, notificationsAnswer } from './fixtures.tsx';

const INBOX = { status: 'ALL', archived: false } as const;

function bellButton() {
  return screen.getByRole('button', { name: /^Notifications/ });
}

async function subscribed(feed: SubscriptionFeed, operation: string) {
  await waitFor(() => expect(feed.count(operation)).toBeGreaterThan(0));
}

describe('the notification bell', () => {
  it('shows the unread and new counts, and follows them live as events arrive', async () => {
    const feed = new SubscriptionFeed();
    await renderWithApp(<NotificationBell />, { signedIn: true, subscriptions: feed, mocks: [countsAnswer(2, 1)] });
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 2 unread, 1 new'));
    expect(within(bellButton()).getByText('1')).toBeInTheDocument();

    await subscribed(feed, 'NotificationCountsChanged');
    act(() => feed.emit('NotificationCountsChanged', { notificationCountsChanged: counts(5, 3) }));
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 5 unread, 3 new'));
    expect(within(bellButton()).getByText('3')).toBeInTheDocument();

    act(() => feed.emit('NotificationCountsChanged', { notificationCountsChanged: counts(0, 0) }));
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, none unread'));
    expect(within(bellButton()).queryByText('0')).not.toBeInTheDocument();
  });

  it('lists the latest notifications, marks them seen, puts new ones on top and announces them', async () => {
    const user = userEvent.setup();
    const feed = new SubscriptionFeed();
    const older = notification('ntf_1', 'Quarterly numbers', { seenAt: new Date().toISOString(), readAt: new Date().toISOString() });
    const unseen = notification('ntf_2', 'Office closed on Friday', { link: '/members' });
    await renderWithApp(<NotificationBell />, {
      signedIn: true,
      subscriptions: feed,
      mocks: [
        countsAnswer(1, 1),
        notificationsAnswer([unseen, older], { first: 8, filter: INBOX }),
        bulkAnswer(NotificationMarkSeenDocument, 'notificationMarkSeen', { ids: ['ntf_2'] }, { updated: 1, unread: 1, unseen: 0 }),
        // What arrives while the panel is open is seen at once.
        bulkAnswer(NotificationMarkSeenDocument, 'notificationMarkSeen', { ids: ['ntf_3'] }, { updated: 1, unread: 2, unseen: 0 }),
      ],
    });
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 1 unread, 1 new'));
    await user.click(bellButton());
    expect(bellButton()).toHaveAttribute('aria-expanded', 'true');
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    expect(within(panel).getByRole('heading', { name: 'Notifications' })).toHaveFocus();
    expect(await within(panel).findByRole('link', { name: 'Office closed on Friday' })).toHaveAttribute('href', '/members');
    expect(within(panel).getByText('Quarterly numbers')).toBeInTheDocument();
    // What the panel shows has been seen: the badge empties.
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 1 unread'));

    await subscribed(feed, 'NotificationReceived');
    const arrived = notification('ntf_3', 'Welcome Grace', { createdAt: new Date().toISOString() });
    act(() => feed.emit('NotificationReceived', { notificationReceived: arrived }));
    await within(panel).findByText('Welcome Grace');
    const titles = within(panel).getAllByRole('listitem').map((item) => item.querySelector('.bell__item-title')?.textContent);
    expect(titles).toEqual(['Unread: Welcome Grace', 'Unread: Office closed on Friday', 'Quarterly numbers']);
    const live = screen.getByText('New notification: Welcome Grace');
    expect(live).toHaveAttribute('aria-live', 'polite');
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 2 unread'));
  });

  it('marks everything read, and closes with Escape with focus back on the bell', async () => {
    const user = userEvent.setup();
    const feed = new SubscriptionFeed();
    await renderWithApp(<NotificationBell />, {
      signedIn: true,
      subscriptions: feed,
      mocks: [
        countsAnswer(1, 0),
        notificationsAnswer([notification('ntf_1', 'Invoice paid', { seenAt: new Date().toISOString() })], { first: 8, filter: INBOX }),
        bulkAnswer(NotificationMarkAllReadDocument, 'notificationMarkAllRead', null as never, { updated: 1, unread: 0, unseen: 0 }),
      ],
    });
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 1 unread'));
    await user.click(bellButton());
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    await within(panel).findByText('Invoice paid');
    await user.click(within(panel).getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, none unread'));
    expect(within(panel).queryByText('Unread:', { exact: false })).not.toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Mark all read' })).toBeDisabled();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(bellButton()).toHaveFocus();
    expect(bellButton()).toHaveAttribute('aria-expanded', 'false');
  });
});
