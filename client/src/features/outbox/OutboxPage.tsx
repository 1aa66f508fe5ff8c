import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { LocalMailboxDocument, type LocalMailboxQuery } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { sanitizedMailHtml } from './mailHtml.tsx';
import './outbox.css';

type Mail = NonNullable<LocalMailboxQuery['localMailbox']>['nodes'][number];

const PAGE_SIZE = 25;
/** While only the newest page is shown, it is read again this often, so new mail appears on its own. */
const POLL_MS = 5_000;

/**
 * The local mailbox of the embedded default: every mail the platform "sent" to this organization's
 * people, newest first, each readable as text and as its HTML (rendered safely). This is how a
 * newcomer sees what the platform emails without an SMTP server.
 */
export default function OutboxPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const format = useFormat();
  const id = useId();
  const [pages, setPages] = useState(1);
  const query = useQuery(LocalMailboxDocument, { variables: { first: PAGE_SIZE, after: null }, pollInterval: pages === 1 ? POLL_MS : 0 });
  const [openId, setOpenId] = useState<string | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const mailbox = query.data?.localMailbox;
  const nodes = mailbox?.nodes ?? [];
  const open = nodes.find((mail) => mail.id === openId) ?? null;

  useEffect(() => {
    if (openId) detailHeading.current?.focus();
  }, [openId]);

  return (
    <>
      <PageHeader
        title={t('outbox:title')}
        description={t('outbox:description', { organization: viewer.organization.name })}
        actions={
          <Button variant="secondary" onClick={() => void query.refetch()}>
            {t('outbox:refresh')}
          </Button>
        }
      />
      <QueryState loading={query.loading} error={query.error} hasData={Boolean(query.data)} retry={() => void query.refetch()}>
        {mailbox === null ? (
          <Alert tone="info" title={t('outbox:smtpTitle')}>
            {t('outbox:smtp')}
          </Alert>
        ) : (
          <>
            {open && (
              <section className="card mail" aria-labelledby={`${id}-mail`}>
                <div className="mail__header">
                  <h2 id={`${id}-mail`} ref={detailHeading} tabIndex={-1}>
                    {open.subject}
                  </h2>
                  <Button
                    variant="secondary"
                    onClick={() => {
                      setOpenId(null);
                      opener.current?.focus();
                    }}
                  >
                    {t('outbox:close')}
                  </Button>
                </div>
                <dl className="facts">
                  <div>
                    <dt>{t('outbox:to')}</dt>
                    <dd>{open.to}</dd>
                  </div>
                  <div>
                    <dt>{t('outbox:received')}</dt>
                    <dd>{format.dateTime(open.createdAt)}</dd>
                  </div>
                  <div>
                    <dt>{t('outbox:source')}</dt>
                    <dd>{open.source}</dd>
                  </div>
                  <div>
                    <dt>{t('outbox:kind')}</dt>
                    <dd>{open.kind}</dd>
                  </div>
                </dl>
                {open.html && (
                  <>
                    <h3>{t('outbox:html')}</h3>
                    <div className="mail__html">{sanitizedMailHtml(open.html)}</div>
                    <p className="field__hint">{t('outbox:htmlNote')}</p>
                  </>
                )}
                <h3>{t('outbox:text')}</h3>
                <pre className="mail__text">{open.text}</pre>
              </section>
            )}
            <section className="card" aria-labelledby={`${id}-list`}>
              <h2 id={`${id}-list`}>{t('outbox:listTitle')}</h2>
              {nodes.length === 0 ? (
                <p className="muted">{t('outbox:empty')}</p>
              ) : (
                <div className="table-wrap">
                  <table className="responsive outbox-table" ref={table}>
                    <thead>
                      <tr>
                        <th scope="col">{t('outbox:received')}</th>
                        <th scope="col">{t('outbox:to')}</th>
                        <th scope="col">{t('outbox:subject')}</th>
                        <th scope="col">{t('outbox:source')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {nodes.map((mail: Mail) => (
                        <tr key={mail.id} className={mail.id === openId ? 'outbox-table__open' : undefined}>
                          <td data-label={t('outbox:received')} tabIndex={-1}>
                            <time dateTime={mail.createdAt}>{format.dateTime(mail.createdAt)}</time>
                          </td>
                          <td data-label={t('outbox:to')}>{mail.to}</td>
                          <td data-label={t('outbox:subject')}>
                            <button
                              type="button"
                              className="button button--link outbox-table__subject"
                              aria-expanded={mail.id === openId}
                              onClick={(event) => {
                                opener.current = event.currentTarget;
                                setOpenId(mail.id);
                              }}
                            >
                              {mail.subject}
                            </button>
                          </td>
                          <td data-label={t('outbox:source')}>
                            {mail.source}
                            <span className="field__hint">{mail.kind}</span>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <LoadMore
                pageInfo={mailbox?.pageInfo}
                rows={nodes.length}
                table={table}
                load={async (after) => {
                  await query.fetchMore({ variables: { after } });
                  setPages((count) => count + 1);
                }}
              />
            </section>
          </>
        )}
      </QueryState>
    </>
  );
}
