import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../ui/PageHeader.tsx';

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  return <PageHeader title={t('nav:members')} />;
}
