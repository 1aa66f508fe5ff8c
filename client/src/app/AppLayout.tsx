import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigation } from 'react-router';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useViewer } from '../auth/ViewerProvider.tsx';
import { NotificationBell } from '../features/notifications/NotificationBell.tsx';
import { usePushNavigation, useSaveNotificationLanguage } from '../features/notifications/useShellNotifications.ts';
import { Button } from '../ui/Button.tsx';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';
import { OrganizationSwitcher } from './OrganizationSwitcher.tsx';
import { APP_PAGES } from './pages.ts';

export function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href="#main">
      {t('common:skipToContent')}
    </a>
  );
}

/** Marks every render after the first as a navigation, so the new page's heading takes focus. */
export function useNavigationFocus() {
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.body.dataset['navigated'] = 'true';
  }, [location.pathname]);
}

export function AppLayout() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const { signOut } = useAuth();
  const navigation = useNavigation();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const saveNotificationLanguage = useSaveNotificationLanguage();
  useNavigationFocus();
  usePushNavigation();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const pages = APP_PAGES.filter((page) => !page.hidden && (!page.permission || can(page.permission)));
  return (
    <div className="app">
      <SkipLink />
      <header className="topbar">
        <div className="topbar__start">
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="primary-navigation"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span>
            <span className="visually-hidden">{t('nav:menu')}</span>
          </button>
          <span className="brand">{t('common:productName')}</span>
          <OrganizationSwitcher />
        </div>
        <div className="topbar__end">
          <NotificationBell />
          <LanguageSwitcher onChange={saveNotificationLanguage} />
          <span className="topbar__user" title={viewer.user?.email}>
            {viewer.user?.name}
          </span>
          <Button
            variant="secondary"
            busy={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut().finally(() => setSigningOut(false));
            }}
          >
            {t('nav:logOut')}
          </Button>
        </div>
      </header>
      {navigation.state === 'loading' && <div className="progress-bar" role="progressbar" aria-label={t('common:loading')} />}
      <div className="shell">
        <nav id="primary-navigation" className={`sidebar${menuOpen ? ' sidebar--open' : ''}`} aria-label={t('nav:label')}>
          <ul>
            {pages.map((page) => {
              const entry = (
                <li key={page.path}>
                  <NavLink to={`/${page.path}`} end={page.path === ''}>
                    {t(`nav:${page.label}`)}
                  </NavLink>
                </li>
              );
              const Gate = page.menuGate;
              return Gate ? <Gate key={page.path}>{entry}</Gate> : entry;
            })}
            <li>
              <a href="/explorer" target="_blank" rel="noopener">
                {t('nav:explorer')}
                <span className="visually-hidden"> {t('common:opensInNewTab')}</span>
              </a>
            </li>
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}

/** The frame of the pages for signed-out visitors: brand, language, and the form in the middle. */
export function PublicLayout({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  useNavigationFocus();
  return (
    <div className="public">
      <SkipLink />
      <header className="topbar">
        <span className="brand">{t('common:productName')}</span>
        <LanguageSwitcher />
      </header>
      <main id="main" className="public__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
