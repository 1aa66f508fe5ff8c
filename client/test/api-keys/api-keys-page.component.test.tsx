import type { MockLink } from '@apollo/client/testing';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import ApiKeysPage from '../../src/features/api-keys/ApiKeysPage.tsx';
import {
  ApiKeyCreateDocument,
  ApiKeyPublishedOperationsDocument,
  ApiLimitsDocument,
  ApiKeyRevokeDocument,
  ApiKeysDocument,
  PermissionsDocument,
  ViewerDocument,
  type ApiKeyFieldsFragment,
  type Role,
} from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';

const ORGANIZATION = { __typename: 'Organization' as const, id: 'org_1', name: 'Acme', slug: 'acme' };
const ADA = { __typename: 'User' as const, id: 'usr_ada', name: 'Ada Lovelace' };
const OWNER_PERMISSIONS = ['organization.read', 'member.read', 'apikey.read', 'apikey.manage'];
const SECRET = 'sk_live_0123456789abcdefghijklmnopqrstuvwxyz';

function viewerAnswer(role: Role, permissions: string[]): MockLink.MockedResponse {
  return {
    request: { query: ViewerDocument },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          user: { ...ADA, email: 'ada@example.com' },
          organization: ORGANIZATION,
          role,
          permissions,
          memberships: [{ __typename: 'Membership', organization: ORGANIZATION, role, joinedAt: '2024-01-10T09:00:00.000Z' }],
        },
      },
    },
  };
}

const permissionsAnswer: MockLink.MockedResponse = {
  request: { query: PermissionsDocument },
  result: {
    data: {
      permissions: [
        ['organization.read', 'See the organization: its name, slug and settings.'],
        ['organization.update', 'Rename the organization and change its settings.'],
        ['member.read', 'List the members of the organization and their roles.'],
        ['apikey.read', "List the organization's API keys (never their secrets)."],
        ['apikey.manage', 'Create and revoke API keys.'],
      ].map(([name, description]) => ({ __typename: 'PermissionInfo' as const, name: name!, description: description! })),
    },
  },
};

function apiKey(id: string, name: string, overrides: Partial<ApiKeyFieldsFragment> = {}): ApiKeyFieldsFragment {
  return {
    __typename: 'ApiKey',
    id,
    name,
    prefix: `sk_${id.slice(-7)}`,
    permissions: ['organization.read'],
    clientName: null,
    safelist: false,
    createdAt: '2024-05-01T10:00:00.000Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    createdBy: ADA,
    ...overrides,
  };
}

function keysAnswer(nodes: ApiKeyFieldsFragment[], page: { after?: string; next?: string; totalCount?: number } = {}): MockLink.MockedResponse {
  return {
    request: { query: ApiKeysDocument, variables: { first: 50, after: page.after ?? null } },
    result: {
      data: {
        viewer: {
          __typename: 'Viewer',
          organization: {
            __typename: 'Organization',
            id: ORGANIZATION.id,
            apiKeys: {
              __typename: 'ApiKeyConnection',
              totalCount: page.totalCount ?? nodes.length,
              pageInfo: { __typename: 'PageInfo', hasNextPage: Boolean(page.next), endCursor: page.next ?? null },
              nodes,
            },
          },
        },
      },
    },
  };
}

function createAnswer(
  input: { name: string; permissions: string[]; expiresAt: string | null; clientName?: string; safelist?: boolean },
  payload: { apiKey: ApiKeyFieldsFragment | null; secret: string | null; userErrors?: { field: string[]; message: string; code: string }[] },
): MockLink.MockedResponse {
  return {
    request: { query: ApiKeyCreateDocument, variables: { input } },
    result: {
      data: {
        apiKeyCreate: {
          __typename: 'ApiKeyCreatePayload',
          apiKey: payload.apiKey,
          secret: payload.secret,
          userErrors: (payload.userErrors ?? []).map((error) => ({ __typename: 'UserError' as const, ...error })),
        },
      },
    },
  };
}

const limitsAnswer: MockLink.MockedResponse = {
  request: { query: ApiLimitsDocument },
  result: {
    data: {
      viewer: {
        __typename: 'Viewer',
        organization: { __typename: 'Organization', id: ORGANIZATION.id, entitlements: { __typename: 'Entitlements', apiPointsPerSecond: 50, apiPointsPerMonth: 1_000_000 } },
      },
    },
  },
};

