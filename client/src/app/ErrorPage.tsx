import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router';
import { Alert } from '../ui/Alert.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';

/** Whatever broke while rendering a page: a plain explanation and a way on, never a stack trace. */
export function ErrorPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  // Kept for whoever opens the console; the page itself shows nothing internal.
  console.error(error);
  const chunkFailed = error instanceof TypeError && /dynamically imported module|Failed to fetch/i.test(error.message);
  return (
    <div className="error-page">
      <PageHeader title={t('errors:pageFailedTitle')} />
      <Alert title={chunkFailed ? t('errors:newVersion') : t('errors:pageFailed')}>
        <p>
          <button type="button" className="button button--secondary" onClick={() => window.location.reload()}>
            {t('common:reload')}
          </button>{' '}
          <Link to="/">{t('errors:backHome')}</Link>
        </p>
      </Alert>
    </div>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="error-page">
      <PageHeader title={t('errors:notFoundTitle')} />
      <p>{t('errors:notFound')}</p>
      <p>
        <Link to="/">{t('errors:backHome')}</Link>
      </p>
    </div>
  );
}
