import { useApolloClient, useQuery } from '@apollo/client/react';
import { useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BillingInvoicePdfDocument, BillingInvoicesDocument, type InvoiceFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { useMoney } from './money.ts';
import { usePayInvoice } from './useBillingRefresh.ts';

export const INVOICE_PAGE_SIZE = 20;

/** Where a fresh PDF link is opened; a seam so tests can watch it. */
export const invoiceNavigation = { open: (url: string) => window.location.assign(url) };

/** The invoice history, newest first: its PDFs, and paying an open one. */
export function InvoicesSection({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { money } = useMoney();
  const apollo = useApolloClient();
  const table = useRef<HTMLTableElement>(null);
  const { data, loading, error, refetch, fetchMore } = useQuery(BillingInvoicesDocument, { variables: { first: INVOICE_PAGE_SIZE, after: null } });
  const { pay, payingId } = usePayInvoice();
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const connection = data?.viewer?.organization.invoices;
  const nodes = connection?.nodes ?? [];

  function loadMore(after: string) {
    // Pages are appended here, in the query, so the list needs no cache policy of its own.
    return fetchMore({
      variables: { after },
      updateQuery: (previous, { fetchMoreResult }) => {
        const earlier = previous.viewer?.organization.invoices;
        const next = fetchMoreResult.viewer?.organization.invoices;
        if (!previous.viewer || !earlier || !next || !fetchMoreResult.viewer) return previous;
        return {
          ...previous,
          viewer: {
            ...previous.viewer,
            organization: { ...previous.viewer.organization, invoices: { ...next, nodes: [...earlier.nodes, ...next.nodes] } },
          },
        };
      },
    });
  }

  /** PDF links are signed for a few minutes: a plain click asks for a fresh one first. */
  async function openPdf(event: MouseEvent<HTMLAnchorElement>, invoice: InvoiceFieldsFragment) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    setProblem(null);
    setOpening(invoice.id);
    try {
      const { data: fresh } = await apollo.query({ query: BillingInvoicePdfDocument, variables: { id: invoice.id }, fetchPolicy: 'network-only' });
      invoiceNavigation.open(fresh?.invoice?.pdfUrl ?? invoice.pdfUrl);
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setOpening(null);
    }
  }

  async function payNow(invoice: InvoiceFieldsFragment) {
    setNotice(null);
    setProblem(null);
    const outcome = await pay(invoice);
    if (outcome.ok) setNotice(t('billing:invoices.paid', { number: outcome.invoice.number }));
    else setProblem(outcome.message);
  }

  return (
    <section className="card" aria-labelledby="billing-invoices">
      <h2 id="billing-invoices">{t('billing:invoices.title')}</h2>
      {notice && <Alert tone="success">{notice}</Alert>}
      {problem && <Alert>{problem}</Alert>}
      <QueryState loading={loading} error={error} hasData={Boolean(connection)} retry={() => void refetch()}>
        {nodes.length === 0 ? (
          <p className="muted">{t('billing:invoices.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="responsive billing-invoices" ref={table}>
              <thead>
                <tr>
                  <th scope="col">{t('billing:invoices.number')}</th>
                  <th scope="col">{t('billing:invoices.date')}</th>
                  <th scope="col">{t('billing:invoices.status')}</th>
                  <th scope="col" className="billing-amount">
                    {t('billing:invoices.total')}
                  </th>
                  <th scope="col">{t('billing:invoices.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {nodes.map((invoice) => {
                  const date = invoice.finalizedAt ?? invoice.createdAt;
                  const payable = invoice.status === 'OPEN' && invoice.amountDue > 0;
                  return (
                    <tr key={invoice.id}>
                      <td data-label={t('billing:invoices.number')} tabIndex={-1}>
                        {invoice.number}
                      </td>
                      <td data-label={t('billing:invoices.date')}>
                        <time dateTime={date}>{format.date(date)}</time>
                      </td>
                      <td data-label={t('billing:invoices.status')}>
                        <span>
                          <span className={`badge billing-badge billing-badge--${invoice.status.toLowerCase()}`}>{t(`billing:invoiceStatus.${invoice.status}`)}</span>
                          {payable && invoice.lastPaymentError && (
                            <span className="billing-invoice__failure">
                              {t('billing:invoices.failed', { reason: invoice.lastPaymentError })}
                              {invoice.nextPaymentAttemptAt && ` ${t('billing:invoices.nextAttempt', { date: format.dateTime(invoice.nextPaymentAttemptAt) })}`}
                            </span>
                          )}
                        </span>
                      </td>
                      <td data-label={t('billing:invoices.total')} className="billing-amount">
                        <span>
                          {money(invoice.total, invoice.currency)}
                          {payable && invoice.amountDue !== invoice.total && (
                            <span className="billing-invoice__due">{t('billing:invoices.due', { amount: money(invoice.amountDue, invoice.currency) })}</span>
                          )}
                        </span>
                      </td>
                      <td data-label={t('billing:invoices.actions')}>
                        <div className="actions">
                          <a
                            href={invoice.pdfUrl}
                            aria-label={t('billing:invoices.downloadNamed', { number: invoice.number })}
                            aria-busy={opening === invoice.id || undefined}
                            onClick={(event) => void openPdf(event, invoice)}
                          >
                            {t('billing:invoices.download')}
                          </a>
                          {canManage && payable && (
                            <Button
                              aria-label={t('billing:invoices.payNamed', { number: invoice.number, amount: money(invoice.amountDue, invoice.currency) })}
                              busy={payingId === invoice.id}
                              onClick={() => void payNow(invoice)}
                            >
                              {t('billing:invoices.pay')}
                            </Button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore pageInfo={connection?.pageInfo} rows={nodes.length} load={loadMore} table={table}>
          {connection && (
            <p className="muted">
              {t('billing:invoices.shown', { count: connection.totalCount, shown: format.number(nodes.length), total: format.number(connection.totalCount) })}
            </p>
          )}
        </LoadMore>
      </QueryState>
    </section>
  );
}
