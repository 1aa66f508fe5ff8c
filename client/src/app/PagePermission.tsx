import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../auth/ViewerProvider.tsx';
import { Alert } from '../ui/Alert.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import type { AppPage } from './pages.ts';

/** Shows the page, or says which permission it needs and who can grant it. */
export function PagePermission({ page, children }: { page: AppPage; children: ReactNode }) {
  const { t } = useTranslation();
  const { can, viewer } = useViewer();
  if (!page.permission || can(page.permission)) return <>{children}</>;
  return (
    <>
      <PageHeader title={t(`nav:${page.label}`)} />
      <Alert tone="info" title={t('errors:notAllowedTitle')}>
        {t('errors:notAllowed', { permission: page.permission, role: t(`roles:${viewer.role ?? 'MEMBER'}.name`) })}
      </Alert>
    </>
  );
}
