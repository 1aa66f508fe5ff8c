import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { NotificationBell } from '../../src/features/notifications/NotificationBell.tsx';
import type { MockLink } from '@apollo/client/testing';
import { NotificationMarkAllReadDocument, NotificationMarkAllSeenDocument } from '../../src/graphql/__generated__/operations.ts';
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

/** `notificationMarkAllSeen` answered with each of `answers` in turn, counting the requests. */
function markAllSeen(...answers: { updated: number; unread: number; unseen: number }[]) {
  const requests = { count: 0 };
  const mock: MockLink.MockedResponse = {
    ...bulkAnswer(NotificationMarkAllSeenDocument, 'notificationMarkAllSeen', null as never, answers[0]!),
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: () => {
      const answer = answers[Math.min(requests.count, answers.length - 1)]!;
      requests.count += 1;
      return bulkAnswer(NotificationMarkAllSeenDocument, 'notificationMarkAllSeen', null as never, answer).result as never;
    },
  };
  return { mock, requests };
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

  it('lists the latest notifications, marks the inbox seen, puts new ones on top and announces them', async () => {
    const user = userEvent.setup();
    const feed = new SubscriptionFeed();
    const older = notification('ntf_1', 'Quarterly numbers', { seenAt: new Date().toISOString(), readAt: new Date().toISOString() });
    const unseen = notification('ntf_2', 'Office closed on Friday', { link: '/members' });
    // What arrives while the panel is open is seen at once.
    const seen = markAllSeen({ updated: 1, unread: 1, unseen: 0 }, { updated: 1, unread: 2, unseen: 0 });
    await renderWithApp(<NotificationBell />, {
      signedIn: true,
      subscriptions: feed,
      mocks: [countsAnswer(1, 1), notificationsAnswer([unseen, older], { first: 8, filter: INBOX }), seen.mock],
    });
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 1 unread, 1 new'));
    await user.click(bellButton());
    expect(bellButton()).toHaveAttribute('aria-expanded', 'true');
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    expect(within(panel).getByRole('heading', { name: 'Notifications' })).toHaveFocus();
    expect(await within(panel).findByRole('link', { name: 'Office closed on Friday' })).toHaveAttribute('href', '/members');
    expect(within(panel).getByText('Quarterly numbers')).toBeInTheDocument();
    // Opened, nothing is new any more: the badge empties.
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 1 unread'));
    expect(seen.requests.count).toBe(1);

    await subscribed(feed, 'NotificationReceived');
    await subscribed(feed, 'NotificationCountsChanged');
    const arrived = notification('ntf_3', 'Welcome Grace', { createdAt: new Date().toISOString() });
    act(() => {
      feed.emit('NotificationReceived', { notificationReceived: arrived });
      feed.emit('NotificationCountsChanged', { notificationCountsChanged: counts(2, 1) });
    });
    await within(panel).findByText('Welcome Grace');
    const titles = within(panel).getAllByRole('listitem').map((item) => item.querySelector('.bell__item-title')?.textContent);
    expect(titles).toEqual(['Unread: Welcome Grace', 'Unread: Office closed on Friday', 'Quarterly numbers']);
    const live = screen.getByText('New notification: Welcome Grace');
    expect(live).toHaveAttribute('aria-live', 'polite');
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 2 unread'));
    expect(seen.requests.count).toBe(2);
  });

  it('clears the whole badge when opened, not only the notifications the panel lists', async () => {
    const user = userEvent.setup();
    const feed = new SubscriptionFeed();
    // Twelve new, of which the panel lists the latest eight.
    const latest = Array.from({ length: 8 }, (_, index) => notification(`ntf_${12 - index}`, `News ${12 - index}`));
    const seen = markAllSeen({ updated: 12, unread: 12, unseen: 0 });
    await renderWithApp(<NotificationBell />, {
      signedIn: true,
      subscriptions: feed,
      mocks: [countsAnswer(12, 12), notificationsAnswer(latest, { first: 8, filter: INBOX }), seen.mock],
    });
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 12 unread, 12 new'));
    await user.click(bellButton());
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    await within(panel).findByText('News 5');
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 12 unread'));
    expect(within(bellButton()).queryByText(/\d/)).not.toBeInTheDocument();
    expect(seen.requests.count).toBe(1);

    // Opened again with nothing new, it asks nothing.
    await user.keyboard('{Escape}');
    await user.click(bellButton());
    await within(screen.getByRole('dialog', { name: 'Notifications' })).findByText('News 12');
    expect(bellButton()).toHaveAccessibleName('Notifications, 12 unread');
    expect(seen.requests.count).toBe(1);
  });

  it('keeps the badge when marking seen fails, and tries again the next time it is opened', async () => {
    const user = userEvent.setup();
    const feed = new SubscriptionFeed();
    let failures = 0;
    const failure: MockLink.MockedResponse = {
      request: { query: NotificationMarkAllSeenDocument, variables: { input: null } },
      result: () => {
        failures += 1;
        return { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } as never;
      },
    };
    const seen = markAllSeen({ updated: 3, unread: 3, unseen: 0 });
    await renderWithApp(<NotificationBell />, {
      signedIn: true,
      subscriptions: feed,
      mocks: [countsAnswer(3, 3), notificationsAnswer([notification('ntf_1', 'Hello')], { first: 8, filter: INBOX }), failure, seen.mock],
    });
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 3 unread, 3 new'));
    await user.click(bellButton());
    await within(screen.getByRole('dialog', { name: 'Notifications' })).findByText('Hello');
    await waitFor(() => expect(failures).toBe(1));
    expect(bellButton()).toHaveAccessibleName('Notifications, 3 unread, 3 new');
    expect(seen.requests.count).toBe(0);

    await user.keyboard('{Escape}');
    await user.click(bellButton());
    await waitFor(() => expect(bellButton()).toHaveAccessibleName('Notifications, 3 unread'));
    expect(seen.requests.count).toBe(1);
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
