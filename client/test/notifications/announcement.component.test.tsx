import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import AnnouncementPage from '../../src/features/notifications/AnnouncementPage.tsx';
import { NotificationSendDocument } from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { ADMIN_PERMISSIONS, userErrors, viewerAnswer } from './fixtures.tsx';

const page = (
  <ViewerProvider>
    <AnnouncementPage />
  </ViewerProvider>
);

function sendAnswer(input: Record<string, unknown>, result: { recipients?: number | null; errors?: { field: string[] | null; message: string; code: string }[] }) {
  return {
    request: { query: NotificationSendDocument, variables: { input } },
    result: { data: { notificationSend: { __typename: 'NotificationSendPayload', recipients: result.recipients ?? null, userErrors: userErrors(result.errors ?? []) } } },
  };
}

describe('the announcement form', () => {
  it('checks the title, message and link before sending', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, { path: '/announcements', signedIn: true, mocks: [viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS })] });
    await user.type(await screen.findByLabelText('Link (optional)'), 'https://evil.example');
    await user.click(screen.getByRole('button', { name: 'Send announcement' }));
    expect(screen.getByLabelText('Title')).toHaveAccessibleDescription('Fill in this field.');
    expect(screen.getByLabelText('Title')).toHaveFocus();
    expect(screen.getByLabelText('Message')).toHaveAccessibleDescription('Fill in this field.');
    expect(screen.getByLabelText('Link (optional)')).toHaveAccessibleDescription(expect.stringContaining('Enter a path in the app that starts with /'));
  });

  it('shows the server’s userErrors at their fields', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/announcements',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }),
        sendAnswer(
          { title: 'Maintenance', body: 'Tonight from 22:00.', link: '/billing', roles: ['ANALYST'], critical: false },
          {
            errors: [
              { field: ['input', 'link'], message: "The link must be a path in the app that starts with '/', such as /billing.", code: 'INVALID_LINK' },
              { field: ['input', 'roles'], message: 'No member matches this audience.', code: 'NO_RECIPIENTS' },
            ],
          },
        ),
      ],
    });
    await user.type(await screen.findByLabelText('Title'), 'Maintenance');
    await user.type(screen.getByLabelText('Message'), 'Tonight from 22:00.');
    await user.type(screen.getByLabelText('Link (optional)'), '/billing');
    const roles = screen.getByRole('group', { name: 'Who gets it' });
    await user.click(within(roles).getByRole('checkbox', { name: 'Analyst' }));
    await user.click(screen.getByRole('button', { name: 'Send announcement' }));

    const link = screen.getByLabelText('Link (optional)');
    await screen.findByText('No member matches this audience.');
    expect(link).toHaveAttribute('aria-invalid', 'true');
    expect(link).toHaveAccessibleDescription(expect.stringContaining("The link must be a path in the app that starts with '/', such as /billing."));
    expect(link).toHaveFocus();
    expect(roles).toHaveAccessibleDescription(expect.stringContaining('No member matches this audience.'));
    expect(roles).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText(/Sent to/)).not.toBeInTheDocument();
  });

  it('sends to everyone, says to how many, and clears the form', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/announcements',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }),
        sendAnswer({ title: 'Welcome aboard', body: 'Our new office opens Monday.', link: null, roles: null, critical: true }, { recipients: 6 }),
      ],
    });
    await user.type(await screen.findByLabelText('Title'), '  Welcome aboard ');
    await user.type(screen.getByLabelText('Message'), 'Our new office opens Monday.');
    await user.click(screen.getByRole('checkbox', { name: 'Critical' }));
    await user.click(screen.getByRole('button', { name: 'Send announcement' }));
    expect((await screen.findByText('Sent to 6 members.')).closest('[role="status"]')).not.toBeNull();
    expect(screen.getByLabelText('Title')).toHaveValue('');
    expect(screen.getByLabelText('Title')).toHaveFocus();
    expect(screen.getByRole('checkbox', { name: 'Critical' })).not.toBeChecked();
  });
});