async function renderPage(mocks: MockLink.MockedResponse[]) {
  const view = await renderWithApp(
    <ViewerProvider>
      <ApiKeysPage />
    </ViewerProvider>,
    // The plan's limits are read beside the keys; a test that is about them answers them itself.
    { path: '/api-keys', signedIn: true, mocks: mocks.some((mock) => mock.request.query === ApiLimitsDocument) ? mocks : [...mocks, limitsAnswer] },
  );
  await screen.findByRole('heading', { level: 1, name: 'API keys' });
  return view;
}

describe('the API keys page', () => {
  it('checks the name and the permissions before sending anything', async () => {
    const user = userEvent.setup();
    await renderPage([viewerAnswer('OWNER', OWNER_PERMISSIONS), permissionsAnswer, keysAnswer([])]);
    const readOrganization = await screen.findByRole('checkbox', { name: /organization\.read/ });
    expect(readOrganization).toBeChecked();
    await user.click(readOrganization);
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const name = screen.getByLabelText('Name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(expect.stringContaining('Name the key.'));
    expect(name).toHaveFocus();
    expect(screen.getByRole('group', { name: 'Permissions' })).toHaveAccessibleDescription(expect.stringContaining('Choose at least one permission.'));
    // Nothing went out: an unanswered request would have shown a failure.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('refuses an expiry date that is not in the future', async () => {
    const user = userEvent.setup();
    await renderPage([viewerAnswer('OWNER', OWNER_PERMISSIONS), permissionsAnswer, keysAnswer([])]);
    await user.type(await screen.findByLabelText('Name'), 'CI');
    await user.type(screen.getByLabelText('Expires on'), '2001-01-01');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByLabelText('Expires on')).toHaveAccessibleDescription(expect.stringContaining('Choose a date in the future.'));
    expect(screen.getByLabelText('Expires on')).toHaveFocus();
  });

  it('shows the new secret once, with a copy button and focus on it, and forgets it on "Done"', async () => {
    const user = userEvent.setup();
    const created = apiKey('key_0000001', 'CI', { permissions: ['organization.read', 'member.read'], createdAt: new Date().toISOString(), expiresAt: '2099-12-31T23:59:59.999Z' });
    const { apollo } = await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([]),
      createAnswer({ name: 'CI', permissions: ['organization.read', 'member.read'], expiresAt: '2099-12-31T23:59:59.999Z' }, { apiKey: created, secret: SECRET }),
    ]);
    expect(await screen.findByText('There are no API keys in this organization yet.')).toBeInTheDocument();
    await user.type(await screen.findByLabelText('Name'), '  CI ');
    await user.click(screen.getByRole('checkbox', { name: /member\.read/ }));
    await user.type(screen.getByLabelText('Expires on'), '2099-12-31');
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const region = await screen.findByRole('region', { name: 'Copy your new key now' });
    expect(region).toHaveFocus();
    expect(within(region).getByText(SECRET)).toHaveClass('secret');
    expect(within(region).getByRole('button', { name: 'Copy key' })).toBeInTheDocument();
    expect(within(region).getByText('You will not see this key again. Store it somewhere safe.')).toBeInTheDocument();
    // The key joins the list, without its secret; the secret is nowhere in the cache.
    const row = screen.getByRole('cell', { name: 'CI' }).closest('tr')!;
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(JSON.stringify(apollo.cache.extract())).not.toContain(SECRET);
    // The form is ready for the next key.
    expect(screen.getByLabelText('Name')).toHaveValue('');

    await user.click(within(region).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('region', { name: 'Copy your new key now' })).not.toBeInTheDocument();
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Keys' })).toHaveFocus();
  });

  it('puts a PERMISSION_NOT_HELD refusal on the permissions fieldset', async () => {
    const user = userEvent.setup();
    const message = "A key cannot do more than you: you do not hold 'apikey.manage'.";
    await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([]),
      createAnswer(
        { name: 'Deploys', permissions: ['organization.read', 'apikey.manage'], expiresAt: null },
        { apiKey: null, secret: null, userErrors: [{ field: ['input', 'permissions'], message, code: 'PERMISSION_NOT_HELD' }] },
      ),
    ]);
    await user.type(await screen.findByLabelText('Name'), 'Deploys');
    await user.click(screen.getByRole('checkbox', { name: /apikey\.manage/ }));
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    await waitFor(() => expect(screen.getByRole('group', { name: 'Permissions' })).toHaveAccessibleDescription(expect.stringContaining(message)));
    expect(screen.getByRole('checkbox', { name: /organization\.read/ })).toHaveFocus();
    expect(screen.queryByRole('region', { name: 'Copy your new key now' })).not.toBeInTheDocument();
  });

  it('asks before revoking a key and then shows it as revoked', async () => {
    const user = userEvent.setup();
    const key = apiKey('key_0000002', 'Billing sync', { lastUsedAt: new Date(Date.now() - 3 * 3_600_000).toISOString() });
    await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([key, apiKey('key_0000003', 'Old', { revokedAt: '2024-06-01T00:00:00.000Z' })]),
      {
        request: { query: ApiKeyRevokeDocument, variables: { input: { id: key.id } } },
        result: {
          data: {
            apiKeyRevoke: { __typename: 'ApiKeyRevokePayload', apiKey: { __typename: 'ApiKey', id: key.id, revokedAt: new Date().toISOString() }, userErrors: [] },
          },
        },
      },
    ]);
    const row = (await screen.findByRole('cell', { name: 'Billing sync' })).closest('tr')!;
    expect(within(row).getByText('3 hours ago')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke Old' })).not.toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Revoke Billing sync' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke Billing sync?' });
    expect(within(dialog).getByText(/stop working at once/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(within(row).getByText('Revoked')).toBeInTheDocument());
    expect(within(row).queryByRole('button', { name: 'Revoke Billing sync' })).not.toBeInTheDocument();
    expect(screen.getByText('The key “Billing sync” was revoked.')).toBeInTheDocument();
  });

  it('loads the next page after the last key, and lands on the first new row', async () => {
    const user = userEvent.setup();
    await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([apiKey('key_0000005', 'First')], { next: 'cursor_1', totalCount: 2 }),
      keysAnswer([apiKey('key_0000006', 'Second')], { after: 'cursor_1', totalCount: 2 }),
    ]);
    expect(await screen.findByText('Showing 1 of 2 keys.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    const second = await screen.findByRole('cell', { name: 'Second' });
    expect(screen.getByRole('cell', { name: 'First' })).toBeInTheDocument();
    expect(second).toHaveFocus();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('shows the keys but no way to create or revoke them without apikey.manage', async () => {
    await renderPage([viewerAnswer('MEMBER', ['organization.read', 'member.read', 'apikey.read']), keysAnswer([apiKey('key_0000004', 'CI')])]);
    expect(await screen.findByRole('cell', { name: 'CI' })).toBeInTheDocument();
    expect(screen.getByText(/needs the “apikey.manage” permission/)).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Create an API key' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });
});

function operation(index: number) {
  const id = index.toString(16).padStart(64, 'a');
  return {
    __typename: 'PersistedOperation' as const,
    id,
    operationName: `Orders${index}`,
    operationType: 'query',
    clientVersion: '1.4.0',
    body: `query Orders${index} { orders { id } }`,
    createdAt: '2026-11-01T10:00:00.000Z',
  };
}

function operationsAnswer(keyId: string, nodes: ReturnType<typeof operation>[], page: { after?: string; next?: string } = {}): MockLink.MockedResponse {
  return {
    request: { query: ApiKeyPublishedOperationsDocument, variables: { id: keyId, first: 20, after: page.after ?? null } },
    result: {
      data: {
        apiKey: {
          __typename: 'ApiKey',
          id: keyId,
          clientName: 'shop-sync',
          publishedOperations: {
            __typename: 'PersistedOperationConnection',
            pageInfo: { __typename: 'PageInfo', hasNextPage: Boolean(page.next), endCursor: page.next ?? null },
            nodes,
          },
        },
      },
    },
  };
}

describe('API keys for third-party apps', () => {
  it('offers safelist mode only once an app is named, and sends both', async () => {
    const user = userEvent.setup();
    const created = apiKey('key_0000010', 'Shop', { clientName: 'shop-sync', safelist: true, createdAt: new Date().toISOString() });
    await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([]),
      createAnswer({ name: 'Shop', permissions: ['organization.read'], expiresAt: null, clientName: 'shop-sync', safelist: true }, { apiKey: created, secret: SECRET }),
    ]);
    const safelist = await screen.findByRole('checkbox', { name: /Safelist: only this app’s published operations/ });
    expect(safelist).toBeDisabled();
    await user.type(screen.getByLabelText('Name'), 'Shop');
    await user.type(screen.getByLabelText('App name'), 'shop-sync');
    expect(safelist).toBeEnabled();
    await user.click(safelist);
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    await screen.findByRole('region', { name: 'Copy your new key now' });
    const row = screen.getByRole('cell', { name: 'Shop' }).closest('tr')!;
    expect(within(row).getByText('shop-sync')).toBeInTheDocument();
    expect(within(row).getByText('Safelist')).toBeInTheDocument();
  });

  it('shows the server’s refusal of an app name at the field', async () => {
    const user = userEvent.setup();
    const message = 'Use 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.';
    await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([]),
      createAnswer(
        { name: 'Shop', permissions: ['organization.read'], expiresAt: null, clientName: 'Shop Sync', safelist: false },
        { apiKey: null, secret: null, userErrors: [{ field: ['input', 'clientName'], message, code: 'INVALID_INPUT' }] },
      ),
    ]);
    await user.type(await screen.findByLabelText('Name'), 'Shop');
    await user.type(screen.getByLabelText('App name'), 'Shop Sync');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(screen.getByLabelText('App name')).toHaveAccessibleDescription(expect.stringContaining(message)));
    expect(screen.getByLabelText('App name')).toHaveFocus();
  });

  it('lists the app’s published operations, page by page, with their documents', async () => {
    const user = userEvent.setup();
    const key = apiKey('key_0000011', 'Shop', { clientName: 'shop-sync', safelist: true });
    await renderPage([
      viewerAnswer('OWNER', OWNER_PERMISSIONS),
      permissionsAnswer,
      keysAnswer([key]),
      limitsAnswer,
      operationsAnswer(key.id, [operation(1), operation(2)], { next: 'op_cursor' }),
      operationsAnswer(key.id, [operation(3)], { after: 'op_cursor' }),
    ]);
    await user.click(await screen.findByRole('button', { name: 'Show the published operations of Shop' }));
    const section = screen.getByRole('region', { name: 'Published operations of shop-sync' });
    const first = await within(section).findByText('Orders1');
    const row = first.closest('tr')!;
    expect(within(row).getByText('query')).toBeInTheDocument();
    expect(within(row).getByText('1.4.0')).toBeInTheDocument();
    expect(within(row).getByText(`${operation(1).id.slice(0, 12)}…`)).toHaveAttribute('title', operation(1).id);
    const body = within(row).getByText('query Orders1 { orders { id } }');
    expect(body).not.toBeVisible();
    await user.click(first);
    expect(body).toBeVisible();

    await user.click(within(section).getByRole('button', { name: 'Load more' }));
    expect(await within(section).findByText('Orders3')).toBeInTheDocument();
    expect(within(section).getByText('Orders2')).toBeInTheDocument();
    expect(within(section).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    // The plan's limits, which the viewer may read.
    const limits = screen.getByRole('region', { name: 'API limits' });
    expect(within(limits).getByText('50 points per second')).toBeInTheDocument();
    expect(within(limits).getByText('1,000,000 points')).toBeInTheDocument();
  });

  it('leaves the limits out when they cannot be read', async () => {
    await renderPage([
      viewerAnswer('MEMBER', ['organization.read', 'apikey.read']),
      keysAnswer([apiKey('key_0000012', 'CI')]),
      { request: { query: ApiLimitsDocument }, result: { errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] } },
    ]);
    expect(await screen.findByRole('cell', { name: 'CI' })).toBeInTheDocument();
    expect(screen.getByText('None')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'API limits' })).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
