import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { MockLink } from '@apollo/client/testing';
import { ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import NotificationSettingsPage from '../../src/features/notifications/NotificationSettingsPage.tsx';
import {
  NotificationPreferenceResetDocument,
  NotificationPreferencesDocument,
  NotificationPreferenceSetDocument,
  NotificationSettingsUpdateDocument,
  OrganizationNotificationDefaultResetDocument,
  OrganizationNotificationDefaultsDocument,
  OrganizationNotificationDefaultSetDocument,
  PushSubscriptionsDocument,
  type NotificationChannel,
  type PreferenceSource,
} from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { ADMIN_PERMISSIONS, MEMBER_PERMISSIONS, viewerAnswer } from './fixtures.tsx';

const page = (
  <ViewerProvider>
    <NotificationSettingsPage />
  </ViewerProvider>
);

const KINDS = [
  { __typename: 'NotificationKind', key: 'announcement', category: 'ANNOUNCEMENT', description: "Announcements from the organization's admins.", critical: false, defaultChannels: ['IN_APP', 'EMAIL', 'PUSH'] },
  { __typename: 'NotificationKind', key: 'payment.failed', category: 'BILLING', description: 'A payment failed.', critical: true, defaultChannels: ['IN_APP', 'EMAIL', 'PUSH'] },
];

type Cell = [kind: string, channel: NotificationChannel, enabled: boolean, source: PreferenceSource];

function preferences(cells: Cell[], settings: { emailDelivery?: string; locale?: string } = {}) {
  return {
    __typename: 'NotificationPreferences',
    emailDelivery: settings.emailDelivery ?? 'INSTANT',
    locale: settings.locale ?? 'en',
    preferences: cells.map(([kind, channel, enabled, source]) => ({
      __typename: 'NotificationPreference',
      kind,
      channel,
      enabled,
      source,
      editable: source !== 'CRITICAL',
    })),
  };
}

const DEFAULT_CELLS: Cell[] = [
  ['announcement', 'IN_APP', true, 'PLATFORM'],
  ['announcement', 'EMAIL', true, 'ORGANIZATION'],
  ['announcement', 'PUSH', true, 'PLATFORM'],
  ['payment.failed', 'IN_APP', true, 'CRITICAL'],
  ['payment.failed', 'EMAIL', true, 'CRITICAL'],
  ['payment.failed', 'PUSH', true, 'CRITICAL'],
];

function preferencesAnswer(cells: Cell[] = DEFAULT_CELLS): MockLink.MockedResponse {
  return {
    request: { query: NotificationPreferencesDocument },
    result: {
      data: {
        notificationKinds: KINDS,
        notificationPreferences: preferences(cells),
        pushConfig: { __typename: 'PushConfig', enabled: false, vapidPublicKey: null },
      },
    },
  };
}

const pushSubscriptionsAnswer: MockLink.MockedResponse = { request: { query: PushSubscriptionsDocument }, result: { data: { pushSubscriptions: [] } } };

function payload(field: string, cells: Cell[], settings?: { emailDelivery?: string; locale?: string }) {
  return { data: { [field]: { __typename: 'NotificationPreferencesPayload', preferences: preferences(cells, settings), userErrors: [] } } };
}

function matrix() {
  return screen.findByRole('table', { name: 'What reaches you' });
}

describe('the notification settings page', () => {
  it('locks critical kinds on and says why', async () => {
    await renderWithApp(page, {
      path: '/settings/notifications',
      signedIn: true,
      mocks: [viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }), preferencesAnswer(), pushSubscriptionsAnswer],
    });
    const table = await matrix();
    for (const channel of ['In the app', 'Email', 'Browser']) {
      const locked = within(table).getByRole('switch', { name: `A payment failed: ${channel}` });
      expect(locked).toBeChecked();
      expect(locked).toBeDisabled();
      expect(locked).toHaveAccessibleDescription('Always on Critical: always sent (In the app, Email, Browser). These cannot be turned off.');
    }
    const open = within(table).getByRole('switch', { name: "Announcements from your organization's admins: Email" });
    expect(open).toBeEnabled();
    expect(open).toHaveAccessibleDescription('Organization default');
    // Only members who manage notifications see the organization's defaults.
    expect(screen.queryByRole('heading', { name: 'Organization defaults' })).not.toBeInTheDocument();
  });

  it('turns a channel off as the user’s own choice, and back to the default', async () => {
    const user = userEvent.setup();
    const off: Cell[] = DEFAULT_CELLS.map((cell) => (cell[0] === 'announcement' && cell[1] === 'EMAIL' ? ['announcement', 'EMAIL', false, 'USER'] : cell));
    await renderWithApp(page, {
      path: '/settings/notifications',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'MEMBER', permissions: MEMBER_PERMISSIONS }),
        preferencesAnswer(),
        pushSubscriptionsAnswer,
        {
          request: { query: NotificationPreferenceSetDocument, variables: { input: { kind: 'announcement', channel: 'EMAIL', enabled: false } } },
          result: payload('notificationPreferenceSet', off),
        },
        {
          request: { query: NotificationPreferenceResetDocument, variables: { input: { kind: 'announcement', channel: 'EMAIL' } } },
          result: payload('notificationPreferenceReset', DEFAULT_CELLS),
        },
      ],
    });
    const table = await matrix();
    const email = within(table).getByRole('switch', { name: "Announcements from your organization's admins: Email" });
    await user.click(email);
    expect(await screen.findByText("Announcements from your organization's admins: Email is off.")).toBeInTheDocument();
    expect(email).not.toBeChecked();
    expect(email).toHaveAccessibleDescription('Your choice');

    await user.click(within(table).getByRole('button', { name: "Use default: Announcements from your organization's admins: Email" }));
    expect(await screen.findByText("Announcements from your organization's admins: Email follows the default again.")).toBeInTheDocument();
    expect(email).toBeChecked();
    expect(email).toHaveAccessibleDescription('Organization default');
  });

  it('saves the email delivery and language, and shows organization defaults to those who manage them', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/settings/notifications',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }),
        preferencesAnswer(),
        pushSubscriptionsAnswer,
        {
          request: { query: OrganizationNotificationDefaultsDocument },
          // Only what the organization chose; the rest follows the platform's default channels.
          result: { data: { organizationNotificationDefaults: [{ __typename: 'NotificationChannelSetting', kind: 'announcement', channel: 'PUSH', enabled: false }] } },
        },
        {
          request: { query: OrganizationNotificationDefaultSetDocument, variables: { input: { kind: 'announcement', channel: 'EMAIL', enabled: false } } },
          result: {
            data: {
              organizationNotificationDefaultSet: {
                __typename: 'OrganizationNotificationDefaultPayload',
                defaults: [
                  { __typename: 'NotificationChannelSetting', kind: 'announcement', channel: 'EMAIL', enabled: false },
                  { __typename: 'NotificationChannelSetting', kind: 'announcement', channel: 'PUSH', enabled: false },
                ],
                userErrors: [],
              },
            },
          },
        },
        preferencesAnswer(),
        {
          request: { query: NotificationSettingsUpdateDocument, variables: { input: { emailDelivery: 'DAILY_DIGEST' } } },
          result: payload('notificationSettingsUpdate', DEFAULT_CELLS, { emailDelivery: 'DAILY_DIGEST' }),
        },
        {
          request: { query: NotificationSettingsUpdateDocument, variables: { input: { locale: 'de' } } },
          result: payload('notificationSettingsUpdate', DEFAULT_CELLS, { emailDelivery: 'DAILY_DIGEST', locale: 'de' }),
        },
      ],
    });
    await user.click(await screen.findByRole('radio', { name: /^Once a day, in a digest/ }));
    await waitFor(() => expect(screen.getByRole('radio', { name: /^Once a day, in a digest/ })).toBeChecked());
    await user.selectOptions(screen.getByLabelText('Language of email and browser notifications'), 'de');
    await waitFor(() => expect(screen.getByLabelText('Language of email and browser notifications')).toHaveValue('de'));

    const defaults = await screen.findByRole('table', { name: 'Organization defaults' });
    const locked = within(defaults).getByRole('switch', { name: 'Default for A payment failed: Email' });
    expect(locked).toBeDisabled();
    expect(locked).toBeChecked();
    const push = within(defaults).getByRole('switch', { name: "Default for Announcements from your organization's admins: Browser" });
    expect(push).not.toBeChecked();
    expect(push).toHaveAccessibleDescription('Set for the organization');
    const email = within(defaults).getByRole('switch', { name: "Default for Announcements from your organization's admins: Email" });
    expect(email).toBeChecked();
    expect(email).toHaveAccessibleDescription('Default');
    await user.click(email);
    expect(await screen.findByText("Default for Announcements from your organization's admins: Email is off.")).toBeInTheDocument();
    expect(email).not.toBeChecked();
    expect(email).toHaveAccessibleDescription('Set for the organization');
  });

  it('resets an organization default to the platform default, and the member\'s own matrix follows', async () => {
    const user = userEvent.setup();
    const pushOff: Cell[] = DEFAULT_CELLS.map((cell) => (cell[0] === 'announcement' && cell[1] === 'PUSH' ? ['announcement', 'PUSH', false, 'ORGANIZATION'] : cell));
    const setting = (channel: NotificationChannel, enabled: boolean) => ({ __typename: 'NotificationChannelSetting', kind: 'announcement', channel, enabled });
    await renderWithApp(page, {
      path: '/settings/notifications',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }),
        preferencesAnswer(pushOff),
        pushSubscriptionsAnswer,
        { request: { query: OrganizationNotificationDefaultsDocument }, result: { data: { organizationNotificationDefaults: [setting('EMAIL', true), setting('PUSH', false)] } } },
        {
          request: { query: OrganizationNotificationDefaultResetDocument, variables: { input: { kind: 'announcement', channel: 'PUSH' } } },
          result: { data: { organizationNotificationDefaultReset: { __typename: 'OrganizationNotificationDefaultPayload', defaults: [setting('EMAIL', true)], userErrors: [] } } },
        },
        // Read again after the reset: the member's own matrix names where each setting comes from.
        preferencesAnswer(DEFAULT_CELLS),
      ],
    });
    const defaults = await screen.findByRole('table', { name: 'Organization defaults' });
    const push = within(defaults).getByRole('switch', { name: "Default for Announcements from your organization's admins: Browser" });
    expect(push).not.toBeChecked();
    expect(push).toHaveAccessibleDescription('Set for the organization');
    const own = within(await matrix()).getByRole('switch', { name: "Announcements from your organization's admins: Browser" });
    expect(own).not.toBeChecked();
    expect(own).toHaveAccessibleDescription('Organization default');
    // Only cells the organization set can be reset; locked and platform ones cannot.
    const resets = within(defaults).getAllByRole('button', { name: /^Reset to platform default: / });
    expect(resets.map((button) => button.getAttribute('aria-label'))).toEqual([
      "Reset to platform default: Announcements from your organization's admins: Email",
      "Reset to platform default: Announcements from your organization's admins: Browser",
    ]);

    await user.click(within(defaults).getByRole('button', { name: "Reset to platform default: Announcements from your organization's admins: Browser" }));
    expect(await screen.findByText("Default for Announcements from your organization's admins: Browser follows the platform again.")).toBeInTheDocument();
    expect(push).toBeChecked();
    expect(push).toHaveAccessibleDescription('Default');
    expect(within(defaults).queryByRole('button', { name: "Reset to platform default: Announcements from your organization's admins: Browser" })).not.toBeInTheDocument();
    // The button is gone: keyboard focus stays in the cell, on its switch.
    expect(push).toHaveFocus();
    await waitFor(() => expect(own).toHaveAccessibleDescription('Default'));
    expect(own).toBeChecked();
  });

  it('names the organization defaults\' reset control in German', async () => {
    await renderWithApp(page, {
      path: '/settings/notifications',
      signedIn: true,
      language: 'de',
      mocks: [
        viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }),
        preferencesAnswer(),
        pushSubscriptionsAnswer,
        {
          request: { query: OrganizationNotificationDefaultsDocument },
          result: { data: { organizationNotificationDefaults: [{ __typename: 'NotificationChannelSetting', kind: 'announcement', channel: 'PUSH', enabled: false }] } },
        },
      ],
    });
    const defaults = await screen.findByRole('table', { name: 'Standards der Organisation' });
    const reset = within(defaults).getByRole('button', { name: /^Auf Plattform-Standard zurücksetzen: .*: Browser$/ });
    expect(reset).toHaveTextContent('Auf Plattform-Standard zurücksetzen');
  });
});
