import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BillingDocument, BillingInvoicesDocument, InvoicePayDocument, type InvoiceFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { billingErrorsText } from './billing.ts';

/**
 * Reads the billing page again after a change: a change moves the subscription, the entitlements
 * and the invoices together, and the server is the one that knows how.
 */
export function useBillingRefresh() {
  const apollo = useApolloClient();
  return useCallback(async () => {
    try {
      await apollo.refetchQueries({ include: [BillingDocument, BillingInvoicesDocument] });
    } catch {
      // A failed refetch leaves the page as it was; the queries show their own error with a retry.
    }
  }, [apollo]);
}

export type PayOutcome = { ok: true; invoice: Pick<InvoiceFieldsFragment, 'number'> } | { ok: false; message: string };

/** "Pay now" on an open invoice, from the invoice list or the current plan's warning. */
export function usePayInvoice() {
  const { t } = useTranslation();
  const refresh = useBillingRefresh();
  const [payInvoice] = useMutation(InvoicePayDocument);
  const [payingId, setPayingId] = useState<string | null>(null);
  const pay = useCallback(
    async (invoice: { id: string; number: string }): Promise<PayOutcome> => {
      setPayingId(invoice.id);
      try {
        const { data } = await payInvoice({ variables: { input: { id: invoice.id } } });
        const payload = data?.invoicePay;
        if (!payload) return { ok: false, message: t('errors:unexpected') };
        if (payload.userErrors.length > 0) {
          // A declined attempt still counts: the invoice's attempts and next retry changed.
          void refresh();
          return { ok: false, message: billingErrorsText(payload.userErrors, t) };
        }
        await refresh();
        return { ok: true, invoice: payload.invoice ?? invoice };
      } catch (failure) {
        return { ok: false, message: describeError(failure, t) };
      } finally {
        setPayingId(null);
      }
    },
    [payInvoice, refresh, t],
  );
  return { pay, payingId };
}
