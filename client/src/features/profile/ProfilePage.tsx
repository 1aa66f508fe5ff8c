import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { Alert } from '../../ui/Alert.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { DetailsSection } from './DetailsSection.tsx';
import { OrganizationsSection } from './OrganizationsSection.tsx';
import { PasswordSection } from './PasswordSection.tsx';
import { SessionsSection } from './SessionsSection.tsx';

/** The signed-in person's own things: name, password, organizations and sessions. */
export default function ProfilePage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  return (
    <>
      <PageHeader title={t('profile:title')} description={t('profile:description')} />
      {viewer.user ? (
        <>
          <DetailsSection user={viewer.user} />
          <PasswordSection />
          <OrganizationsSection />
          <SessionsSection />
        </>
      ) : (
        <Alert tone="info">{t('profile:noUser')}</Alert>
      )}
    </>
  );
}
