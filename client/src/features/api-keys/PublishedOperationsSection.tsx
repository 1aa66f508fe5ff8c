import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiKeyPublishedOperationsDocument, type ApiKeyFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';
import { Button } from '../../ui/Button.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { QueryState } from '../../ui/QueryState.tsx';

const PAGE_SIZE = 20;
/** An id is a SHA-256 in hex; its start is enough to tell operations apart at a glance. */
const SHORT_ID = 12;

/** The operations a key's app published, newest first, each with its document behind a disclosure. */
export function PublishedOperationsSection({ apiKey, onClose }: { apiKey: Pick<ApiKeyFieldsFragment, 'id' | 'name' | 'clientName'>; onClose(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const table = useRef<HTMLTableElement>(null);
  const query = useQuery(ApiKeyPublishedOperationsDocument, { variables: { id: apiKey.id, first: PAGE_SIZE, after: null } });
  const connection = query.data?.apiKey?.publishedOperations;
  const nodes = connection?.nodes ?? [];
  useEffect(() => {
    heading.current?.focus();
  }, [apiKey.id]);

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('apiKeys:operations.title', { app: apiKey.clientName ?? apiKey.name })}
      </h2>
      <p>{apiKey.clientName ? t('apiKeys:operations.forKey', { name: apiKey.name, app: apiKey.clientName }) : t('apiKeys:operations.noApp', { name: apiKey.name })}</p>
      <QueryState loading={query.loading} error={query.error} hasData={Boolean(connection)} retry={() => void query.refetch()}>
        {nodes.length === 0 ? (
          <p className="muted">{t('apiKeys:operations.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="responsive" ref={table}>
              <thead>
                <tr>
                  <th scope="col">{t('apiKeys:operations.name')}</th>
                  <th scope="col">{t('apiKeys:operations.type')}</th>
                  <th scope="col">{t('apiKeys:operations.version')}</th>
                  <th scope="col">{t('apiKeys:operations.id')}</th>
                  <th scope="col">{t('apiKeys:operations.published')}</th>
                </tr>
              </thead>
              <tbody>
                {nodes.map((operation) => (
                  <tr key={operation.id}>
                    <td data-label={t('apiKeys:operations.name')} tabIndex={-1}>
                      <details>
                        <summary>
                          <code>{operation.operationName ?? t('apiKeys:operations.anonymous')}</code>
                          <span className="visually-hidden"> – {t('apiKeys:operations.body')}</span>
                        </summary>
                        <pre className="api-keys__operation-body">
                          <code>{operation.body}</code>
                        </pre>
                      </details>
                    </td>
                    <td data-label={t('apiKeys:operations.type')}>{operation.operationType}</td>
                    <td data-label={t('apiKeys:operations.version')}>{operation.clientVersion}</td>
                    <td data-label={t('apiKeys:operations.id')}>
                      <code title={operation.id}>{operation.id.slice(0, SHORT_ID)}…</code>
                    </td>
                    <td data-label={t('apiKeys:operations.published')}>
                      <time dateTime={operation.createdAt}>{format.date(operation.createdAt)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore pageInfo={connection?.pageInfo} rows={nodes.length} load={(after) => query.fetchMore({ variables: { after } })} table={table} />
      </QueryState>
      <div className="actions">
        <Button variant="secondary" onClick={onClose}>
          {t('apiKeys:operations.close')}
        </Button>
      </div>
    </section>
  );
}
