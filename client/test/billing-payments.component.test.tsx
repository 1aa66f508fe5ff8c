import type { MockLink } from '@apollo/client/testing';
import { jest } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { invoiceNavigation } from '../src/features/billing/InvoicesSection.tsx';
import {
  BillingCustomerUpdateDocument,
  BillingInvoicePdfDocument,
  InvoicePayDocument,
  PaymentMethodRemoveDocument,
  PaymentMethodSetDefaultDocument,
  PaymentMethodSetupCompleteDocument,
  PaymentMethodSetupStartDocument,
  SandboxSetupIntentConfirmDocument,
  type PaymentMethodFieldsFragment,
} from '../src/graphql/__generated__/operations.ts';
import { billingAnswer, invoice, invoicesAnswer, renderBilling, userErrors, VISA } from './billing-fixtures.tsx';

const EXPIRY_YEAR = new Date().getUTCFullYear() + 3;
const MASTERCARD: PaymentMethodFieldsFragment = { ...VISA, id: 'pm_mastercard', brand: 'mastercard', last4: '4444', isDefault: false, expMonth: 6, expYear: EXPIRY_YEAR };

function setupStartAnswer(id: string, makeDefault = true): MockLink.MockedResponse {
  return {
    request: { query: PaymentMethodSetupStartDocument, variables: { input: { makeDefault } } },
    result: {
      data: {
        paymentMethodSetupStart: {
          __typename: 'PaymentMethodSetupStartPayload',
          setupIntentId: id,
          clientSecret: `${id}_secret_test`,
          provider: { __typename: 'BillingProvider', kind: 'SANDBOX', publishableKey: null },
          userErrors: [],
        },
      },
    },
  };
}

function sandboxConfirmAnswer(id: string, cardNumber: string, answer: { userErrors?: ReturnType<typeof userErrors> } = {}): MockLink.MockedResponse {
  const failed = (answer.userErrors ?? []).length > 0;
  return {
    request: {
      query: SandboxSetupIntentConfirmDocument,
      variables: { input: { setupIntentId: id, clientSecret: `${id}_secret_test`, cardNumber, expMonth: 12, expYear: EXPIRY_YEAR, cvc: '123' } },
    },
    result: {
      data: {
        sandboxSetupIntentConfirm: {
          __typename: 'SandboxSetupIntentConfirmPayload',
          setupIntentId: failed ? null : id,
          status: failed ? null : 'SUCCEEDED',
          userErrors: answer.userErrors ?? [],
        },
      },
    },
  };
}

function paymentMethodsSection() {
  return within(screen.getByRole('heading', { level: 2, name: 'Payment methods' }).closest('section')!);
}

