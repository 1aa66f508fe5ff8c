import type { MockLink } from '@apollo/client/testing';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useViewer, ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import ProfilePage from '../../src/features/profile/ProfilePage.tsx';
import {
  LogOutDocument,
  OrganizationSwitchDocument,
  UserPasswordChangeDocument,
  UserUpdateDocument,
  ViewerDocument,
} from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';

const ACME = { __typename: 'Organization' as const, id: 'org_1', name: 'Acme', slug: 'acme' };
const GLOBEX = { __typename: 'Organization' as const, id: 'org_2', name: 'Globex', slug: 'globex' };

function viewerAnswer(organization = ACME): MockLink.MockedResponse {
  return {
    request: { query: ViewerDocument },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          user: { __typename: 'User', id: 'usr_ada', email: 'ada@example.com', name: 'Ada Lovelace' },
          organization,
          role: organization === ACME ? 'OWNER' : 'ANALYST',
          permissions: ['organization.read', 'member.read'],
          memberships: [
            { __typename: 'Membership', organization: ACME, role: 'OWNER', joinedAt: '2024-01-10T09:00:00.000Z' },
            { __typename: 'Membership', organization: GLOBEX, role: 'ANALYST', joinedAt: '2024-02-20T09:00:00.000Z' },
          ],
        },
      },
    },
  };
}

function userErrors(errors: { field: string[]; message: string; code: string }[]) {
  return errors.map((error) => ({ __typename: 'UserError' as const, ...error }));
}

function passwordChangeAnswer(input: { currentPassword: string; newPassword: string }, payload: { revokedSessions: number | null; userErrors?: { field: string[]; message: string; code: string }[] }): MockLink.MockedResponse {
  return {
    request: { query: UserPasswordChangeDocument, variables: { input } },
    result: { data: { userPasswordChange: { __typename: 'UserPasswordChangePayload', revokedSessions: payload.revokedSessions, userErrors: userErrors(payload.userErrors ?? []) } } },
  };
}

/** Stands in for the app's header, which shows the signed-in user's name from the viewer. */
function HeaderName() {
  const { viewer } = useViewer();
  return <p data-testid="header-name">{viewer.user?.name}</p>;
}

async function renderPage(mocks: MockLink.MockedResponse[], language: 'en' | 'de' = 'en') {
  const view = await renderWithApp(
    <ViewerProvider>
      <HeaderName />
      <ProfilePage />
    </ViewerProvider>,
    { path: '/profile', signedIn: true, mocks, language, routes: [{ path: '/', element: <p>the overview</p> }] },
  );
  await screen.findByRole('heading', { level: 1, name: language === 'de' ? 'Profil' : 'Profile' });
  return view;
}

