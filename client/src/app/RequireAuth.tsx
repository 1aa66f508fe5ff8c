import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider.tsx';

/** Signed-out visitors go to the log-in page, which brings them back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    const search = new URLSearchParams();
    // After a deliberate log-out, the next person starts from the overview.
    if (next !== '/' && state.reason !== 'user') search.set('next', next);
    if (state.reason === 'expired') search.set('expired', '1');
    const query = search.toString();
    return <Navigate to={`/log-in${query ? `?${query}` : ''}`} replace />;
  }
  return <>{children}</>;
}

/** Pages for signed-out visitors (log-in, sign-up) send a signed-in one to where they were going. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'signed-in') return <Navigate to={safeNext(new URLSearchParams(location.search).get('next'))} replace />;
  return <>{children}</>;
}

/** Only paths inside the app: never an absolute URL an attacker put in the link. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
