import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import MembersPage from '../../src/features/members/MembersPage.tsx';
import { InvitationCreateDocument, MemberRemoveDocument, MemberUpdateDocument } from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { ALL_MEMBER_PERMISSIONS, invitation, invitationsAnswer, member, membersAnswer, userErrors, viewerAnswer } from './fixtures.tsx';

const page = (
  <ViewerProvider>
    <MembersPage />
  </ViewerProvider>
);

const ada = member('mem_ada', 'Ada Lovelace', 'OWNER');
const grace = member('mem_grace', 'Grace Hopper', 'OWNER');
const alan = member('mem_alan', 'Alan Turing', 'MEMBER');

async function membersTable() {
  const heading = await screen.findByRole('heading', { level: 2, name: 'Members' });
  return within(heading.closest('section')!).findByRole('table');
}

describe('the members page', () => {
  it('checks the email address before sending an invitation', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }), membersAnswer([ada]), invitationsAnswer([])],
    });
    await user.type(await screen.findByLabelText('Email address'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Send invitation' }));
    const email = screen.getByLabelText('Email address');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Enter a valid email address, like name@example.com.');
    expect(email).toHaveFocus();
    expect(screen.queryByText(/Invitation sent/)).not.toBeInTheDocument();
  });

  it('sends an invitation, confirms it, clears the form and lists the invitation as pending', async () => {
    const user = userEvent.setup();
    const sent = invitation('ivt_1', 'grace@example.com', 'ADMIN');
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }),
        membersAnswer([ada]),
        invitationsAnswer([]),
        {
          request: { query: InvitationCreateDocument, variables: { input: { email: 'grace@example.com', role: 'ADMIN' } } },
          result: {
            data: {
              invitationCreate: {
                __typename: 'InvitationCreatePayload',
                invitation: { __typename: 'Invitation', id: sent.id, email: sent.email, role: sent.role, status: 'PENDING', createdAt: sent.createdAt, expiresAt: sent.expiresAt },
                userErrors: [],
              },
            },
          },
        },
        invitationsAnswer([sent]),
      ],
    });
    expect(await screen.findByText('No invitations are waiting for an answer.')).toBeInTheDocument();
    const role = screen.getByLabelText('Role');
    expect(within(role).getByRole('option', { name: 'Owner' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Email address'), ' grace@example.com ');
    await user.selectOptions(role, 'ADMIN');
    expect(role).toHaveAccessibleDescription('Manages members, API keys and settings.');
    await user.click(screen.getByRole('button', { name: 'Send invitation' }));

    expect((await screen.findByText('Invitation sent to grace@example.com.')).closest('[role="status"]')).not.toBeNull();
    expect(screen.getByLabelText('Email address')).toHaveValue('');
    expect(screen.getByLabelText('Role')).toHaveValue('MEMBER');
    const pending = within(screen.getByRole('heading', { name: 'Pending invitations' }).closest('section')!);
    const row = pending.getByRole('cell', { name: 'grace@example.com' }).closest('tr')!;
    expect(within(row).getByRole('cell', { name: 'Admin' })).toBeInTheDocument();
    expect(within(row).getByRole('cell', { name: 'Ada Lovelace' })).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Revoke invitation for grace@example.com' })).toBeEnabled();
  });

  it('shows the count of members and marks the signed-in user’s own row', async () => {
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }), membersAnswer([ada, grace, alan], { totalCount: 1234 }), invitationsAnswer([])],
    });
    expect(await screen.findByText('1,234 members in Acme.')).toBeInTheDocument();
    const table = await membersTable();
    expect(within(table).getByRole('cell', { name: 'Ada Lovelace (you)' })).toBeInTheDocument();
    expect(within(table).getByRole('cell', { name: 'Grace Hopper' })).toBeInTheDocument();
  });

  it('shows a LAST_OWNER answer next to the role select of that member', async () => {
    const user = userEvent.setup();
    const message = "This is the organization's only owner. Make someone else an owner first.";
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }),
        membersAnswer([ada, grace]),
        invitationsAnswer([]),
        {
          request: { query: MemberUpdateDocument, variables: { input: { id: 'mem_grace', role: 'ADMIN' } } },
          result: {
            data: { memberUpdate: { __typename: 'MemberUpdatePayload', member: null, userErrors: userErrors([{ field: ['input', 'role'], message, code: 'LAST_OWNER' }]) } },
          },
        },
        // Ada stopped being an owner elsewhere meanwhile: the list read again says so.
        membersAnswer([member('mem_ada', 'Ada Lovelace', 'ADMIN'), member('mem_grace', 'Grace Hopper', 'OWNER', { isLastOwner: true })]),
      ],
    });
    await membersTable();
    const select = screen.getByRole('combobox', { name: 'Role of Grace Hopper' });
    await user.selectOptions(select, 'ADMIN');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Role of Grace Hopper' })).toHaveAccessibleDescription(expect.stringContaining(message)));
    expect(screen.getByRole('combobox', { name: 'Role of Grace Hopper' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('combobox', { name: 'Role of Grace Hopper' })).toHaveValue('OWNER');
    expect(screen.getByRole('combobox', { name: 'Role of Ada Lovelace' })).not.toHaveAccessibleDescription(expect.stringContaining(message));
  });

  it('disables the last owner’s role and removal and says why', async () => {
    const explanation = 'The only owner can neither be demoted nor removed. Make someone else an owner first.';
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }),
        membersAnswer([member('mem_ada', 'Ada Lovelace', 'OWNER', { isLastOwner: true }), alan]),
        invitationsAnswer([]),
      ],
    });
    const table = await membersTable();
    const select = within(table).getByRole('combobox', { name: 'Role of Ada Lovelace' });
    const remove = within(table).getByRole('button', { name: 'Remove Ada Lovelace' });
    expect(select).toBeDisabled();
    expect(remove).toBeDisabled();
    expect(select).toHaveAccessibleDescription(explanation);
    expect(remove).toHaveAccessibleDescription(explanation);
    expect(within(table).getByRole('combobox', { name: 'Role of Alan Turing' })).toBeEnabled();
    expect(within(table).getByRole('button', { name: 'Remove Alan Turing' })).toBeEnabled();
  });

  it('changes a role at once and says so', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }),
        membersAnswer([ada, alan]),
        invitationsAnswer([]),
        {
          request: { query: MemberUpdateDocument, variables: { input: { id: 'mem_alan', role: 'ANALYST' } } },
          result: { data: { memberUpdate: { __typename: 'MemberUpdatePayload', member: { __typename: 'Member', id: 'mem_alan', role: 'ANALYST', isLastOwner: false }, userErrors: [] } } },
        },
      ],
    });
    await membersTable();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Role of Alan Turing' }), 'ANALYST');
    expect((await screen.findByText('Alan Turing is now Analyst.')).closest('[role="status"]')).not.toBeNull();
    expect(screen.getByRole('combobox', { name: 'Role of Alan Turing' })).toHaveValue('ANALYST');
  });

  it('asks before removing a member and takes the row away afterwards', async () => {
    const user = userEvent.setup();
    let removed = false;
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }),
        membersAnswer([ada, alan]),
        invitationsAnswer([]),
        {
          request: { query: MemberRemoveDocument, variables: { input: { id: 'mem_alan' } } },
          result: () => {
            removed = true;
            return { data: { memberRemove: { __typename: 'MemberRemovePayload', removedMemberId: 'mem_alan', userErrors: [] } } };
          },
        },
      ],
    });
    const table = await membersTable();
    expect(screen.getByText('2 members in Acme.')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: 'Remove Alan Turing' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Alan Turing?' });
    expect(removed).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));

    expect((await screen.findByText('Alan Turing was removed from Acme.')).closest('[role="status"]')).not.toBeNull();
    expect(removed).toBe(true);
    expect(within(table).queryByRole('cell', { name: 'Alan Turing' })).not.toBeInTheDocument();
    expect(screen.getByText('1 member in Acme.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Members' })).toHaveFocus();
  });

  it('keeps the member when the removal is cancelled', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }), membersAnswer([ada, alan]), invitationsAnswer([])],
    });
    const table = await membersTable();
    await user.click(within(table).getByRole('button', { name: 'Remove Alan Turing' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Remove Alan Turing?' })).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(within(table).getByRole('cell', { name: 'Alan Turing' })).toBeInTheDocument();
  });

  it('shows a member without the managing permissions no invite form, roles as text and no remove buttons', async () => {
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'MEMBER', permissions: ['organization.read', 'member.read'], user: { id: 'usr_alan', name: 'Alan Turing', email: 'alan@example.com' } }),
        membersAnswer([member('mem_ada', 'Ada Lovelace', 'OWNER', { isLastOwner: true }), alan]),
      ],
    });
    const table = await membersTable();
    expect(screen.queryByRole('heading', { name: 'Invite someone' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Email address')).not.toBeInTheDocument();
    expect(screen.getByText('Only owners and admins can invite people. Ask one of them if someone should join.')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Pending invitations' })).not.toBeInTheDocument();
    expect(within(table).queryByRole('combobox')).not.toBeInTheDocument();
    expect(within(table).queryByRole('button')).not.toBeInTheDocument();
    expect(within(table).queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
    expect(within(table).getByRole('cell', { name: 'Owner' })).toBeInTheDocument();
    expect(within(table).getByRole('cell', { name: 'Alan Turing (you)' })).toBeInTheDocument();
  });

  it('offers the owner role only to owners', async () => {
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [viewerAnswer({ role: 'ADMIN', permissions: ALL_MEMBER_PERMISSIONS }), membersAnswer([member('mem_ada', 'Ada Lovelace', 'OWNER'), alan]), invitationsAnswer([])],
    });
    const table = await membersTable();
    expect(within(screen.getByLabelText('Role')).queryByRole('option', { name: 'Owner' })).not.toBeInTheDocument();
    expect(within(within(table).getByRole('combobox', { name: 'Role of Alan Turing' })).queryByRole('option', { name: 'Owner' })).not.toBeInTheDocument();
    // An admin cannot touch an owner: the row says so instead of failing on the server.
    expect(within(table).getByRole('combobox', { name: 'Role of Ada Lovelace' })).toBeDisabled();
    expect(within(table).getByRole('button', { name: 'Remove Ada Lovelace' })).toHaveAccessibleDescription('Only an owner can change the role of an owner or remove one.');
  });

  it('loads the next page of members on request', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }),
        membersAnswer([ada], { hasNextPage: true, totalCount: 2 }),
        invitationsAnswer([]),
        membersAnswer([alan], { after: 'cursor_1', totalCount: 2 }),
      ],
    });
    const table = await membersTable();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    const alanCell = await within(table).findByRole('cell', { name: 'Alan Turing' });
    expect(within(table).getByRole('cell', { name: 'Ada Lovelace (you)' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    await waitFor(() => expect(alanCell).toHaveFocus());
  });

  it('speaks German when German is chosen', async () => {
    await renderWithApp(page, {
      path: '/members',
      signedIn: true,
      language: 'de',
      mocks: [viewerAnswer({ role: 'OWNER', permissions: ALL_MEMBER_PERMISSIONS }), membersAnswer([ada, alan]), invitationsAnswer([])],
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Mitglieder' })).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Alan Turing entfernen' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Rolle von Alan Turing' })).toBeInTheDocument();
  });
});
