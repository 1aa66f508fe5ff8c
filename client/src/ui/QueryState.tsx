import type { ErrorLike } from '@apollo/client';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../graphql/errors.ts';
import { Alert } from './Alert.tsx';
import { Button } from './Button.tsx';
import { Loading } from './Loading.tsx';

/** The three states of a query on a page: loading, failed (with a retry), or its content. */
export function QueryState({ loading, error, hasData, retry, children }: { loading: boolean; error?: ErrorLike; hasData: boolean; retry(): void; children: ReactNode }) {
  const { t } = useTranslation();
  if (hasData) return <>{children}</>;
  if (error) {
    return (
      <Alert title={t('errors:loadFailed')} action={<Button variant="secondary" onClick={retry}>{t('common:retry')}</Button>}>
        {describeError(error, t)}
      </Alert>
    );
  }
  if (loading) return <Loading />;
  return null;
}
