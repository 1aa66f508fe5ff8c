import type { ErrorLike } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiKeyRevokeDocument, type ApiKeysQuery } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { apiKeyStatus } from './apiKeys.ts';

type ApiKeyConnection = NonNullable<ApiKeysQuery['viewer']>['organization']['apiKeys'];
type ApiKey = ApiKeyConnection['nodes'][number];

interface ApiKeysSectionProps {
  connection: ApiKeyConnection | undefined;
  loading: boolean;
  error: ErrorLike | undefined;
  retry(): void;
  loadMore(after: string): Promise<unknown>;
  canManage: boolean;
  /** Opens the key's published operations. */
  showOperations(key: ApiKey): void;
  headingRef: RefObject<HTMLHeadingElement>;
}

export function ApiKeysSection({ connection, loading, error, retry, loadMore, canManage, showOperations, headingRef }: ApiKeysSectionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [target, setTarget] = useState<ApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [focusHeading, setFocusHeading] = useState(false);
  const table = useRef<HTMLTableElement>(null);
  const [revokeKey, { loading: revoking }] = useMutation(ApiKeyRevokeDocument);
  const nodes = connection?.nodes ?? [];

  // The dialog closes first (its effect runs before this one) and the row's button is gone: land on the section.
  useEffect(() => {
    if (!focusHeading) return;
    headingRef.current?.focus();
    setFocusHeading(false);
  }, [focusHeading, headingRef]);

  async function confirmRevoke() {
    const key = target;
    if (!key) return;
    setRevokeError(null);
    try {
      const { data } = await revokeKey({ variables: { input: { id: key.id } } });
      const userErrors = data?.apiKeyRevoke.userErrors ?? [];
      if (userErrors.length > 0) {
        setRevokeError(userErrors.map((userError) => userError.message).join(' '));
        return;
      }
      setTarget(null);
      setNotice(t('apiKeys:revoke.done', { name: key.name }));
      setFocusHeading(true);
    } catch (failure) {
      setRevokeError(describeError(failure, t));
    }
  }

  return (
    <section className="card" aria-labelledby="api-keys-list">
      <h2 id="api-keys-list" ref={headingRef} tabIndex={-1}>
        {t('apiKeys:keys.title')}
      </h2>
      {notice && <Alert tone="success">{notice}</Alert>}
      <QueryState loading={loading} error={error} hasData={Boolean(connection)} retry={retry}>
        {nodes.length === 0 ? (
          <p className="muted">{t('apiKeys:keys.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="responsive api-keys" ref={table}>
              <thead>
                <tr>
                  <th scope="col">{t('apiKeys:keys.name')}</th>
                  <th scope="col">{t('apiKeys:keys.key')}</th>
                  <th scope="col">{t('apiKeys:keys.app')}</th>
                  <th scope="col">{t('apiKeys:keys.permissions')}</th>
                  <th scope="col">{t('apiKeys:keys.created')}</th>
                  <th scope="col">{t('apiKeys:keys.lastUsed')}</th>
                  <th scope="col">{t('apiKeys:keys.expires')}</th>
                  <th scope="col">{t('apiKeys:keys.status')}</th>
                  {canManage && <th scope="col">{t('apiKeys:keys.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {nodes.map((key) => {
                  const status = apiKeyStatus(key);
                  return (
                    <tr key={key.id}>
                      <td data-label={t('apiKeys:keys.name')} tabIndex={-1}>
                        {key.name}
                      </td>
                      <td data-label={t('apiKeys:keys.key')}>
                        <span>
                          <code>{key.prefix}</code>…
                        </span>
                      </td>
                      <td data-label={t('apiKeys:keys.app')}>
                        {key.clientName ? (
                          <span className="api-keys__app">
                            <code>{key.clientName}</code>
                            {key.safelist && <span className="badge badge--active">{t('apiKeys:keys.safelist')}</span>}
                            <Button variant="secondary" aria-label={t('apiKeys:keys.showOperationsNamed', { name: key.name })} onClick={() => showOperations(key)}>
                              {t('apiKeys:keys.showOperations')}
                            </Button>
                          </span>
                        ) : (
                          <span className="muted">{t('apiKeys:keys.noApp')}</span>
                        )}
                      </td>
                      <td data-label={t('apiKeys:keys.permissions')}>
                        <ul className="permission-list">
                          {key.permissions.map((permission) => (
                            <li key={permission}>
                              <code>{permission}</code>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td data-label={t('apiKeys:keys.created')}>
                        <span>
                          <time dateTime={key.createdAt}>{format.date(key.createdAt)}</time>
                          {key.createdBy && <span className="muted api-keys__creator">{t('apiKeys:keys.createdBy', { name: key.createdBy.name })}</span>}
                        </span>
                      </td>
                      <td data-label={t('apiKeys:keys.lastUsed')}>
                        {key.lastUsedAt ? (
                          <time dateTime={key.lastUsedAt} title={format.dateTime(key.lastUsedAt)}>
                            {format.relative(key.lastUsedAt)}
                          </time>
                        ) : (
                          t('common:never')
                        )}
                      </td>
                      <td data-label={t('apiKeys:keys.expires')}>
                        {key.expiresAt ? <time dateTime={key.expiresAt}>{format.date(key.expiresAt)}</time> : t('common:never')}
                      </td>
                      <td data-label={t('apiKeys:keys.status')}>
                        <span className={`badge badge--${status.toLowerCase()}`}>{t(`apiKeys:status.${status}`)}</span>
                      </td>
                      {canManage && (
                        <td data-label={t('apiKeys:keys.actions')}>
                          {status === 'ACTIVE' && (
                            <Button
                              variant="secondary"
                              aria-label={t('apiKeys:keys.revokeNamed', { name: key.name })}
                              onClick={() => {
                                setRevokeError(null);
                                setNotice(null);
                                setTarget(key);
                              }}
                            >
                              {t('apiKeys:keys.revoke')}
                            </Button>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore pageInfo={connection?.pageInfo} rows={nodes.length} load={loadMore} table={table}>
          {connection && (
            <p className="muted">{t('apiKeys:keys.shown', { count: connection.totalCount, shown: format.number(nodes.length), total: format.number(connection.totalCount) })}</p>
          )}
        </LoadMore>
      </QueryState>
      <ConfirmDialog
        open={target !== null}
        title={t('apiKeys:revoke.title', { name: target?.name ?? '' })}
        confirmLabel={t('apiKeys:revoke.confirm')}
        busy={revoking}
        onConfirm={() => void confirmRevoke()}
        onCancel={() => setTarget(null)}
      >
        <p>{t('apiKeys:revoke.explanation')}</p>
        {revokeError && <Alert>{revokeError}</Alert>}
      </ConfirmDialog>
    </section>
  );
}
