import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { MockLink } from '@apollo/client/testing';
import { AcceptInvitationPage } from '../../src/features/invitations/AcceptInvitationPage.tsx';
import { InvitationAcceptDocument, LogOutDocument } from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';

const session = {
  __typename: 'Session' as const,
  accessToken: 'at_2',
  refreshToken: 'rt_2',
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
  refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  organizationId: 'org_2',
};

function acceptAnswer(
  input: { token: string; name?: string; password?: string },
  payload: { session: typeof session | null; userErrors?: { field: string[] | null; message: string; code: string }[] },
  onSent?: () => void,
): MockLink.MockedResponse {
  return {
    request: { query: InvitationAcceptDocument, variables: { input } },
    result: () => {
      onSent?.();
      return {
        data: {
          invitationAccept: {
            __typename: 'SessionPayload',
            session: payload.session,
            userErrors: (payload.userErrors ?? []).map((error) => ({ __typename: 'UserError', ...error })),
          },
        },
      };
    },
  };
}

const PATH = '/invitations/accept?token=tok_1';
const ROUTES = [{ path: '/', element: <p>the overview</p> }, { path: '*', element: <p>elsewhere</p> }];

describe('accepting an invitation', () => {
  it('checks name and password before creating the account', async () => {
    const user = userEvent.setup();
    let sent = false;
    await renderWithApp(<AcceptInvitationPage />, {
      path: PATH,
      routes: ROUTES,
      mocks: [acceptAnswer({ token: 'tok_1', name: 'Grace Hopper', password: 'short' }, { session }, () => (sent = true))],
    });
    expect(screen.getByRole('heading', { level: 1, name: 'Accept your invitation' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Accept and create account' }));
    expect(screen.getByLabelText('Your name')).toHaveAccessibleDescription('Enter your name.');
    expect(screen.getByLabelText('Your name')).toHaveFocus();
    await user.type(screen.getByLabelText('Your name'), 'Grace Hopper');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Accept and create account' }));
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Use at least 10 characters. At least 10 characters.');
    expect(sent).toBe(false);
  });

  it('creates the account with the token, name and password, signs in and opens the app', async () => {
    const user = userEvent.setup();
    const { session: auth, router } = await renderWithApp(<AcceptInvitationPage />, {
      path: PATH,
      routes: ROUTES,
      mocks: [acceptAnswer({ token: 'tok_1', name: 'Grace Hopper', password: 'a-long-password' }, { session })],
    });
    await user.type(screen.getByLabelText('Your name'), ' Grace Hopper ');
    await user.type(screen.getByLabelText('Password'), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Accept and create account' }));
    await waitFor(() => expect(auth.state).toEqual({ status: 'signed-in', organizationId: 'org_2' }));
    expect(await screen.findByText('the overview')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
  });

  it('sends only the token for someone already logged in, and moves them to the new organization', async () => {
    const user = userEvent.setup();
    const { session: auth } = await renderWithApp(<AcceptInvitationPage />, {
      path: PATH,
      routes: ROUTES,
      signedIn: true,
      mocks: [acceptAnswer({ token: 'tok_1' }, { session })],
    });
    expect(auth.state).toEqual({ status: 'signed-in', organizationId: 'org_test' });
    expect(screen.queryByLabelText('Your name')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    await waitFor(() => expect(auth.state).toEqual({ status: 'signed-in', organizationId: 'org_2' }));
    expect(await screen.findByText('the overview')).toBeInTheDocument();
  });

  it('shows an invalid link as the server explains it', async () => {
    const user = userEvent.setup();
    const message = 'This invitation link is not valid. Ask for a new invitation.';
    const { session: auth } = await renderWithApp(<AcceptInvitationPage />, {
      path: PATH,
      routes: ROUTES,
      signedIn: true,
      mocks: [acceptAnswer({ token: 'tok_1' }, { session: null, userErrors: [{ field: ['input', 'token'], message, code: 'INVALID_INVITATION' }] })],
    });
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).not.toBeInTheDocument();
    expect(auth.state).toEqual({ status: 'signed-in', organizationId: 'org_test' });
  });

  it('points someone who already has an account to the log-in page, which brings them back', async () => {
    const user = userEvent.setup();
    const message = 'An account for grace@example.com exists: sign in, then open the invitation link again.';
    await renderWithApp(<AcceptInvitationPage />, {
      path: PATH,
      routes: ROUTES,
      mocks: [
        acceptAnswer({ token: 'tok_1', name: 'Grace Hopper', password: 'a-long-password' }, { session: null, userErrors: [{ field: ['input', 'token'], message, code: 'SIGN_IN_REQUIRED' }] }),
      ],
    });
    const back = `/log-in?next=${encodeURIComponent(PATH)}`;
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', back);
    await user.type(screen.getByLabelText('Your name'), 'Grace Hopper');
    await user.type(screen.getByLabelText('Password'), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Accept and create account' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(alert.querySelector('a')).toHaveAttribute('href', back);
  });

  it('shows a wrong account as the server says and offers to log out', async () => {
    const user = userEvent.setup();
    const message = 'This invitation is for grace@example.com; you are signed in as ada@example.com.';
    const { session: auth } = await renderWithApp(<AcceptInvitationPage />, {
      path: PATH,
      routes: ROUTES,
      signedIn: true,
      mocks: [
        acceptAnswer({ token: 'tok_1' }, { session: null, userErrors: [{ field: ['input', 'token'], message, code: 'EMAIL_MISMATCH' }] }),
        {
          request: { query: LogOutDocument, variables: { input: { everywhere: false } } },
          result: { data: { sessionRevoke: { __typename: 'SessionRevokePayload', revokedSessions: 1, userErrors: [] } } },
        },
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    await user.click(screen.getByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(auth.state.status).toBe('signed-out'));
    expect(await screen.findByRole('button', { name: 'Accept and create account' })).toBeInTheDocument();
  });

  it('explains a link without its token', async () => {
    await renderWithApp(<AcceptInvitationPage />, { path: '/invitations/accept', routes: ROUTES });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('This invitation link is incomplete');
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/log-in');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