describe('the billing page: payment methods', () => {
  it('adds a card through the sandbox form, with the test cards one click away', async () => {
    const user = userEvent.setup();
    const added: PaymentMethodFieldsFragment = { ...VISA, id: 'pm_new', isDefault: true };
    await renderBilling(
      [
        setupStartAnswer('seti_1'),
        sandboxConfirmAnswer('seti_1', '4242424242424242'),
        {
          request: { query: PaymentMethodSetupCompleteDocument, variables: { input: { setupIntentId: 'seti_1' } } },
          result: { data: { paymentMethodSetupComplete: { __typename: 'PaymentMethodPayload', paymentMethod: added, userErrors: [] } } },
        },
        billingAnswer({ paymentMethods: [added] }),
        invoicesAnswer([]),
      ],
      { state: { paymentMethods: [] } },
    );
    await screen.findByRole('heading', { level: 2, name: 'Payment methods' });
    const section = paymentMethodsSection();
    expect(section.getByText('No payment method yet.')).toBeInTheDocument();
    await user.click(section.getByRole('button', { name: 'Add payment method' }));

    expect(section.getByRole('heading', { level: 3, name: 'Add a payment method' })).toHaveFocus();
    const note = section.getByRole('note', { name: 'Sandbox: no real card is charged.' });
    expect(within(note).getByText('4242 4242 4242 4242')).toBeInTheDocument();
    expect(within(note).getByText('declined (card_declined)')).toBeInTheDocument();
    expect(section.getByLabelText('Card number')).toHaveAttribute('autocomplete', 'cc-number');
    expect(section.getByLabelText('Expiry date')).toHaveAttribute('autocomplete', 'cc-exp');
    expect(section.getByLabelText('CVC')).toHaveAttribute('autocomplete', 'cc-csc');

    // Checked before anything is sent: a mistyped number fails its checksum.
    await user.type(section.getByLabelText('Card number'), '4242 4242 4242 4241');
    await user.click(section.getByRole('button', { name: 'Save card' }));
    expect(section.getByLabelText('Card number')).toHaveAccessibleDescription('Check the card number: it is not complete or has a typo.');
    expect(section.getByLabelText('Card number')).toHaveFocus();
    expect(section.getByLabelText('Expiry date')).toHaveAccessibleDescription(expect.stringContaining('Enter the expiry date as MM/YY'));

    await user.click(within(note).getByRole('button', { name: 'Use test card 4242 4242 4242 4242' }));
    expect(section.getByLabelText('Card number')).toHaveValue('4242 4242 4242 4242');
    expect(section.getByLabelText('Expiry date')).toHaveValue(`12/${String(EXPIRY_YEAR % 100).padStart(2, '0')}`);
    expect(section.getByLabelText('CVC')).toHaveValue('123');
    await user.click(section.getByRole('button', { name: 'Save card' }));

    expect(await section.findByText('Visa •••• 4242 was added.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Payment methods' })).toHaveFocus();
    expect(section.queryByRole('heading', { level: 3, name: 'Add a payment method' })).not.toBeInTheDocument();
    await waitFor(() => expect(section.getByText('Default')).toBeInTheDocument());
  });

  it('shows a declined test card and a number the sandbox does not know, and stores neither', async () => {
    const user = userEvent.setup();
    await renderBilling([
      setupStartAnswer('seti_1', false),
      sandboxConfirmAnswer('seti_1', '4000000000000002', { userErrors: userErrors([{ field: null, message: 'Your card was declined.', code: 'CARD_DECLINED' }]) }),
      setupStartAnswer('seti_2', false),
      sandboxConfirmAnswer('seti_2', '5105105105105100', {
        userErrors: userErrors([{ field: ['input', 'cardNumber'], message: 'Only the sandbox test cards are accepted.', code: 'NOT_A_TEST_CARD' }]),
      }),
    ]);
    await screen.findByRole('heading', { level: 2, name: 'Payment methods' });
    const section = paymentMethodsSection();
    await user.click(section.getByRole('button', { name: 'Add payment method' }));
    await user.click(section.getByRole('checkbox', { name: 'Make it the default payment method' }));
    await user.click(section.getByRole('button', { name: 'Use test card 4000 0000 0000 0002' }));
    await user.click(section.getByRole('button', { name: 'Save card' }));
    const alert = await section.findByRole('alert');
    expect(alert).toHaveTextContent('Your card was declined and nothing was changed.');
    expect(alert).toHaveTextContent('(Reason given: Your card was declined.)');

    await user.clear(section.getByLabelText('Card number'));
    await user.type(section.getByLabelText('Card number'), '5105 1051 0510 5100');
    await user.click(section.getByRole('button', { name: 'Save card' }));
    await waitFor(() =>
      expect(section.getByLabelText('Card number')).toHaveAccessibleDescription(
        'The sandbox takes its test cards only. Use one of the cards listed above; no real card is ever charged here.',
      ),
    );
    expect(section.getByLabelText('Card number')).toHaveFocus();
    expect(section.queryByText(/was added/)).not.toBeInTheDocument();

    await user.click(section.getByRole('button', { name: 'Cancel' }));
    expect(section.getByRole('button', { name: 'Add payment method' })).toHaveFocus();
  });

  it('loads the Stripe form only when the platform runs on Stripe', async () => {
    const user = userEvent.setup();
    await renderBilling([], {
      state: { provider: { __typename: 'BillingProvider', kind: 'STRIPE', publishableKey: 'pk_test_123', testCards: [] } },
    });
    await screen.findByRole('heading', { level: 2, name: 'Payment methods' });
    const section = paymentMethodsSection();
    expect(document.querySelector('script[src*="js.stripe.com"]')).toBeNull();
    await user.click(section.getByRole('button', { name: 'Add payment method' }));

    expect(await section.findByRole('group', { name: 'Card details' })).toHaveAccessibleDescription(expect.stringContaining('Card details go straight to Stripe'));
    expect(section.queryByRole('note')).not.toBeInTheDocument();
    expect(section.queryByLabelText('Card number')).not.toBeInTheDocument();
    // Not ready until Stripe.js has loaded (it never does in jsdom): nothing can be sent yet.
    expect(section.getByRole('button', { name: 'Save card' })).toBeDisabled();
    await waitFor(() => expect(document.querySelector('script[src*="js.stripe.com"]')).not.toBeNull());
  });

  it('makes another card the default and removes a card after confirming', async () => {
    const user = userEvent.setup();
    const promoted = { ...MASTERCARD, isDefault: true };
    await renderBilling(
      [
        {
          request: { query: PaymentMethodSetDefaultDocument, variables: { input: { id: MASTERCARD.id } } },
          result: { data: { paymentMethodSetDefault: { __typename: 'PaymentMethodPayload', paymentMethod: promoted, userErrors: [] } } },
        },
        billingAnswer({ paymentMethods: [{ ...VISA, isDefault: false }, promoted] }),
        invoicesAnswer([]),
        {
          request: { query: PaymentMethodRemoveDocument, variables: { input: { id: VISA.id } } },
          result: { data: { paymentMethodRemove: { __typename: 'PaymentMethodRemovePayload', removedId: VISA.id, userErrors: [] } } },
        },
        billingAnswer({ paymentMethods: [promoted] }),
        invoicesAnswer([]),
      ],
      { state: { paymentMethods: [VISA, MASTERCARD] } },
    );
    await screen.findByRole('heading', { level: 2, name: 'Payment methods' });
    const section = paymentMethodsSection();
    expect(section.getByText(`Expires 06/${EXPIRY_YEAR}`)).toBeInTheDocument();
    await user.click(section.getByRole('button', { name: 'Make default: Mastercard •••• 4444' }));
    expect(await section.findByText('Mastercard •••• 4444 is now the default payment method.')).toBeInTheDocument();
    expect(section.queryByRole('button', { name: 'Make default: Mastercard •••• 4444' })).not.toBeInTheDocument();

    await user.click(section.getByRole('button', { name: 'Remove Visa •••• 4242' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Remove Visa •••• 4242?' }));
    await user.click(dialog.getByRole('button', { name: 'Remove card' }));
    expect(await section.findByText('Visa •••• 4242 was removed.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Payment methods' })).toHaveFocus();
    await waitFor(() => expect(section.queryByText('Visa •••• 4242')).not.toBeInTheDocument());
  });

  it('keeps the default card when the server refuses to remove it, and says why', async () => {
    const user = userEvent.setup();
    await renderBilling([
      {
        request: { query: PaymentMethodRemoveDocument, variables: { input: { id: VISA.id } } },
        result: {
          data: {
            paymentMethodRemove: {
              __typename: 'PaymentMethodRemovePayload',
              removedId: null,
              userErrors: userErrors([{ field: ['input', 'id'], message: 'The default payment method pays an active subscription; add another card first.', code: 'DEFAULT_PAYMENT_METHOD_REQUIRED' }]),
            },
          },
        },
      },
    ]);
    await screen.findByRole('heading', { level: 2, name: 'Payment methods' });
    await user.click(paymentMethodsSection().getByRole('button', { name: 'Remove Visa •••• 4242' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Remove Visa •••• 4242?' }));
    expect(dialog.getByText(/This is the card invoices are charged to/)).toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Remove card' }));
    expect(await dialog.findByRole('alert')).toHaveTextContent('The default payment method pays an active subscription; add another card first.');
  });
});

describe('the billing page: invoices and contact', () => {
  afterEach(() => jest.restoreAllMocks());

  it('lists invoices page by page, pays an open one and opens a freshly signed PDF', async () => {
    const user = userEvent.setup();
    const open = invoice('inv_2', 'ACME-0002', { status: 'OPEN', amountPaid: 0, paidAt: null, attemptCount: 2, lastPaymentError: 'Your card was declined.' });
    const paid = invoice('inv_1', 'ACME-0001');
    const older = invoice('inv_0', 'ACME-0000', { total: 900, amountDue: 900, amountPaid: 900 });
    const opened = jest.spyOn(invoiceNavigation, 'open').mockImplementation(() => {});
    await renderBilling(
      [
        invoicesAnswer([older], { after: 'cursor_2', totalCount: 3 }),
        {
          request: { query: InvoicePayDocument, variables: { input: { id: 'inv_2' } } },
          result: { data: { invoicePay: { __typename: 'InvoicePayPayload', invoice: { ...open, status: 'PAID', amountPaid: 3400 }, subscription: null, userErrors: [] } } },
        },
        billingAnswer(),
        invoicesAnswer([{ ...open, status: 'PAID', amountPaid: 3400 }, paid], { next: 'cursor_2', totalCount: 3 }),
        {
          request: { query: BillingInvoicePdfDocument, variables: { id: 'inv_1' } },
          result: { data: { invoice: { __typename: 'Invoice', id: 'inv_1', pdfUrl: 'https://platform.test/billing/invoices/inv_1.pdf?signature=fresh' } } },
        },
      ],
      { invoices: [open, paid], invoicesPage: { next: 'cursor_2', totalCount: 3 } },
    );
    const heading = await screen.findByRole('heading', { level: 2, name: 'Invoices' });
    const section = within(heading.closest('section')!);
    const table = await section.findByRole('table');
    const openRow = within(within(table).getByRole('cell', { name: 'ACME-0002' }).closest('tr')!);
    expect(openRow.getByText('Open')).toBeInTheDocument();
    expect(openRow.getByText(/Payment failed: Your card was declined\./)).toBeInTheDocument();
    expect(openRow.getByText('$34.00')).toBeInTheDocument();
    expect(section.getByText('Showing 2 of 3 invoices')).toBeInTheDocument();

    await user.click(section.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByRole('cell', { name: 'ACME-0000' })).toHaveFocus();
    expect(section.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.click(openRow.getByRole('button', { name: 'Pay now: invoice ACME-0002, $34.00' }));
    expect(await section.findByText('Invoice ACME-0002 is paid. Thank you.')).toBeInTheDocument();
    await waitFor(() => expect(openRow.getByText('Paid')).toBeInTheDocument());
    expect(openRow.queryByRole('button', { name: /Pay now: invoice/ })).not.toBeInTheDocument();

    const pdf = section.getByRole('link', { name: 'Download PDF of invoice ACME-0001' });
    expect(pdf).toHaveAttribute('href', paid.pdfUrl);
    await user.click(pdf);
    await waitFor(() => expect(opened).toHaveBeenCalledWith('https://platform.test/billing/invoices/inv_1.pdf?signature=fresh'));
  });

  it('saves the billing contact, after checking the email address', async () => {
    const user = userEvent.setup();
    await renderBilling([
      {
        request: { query: BillingCustomerUpdateDocument, variables: { input: { email: 'accounts@acme.test', name: 'Acme GmbH' } } },
        result: {
          data: {
            billingCustomerUpdate: {
              __typename: 'BillingCustomerUpdatePayload',
              billingCustomer: { __typename: 'BillingCustomer', email: 'accounts@acme.test', name: 'Acme GmbH', currency: 'USD', creditBalance: 0 },
              userErrors: [],
            },
          },
        },
      },
      billingAnswer({ customer: { email: 'accounts@acme.test', name: 'Acme GmbH' } }),
      invoicesAnswer([]),
    ]);
    const email = await screen.findByLabelText('Billing email');
    expect(email).toHaveValue('billing@acme.test');
    await user.clear(email);
    await user.type(email, 'accounts@');
    await user.click(screen.getByRole('button', { name: 'Save billing contact' }));
    expect(email).toHaveAccessibleDescription(expect.stringContaining('Enter a valid email address'));

    await user.type(email, 'acme.test');
    await user.clear(screen.getByLabelText('Name on invoices'));
    await user.type(screen.getByLabelText('Name on invoices'), 'Acme GmbH');
    await user.click(screen.getByRole('button', { name: 'Save billing contact' }));
    expect(await screen.findByText('Billing contact saved.')).toBeInTheDocument();
  });
});
