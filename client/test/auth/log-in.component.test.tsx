import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { LogInPage } from '../../src/features/auth/LogInPage.tsx';
import { LogInDocument } from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';

const session = {
  __typename: 'Session' as const,
  accessToken: 'at_1',
  refreshToken: 'rt_1',
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
  refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  organizationId: 'org_1',
};

function logInAnswer(input: { email: string; password: string }, payload: { session: typeof session | null; userErrors: { field: string[] | null; message: string; code: string }[] }) {
  return {
    request: { query: LogInDocument, variables: { input } },
    result: {
      data: {
        sessionCreate: {
          __typename: 'SessionPayload' as const,
          session: payload.session,
          userErrors: payload.userErrors.map((error) => ({ __typename: 'UserError' as const, ...error })),
        },
      },
    },
  };
}

describe('the log-in form', () => {
  it('checks the fields before sending anything and puts each problem next to its field', async () => {
    const user = userEvent.setup();
    await renderWithApp(<LogInPage />, { path: '/log-in', mocks: [] });
    await user.type(screen.getByLabelText('Email address'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    const email = screen.getByLabelText('Email address');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Enter a valid email address, like name@example.com.');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password.');
    expect(email).toHaveFocus();
  });

  it('shows a wrong password next to the password field', async () => {
    const user = userEvent.setup();
    const { session: auth } = await renderWithApp(<LogInPage />, {
      path: '/log-in',
      mocks: [logInAnswer({ email: 'ada@example.com', password: 'wrong-password' }, { session: null, userErrors: [{ field: ['input', 'password'], message: 'The email or password is incorrect.', code: 'INVALID_CREDENTIALS' }] })],
    });
    await user.type(screen.getByLabelText('Email address'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('The email or password is incorrect.'));
    expect(auth.state.status).toBe('signed-out');
  });

  it('shows the lockout message as the server gives it', async () => {
    const user = userEvent.setup();
    const lockout = 'Too many failed log-in attempts. Try again in 30 seconds (at 12:00:30 UTC).';
    await renderWithApp(<LogInPage />, {
      path: '/log-in',
      mocks: [logInAnswer({ email: 'ada@example.com', password: 'another-guess' }, { session: null, userErrors: [{ field: ['input', 'email'], message: lockout, code: 'RATE_LIMITED' }] })],
    });
    await user.type(screen.getByLabelText('Email address'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'another-guess');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(screen.getByLabelText('Email address')).toHaveAccessibleDescription(lockout));
  });

  it('starts the session and keeps only the refresh token in storage', async () => {
    const user = userEvent.setup();
    const { session: auth, store } = await renderWithApp(<LogInPage />, {
      path: '/log-in',
      mocks: [logInAnswer({ email: 'ada@example.com', password: 'right-password' }, { session, userErrors: [] })],
    });
    await user.type(screen.getByLabelText('Email address'), ' ada@example.com ');
    await user.type(screen.getByLabelText('Password'), 'right-password');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(auth.state).toEqual({ status: 'signed-in', organizationId: 'org_1' }));
    expect(store.value).toEqual({ refreshToken: 'rt_1', refreshTokenExpiresAt: session.refreshTokenExpiresAt, organizationId: 'org_1' });
    expect(JSON.stringify(store.value)).not.toContain('at_1');
  });

  it('speaks German when German is chosen', async () => {
    await renderWithApp(<LogInPage />, { path: '/log-in', language: 'de' });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Anmelden');
    expect(screen.getByLabelText('E-Mail-Adresse')).toBeInTheDocument();
  });
});
