import { useQuery } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { ApiKeysDocument, type ApiKeyFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { ApiKeysSection } from './ApiKeysSection.tsx';
import { ApiLimitsSection } from './ApiLimitsSection.tsx';
import { CreateApiKeyForm, type CreatedKey } from './CreateApiKeyForm.tsx';
import { NewApiKeySecret } from './NewApiKeySecret.tsx';
import { PublishedOperationsSection } from './PublishedOperationsSection.tsx';

const PAGE_SIZE = 50;

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const { can } = useViewer();
  const canManage = can('apikey.manage');
  const keys = useQuery(ApiKeysDocument, { variables: { first: PAGE_SIZE, after: null } });
  // The new secret lives here only, until "Done": never in the cache, storage or the log.
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const keysHeading = useRef<HTMLHeadingElement>(null);
  const [operationsOf, setOperationsOf] = useState<ApiKeyFieldsFragment | null>(null);

  return (
    <>
      <PageHeader title={t('apiKeys:title')} description={t('apiKeys:description')} />
      {created && (
        <NewApiKeySecret
          created={created}
          onDone={() => {
            setCreated(null);
            keysHeading.current?.focus();
          }}
        />
      )}
      {canManage ? (
        <section className="card" aria-labelledby="api-keys-create">
          <h2 id="api-keys-create">{t('apiKeys:create.title')}</h2>
          <CreateApiKeyForm onCreated={setCreated} />
        </section>
      ) : (
        <Alert tone="info">{t('apiKeys:create.notAllowed')}</Alert>
      )}
      <ApiKeysSection
        connection={keys.data?.viewer?.organization.apiKeys}
        loading={keys.loading}
        error={keys.error}
        retry={() => void keys.refetch()}
        loadMore={(after) => keys.fetchMore({ variables: { after } })}
        canManage={canManage}
        showOperations={setOperationsOf}
        headingRef={keysHeading}
      />
      {operationsOf && (
        <PublishedOperationsSection
          apiKey={operationsOf}
          onClose={() => {
            setOperationsOf(null);
            keysHeading.current?.focus();
          }}
        />
      )}
      <ApiLimitsSection />
    </>
  );
}
