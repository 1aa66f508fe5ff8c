import type { i18n as I18n } from 'i18next';
import { useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { AuthProvider } from '../auth/AuthProvider.tsx';
import type { AuthSession } from '../auth/session.ts';
import { ViewerProvider } from '../auth/ViewerProvider.tsx';
import { AcceptInvitationPage } from '../features/invitations/AcceptInvitationPage.tsx';
import { LogInPage } from '../features/auth/LogInPage.tsx';
import { SignUpPage } from '../features/auth/SignUpPage.tsx';
import type { PlatformClient } from '../graphql/client.ts';
import { AppLayout, PublicLayout } from './AppLayout.tsx';
import { ErrorPage, NotFoundPage } from './ErrorPage.tsx';
import { PagePermission } from './PagePermission.tsx';
import { APP_PAGES } from './pages.ts';
import { Loading } from '../ui/Loading.tsx';
import { PublicOnly, RequireAuth } from './RequireAuth.tsx';

export function appRoutes(): RouteObject[] {
  return [
    {
      errorElement: <PublicLayout><ErrorPage /></PublicLayout>,
      hydrateFallbackElement: <Loading />,
      children: [
        { path: '/log-in', element: <PublicOnly><PublicLayout><LogInPage /></PublicLayout></PublicOnly> },
        { path: '/sign-up', element: <PublicOnly><PublicLayout><SignUpPage /></PublicLayout></PublicOnly> },
        // Signed in or not: a new user signs up here, an existing one joins.
        { path: '/invitations/accept', element: <PublicLayout><AcceptInvitationPage /></PublicLayout> },
        {
          path: '/',
          element: (
            <RequireAuth>
              <ViewerProvider>
                <AppLayout />
              </ViewerProvider>
            </RequireAuth>
          ),
          children: [
            {
              errorElement: <ErrorPage />,
              children: APP_PAGES.map((page) => ({
                ...(page.path === '' ? { index: true } : { path: page.path }),
                lazy: async () => {
                  const { default: Page } = await page.load();
                  return {
                    Component: () => (
                      <PagePermission page={page}>
                        <Page />
                      </PagePermission>
                    ),
                  };
                },
              })),
            },
          ],
        },
        { path: '*', element: <PublicLayout><NotFoundPage /></PublicLayout> },
      ],
    },
  ];
}

export function App({ i18n, session, client }: { i18n: I18n; session: AuthSession; client: PlatformClient }) {
  const [router] = useState(() => createBrowserRouter(appRoutes()));
  return (
    <I18nextProvider i18n={i18n}>
      <AuthProvider session={session} client={client}>
        <RouterProvider router={router} />
      </AuthProvider>
    </I18nextProvider>
  );
}