async function fillPasswords(user: ReturnType<typeof userEvent.setup>, current: string, next: string, repeat: string) {
  await user.type(screen.getByLabelText('Current password'), current);
  await user.type(screen.getByLabelText('New password'), next);
  await user.type(screen.getByLabelText('Repeat new password'), repeat);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('the profile page', () => {
  it('shows the email as text and checks the name before saving it, then shows the new name everywhere', async () => {
    const user = userEvent.setup();
    await renderPage([
      viewerAnswer(),
      {
        request: { query: UserUpdateDocument, variables: { input: { name: 'Ada King' } } },
        result: { data: { userUpdate: { __typename: 'UserUpdatePayload', user: { __typename: 'User', id: 'usr_ada', name: 'Ada King' }, userErrors: [] } } },
      },
    ]);
    const details = screen.getByRole('region', { name: 'Your details' });
    expect(within(details).getByText('ada@example.com')).toBeInTheDocument();
    expect(within(details).queryByRole('textbox', { name: /email/i })).not.toBeInTheDocument();

    const name = screen.getByLabelText('Your name');
    expect(name).toHaveValue('Ada Lovelace');
    await user.clear(name);
    await user.type(name, '   ');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(name).toHaveAccessibleDescription('Enter your name.');
    expect(name).toHaveFocus();

    await user.clear(name);
    await user.type(name, ' Ada King ');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(name).toHaveValue('Ada King');
    expect(name).not.toHaveAttribute('aria-invalid');
    expect(screen.getByTestId('header-name')).toHaveTextContent('Ada King');
  });

  it('shows a name the server refuses next to the field', async () => {
    const user = userEvent.setup();
    await renderPage([
      viewerAnswer(),
      {
        request: { query: UserUpdateDocument, variables: { input: { name: 'X' } } },
        result: { data: { userUpdate: { __typename: 'UserUpdatePayload', user: null, userErrors: userErrors([{ field: ['input', 'name'], message: 'Enter a name.', code: 'INVALID' }]) } } },
      },
    ]);
    await user.clear(screen.getByLabelText('Your name'));
    await user.type(screen.getByLabelText('Your name'), 'X');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByLabelText('Your name')).toHaveAccessibleDescription('Enter a name.'));
    expect(screen.queryByText('Saved.')).not.toBeInTheDocument();
  });

  it('catches new passwords that do not match before sending anything', async () => {
    const user = userEvent.setup();
    await renderPage([viewerAnswer()]);
    await fillPasswords(user, 'old password 1', 'new password 12', 'new password 13');
    const repeat = screen.getByLabelText('Repeat new password');
    expect(repeat).toHaveAccessibleDescription('The passwords do not match.');
    expect(repeat).toHaveFocus();
    expect(screen.getByLabelText('New password')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('asks for a new password of at least 10 characters', async () => {
    const user = userEvent.setup();
    await renderPage([viewerAnswer()]);
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription('At least 10 characters.');
    await fillPasswords(user, 'old password 1', 'short', 'short');
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription('Use at least 10 characters. At least 10 characters.');
  });

  it('shows a wrong current password next to that field', async () => {
    const user = userEvent.setup();
    await renderPage([
      viewerAnswer(),
      passwordChangeAnswer(
        { currentPassword: 'a wrong guess', newPassword: 'new password 12' },
        { revokedSessions: null, userErrors: [{ field: ['input', 'currentPassword'], message: 'The current password is incorrect.', code: 'INVALID_CREDENTIALS' }] },
      ),
    ]);
    await fillPasswords(user, 'a wrong guess', 'new password 12', 'new password 12');
    const current = screen.getByLabelText('Current password');
    await waitFor(() => expect(current).toHaveAccessibleDescription('The current password is incorrect.'));
    expect(current).toHaveFocus();
    expect(screen.queryByText(/Your password has been changed/)).not.toBeInTheDocument();
  });

  it('says how many other sessions a password change logged out, and empties the form', async () => {
    const user = userEvent.setup();
    await renderPage([viewerAnswer(), passwordChangeAnswer({ currentPassword: 'old password 1', newPassword: 'new password 12' }, { revokedSessions: 2 })]);
    await fillPasswords(user, 'old password 1', 'new password 12', 'new password 12');
    expect(await screen.findByText('Your password has been changed. 2 other sessions were logged out.')).toBeInTheDocument();
    expect(screen.getByLabelText('Current password')).toHaveValue('');
    expect(screen.getByLabelText('New password')).toHaveValue('');
  });

  it('lists the organizations, marks the current one and switches to another', async () => {
    const user = userEvent.setup();
    const session = {
      __typename: 'Session' as const,
      accessToken: 'at_2',
      refreshToken: 'rt_2',
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
      refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      organizationId: GLOBEX.id,
    };
    const { session: auth } = await renderPage([
      viewerAnswer(),
      {
        request: { query: OrganizationSwitchDocument, variables: { input: { organizationId: GLOBEX.id } } },
        result: { data: { sessionSwitchOrganization: { __typename: 'SessionPayload', session, userErrors: [] } } },
      },
      viewerAnswer(GLOBEX),
    ]);
    const organizations = screen.getByRole('region', { name: 'Your organizations' });
    const acme = within(organizations).getByText('Acme').closest('tr')!;
    expect(acme).toHaveTextContent('(current)');
    expect(within(acme).getByText('Owner')).toBeInTheDocument();
    expect(within(acme).queryByRole('button')).not.toBeInTheDocument();
    const globex = within(organizations).getByText('Globex').closest('tr')!;
    expect(within(globex).getByText('Analyst')).toBeInTheDocument();
    expect(globex).not.toHaveTextContent('(current)');

    await user.click(within(globex).getByRole('button', { name: 'Switch to Globex' }));
    await waitFor(() => expect(auth.state).toEqual({ status: 'signed-in', organizationId: GLOBEX.id }));
    expect(await screen.findByText('the overview')).toBeInTheDocument();
  });

  it('logs out everywhere only after confirming', async () => {
    const user = userEvent.setup();
    const { session: auth } = await renderPage([
      viewerAnswer(),
      {
        request: { query: LogOutDocument, variables: { input: { everywhere: true } } },
        result: { data: { sessionRevoke: { __typename: 'SessionRevokePayload', revokedSessions: 3, userErrors: [] } } },
      },
    ]);
    await user.click(screen.getByRole('button', { name: 'Log out everywhere' }));
    const dialog = screen.getByRole('dialog', { name: 'Log out everywhere?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(auth.state.status).toBe('signed-in');

    await user.click(screen.getByRole('button', { name: 'Log out everywhere' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Log out everywhere?' })).getByRole('button', { name: 'Log out everywhere' }));
    await waitFor(() => expect(auth.state).toEqual({ status: 'signed-out', reason: 'user' }));
  });

  it('speaks German when German is chosen', async () => {
    await renderPage([viewerAnswer()], 'de');
    expect(screen.getByRole('heading', { level: 2, name: 'Passwort ändern' })).toBeInTheDocument();
    expect(screen.getByLabelText('Neues Passwort')).toHaveAccessibleDescription('Mindestens 10 Zeichen.');
    expect(screen.getByRole('button', { name: 'Zu Globex wechseln' })).toBeInTheDocument();
  });
});
