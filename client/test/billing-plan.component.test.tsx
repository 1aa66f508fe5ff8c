import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { PagePermission } from '../src/app/PagePermission.tsx';
import { APP_PAGES } from '../src/app/pages.ts';
import { ViewerProvider } from '../src/auth/ViewerProvider.tsx';
import {
  InvoicePayDocument,
  SubscriptionCancelDocument,
  SubscriptionResumeDocument,
  SubscriptionScheduledChangeCancelDocument,
} from '../src/graphql/__generated__/operations.ts';
import {
  ANALYST_PERMISSIONS,
  billingAnswer,
  days,
  viewerAnswer,
  invoice,
  invoicesAnswer,
  isoIn,
  renderBilling,
  shownDate,
  STARTER_MONTH_USD,
  subscription,
} from './billing-fixtures.tsx';
import { renderWithApp } from './support/render.tsx';

async function currentPlan() {
  const heading = await screen.findByRole('heading', { level: 2, name: 'Current plan' });
  return { heading, section: within(heading.closest('section')!) };
}

describe('the billing page: current plan', () => {
  it('shows an active plan with its price per period, seats and next invoice date, and usage against the limits', async () => {
    const renewal = isoIn(days(20));
    await renderBilling([], { state: { subscription: subscription({ currentPeriodEnd: renewal }), apiPointsUsed: 250_000 } });
    const { section } = await currentPlan();
    expect(section.getByRole('heading', { level: 3, name: 'Pro' })).toBeInTheDocument();
    expect(section.getByText('Active')).toHaveClass('badge');
    // $10 base + 3 seats at $8.
    expect(section.getByText('$34.00 per month')).toBeInTheDocument();
    expect(section.getByText('3 seats')).toBeInTheDocument();
    expect(section.getByText('Next invoice').nextElementSibling).toHaveTextContent(shownDate(renewal));
    expect(section.getByRole('button', { name: 'Cancel subscription' })).toBeInTheDocument();

    const points = screen.getByRole('progressbar', { name: 'API points this month' });
    expect(points).toHaveAttribute('value', '250000');
    expect(points).toHaveAttribute('max', '1000000');
    expect(points).toHaveAccessibleDescription('250,000 of 1,000,000 points used');
    expect(screen.getByRole('progressbar', { name: 'Seats' })).toHaveAccessibleDescription('3 of 20 seats in use');
    expect(screen.getByText('Audit log export')).toBeInTheDocument();
  });

  it('counts the days left in a trial and asks for a card when none is on file', async () => {
    const trialEnd = isoIn(days(5) - 3_600_000);
    await renderBilling([], { state: { subscription: subscription({ status: 'TRIALING', trialEnd, currentPeriodEnd: trialEnd }), paymentMethods: [] } });
    const { section } = await currentPlan();
    expect(section.getByText('Trial, 5 days left')).toBeInTheDocument();
    expect(section.getByText('Trial ends').nextElementSibling).toHaveTextContent(shownDate(trialEnd));
    expect(section.getByText('Add a payment method to keep your plan')).toBeInTheDocument();
    expect(section.getByText(`Your trial ends on ${shownDate(trialEnd)}. Add a payment method before then to stay on Pro.`)).toBeInTheDocument();
  });

  it('past due: asks for a new payment method and pays the open invoice on the spot', async () => {
    const user = userEvent.setup();
    const open = invoice('inv_2', 'ACME-0002', { status: 'OPEN', amountPaid: 0, paidAt: null, attemptCount: 2, lastPaymentError: 'Your card was declined.' });
    const pastDue = subscription({
      status: 'PAST_DUE',
      nextPaymentAttemptAt: isoIn(days(2)),
      latestInvoice: { __typename: 'Invoice', id: open.id, number: open.number, status: 'OPEN', currency: 'USD', amountDue: 3400 },
    });
    await renderBilling(
      [
        {
          request: { query: InvoicePayDocument, variables: { input: { id: 'inv_2' } } },
          result: { data: { invoicePay: { __typename: 'InvoicePayPayload', invoice: { ...open, status: 'PAID', amountPaid: 3400 }, subscription: { ...pastDue, status: 'ACTIVE', latestInvoice: { ...pastDue.latestInvoice!, status: 'PAID' } }, userErrors: [] } } },
        },
        billingAnswer({ subscription: { ...pastDue, status: 'ACTIVE', nextPaymentAttemptAt: null } }),
        invoicesAnswer([{ ...open, status: 'PAID', amountPaid: 3400 }]),
      ],
      { state: { subscription: pastDue }, invoices: [open] },
    );
    const { section } = await currentPlan();
    expect(section.getByText('Past due')).toBeInTheDocument();
    expect(section.getByText('Your last payment failed')).toBeInTheDocument();
    expect(section.getByRole('link', { name: 'Update your payment method' })).toHaveAttribute('href', '#billing-payment-methods');
    await user.click(section.getByRole('button', { name: 'Pay $34.00 now' }));

    expect(await section.findByText('Invoice ACME-0002 is paid. Thank you.')).toBeInTheDocument();
    expect(section.getByRole('heading', { level: 2, name: 'Current plan' })).toHaveFocus();
    await waitFor(() => expect(section.getByText('Active')).toBeInTheDocument());
    expect(section.queryByText('Your last payment failed')).not.toBeInTheDocument();
  });

  it('incomplete: says within how many hours the first invoice must be paid', async () => {
    await renderBilling([], {
      state: { subscription: subscription({ status: 'INCOMPLETE', incompleteExpiresAt: isoIn(23 * 3_600_000 - 60_000) }) },
    });
    const { section } = await currentPlan();
    expect(section.getByText('Incomplete')).toBeInTheDocument();
    expect(section.getByText('The first payment did not go through')).toBeInTheDocument();
    expect(section.getByText('Pay within 23 hours, or the subscription expires.')).toBeInTheDocument();
  });

  it('canceled: says when it ended and offers no cancel button', async () => {
    const ended = isoIn(-days(3));
    await renderBilling([], { state: { subscription: subscription({ status: 'CANCELED', endedAt: ended, canceledAt: ended }) } });
    const { section } = await currentPlan();
    expect(section.getByText('Canceled')).toBeInTheDocument();
    expect(section.getByText(new RegExp(`Your subscription ended on ${shownDate(ended)}`))).toBeInTheDocument();
    expect(section.queryByRole('button', { name: 'Cancel subscription' })).not.toBeInTheDocument();
    // A canceled organization subscribes anew rather than upgrading.
    expect(await screen.findByRole('button', { name: 'Subscribe to Business' })).toBeInTheDocument();
  });

  it('set to cancel at the end of the period: shows the date and resumes the subscription', async () => {
    const user = userEvent.setup();
    const periodEnd = isoIn(days(20));
    const canceling = subscription({ cancelAtPeriodEnd: true, canceledAt: isoIn(-days(1)), currentPeriodEnd: periodEnd });
    await renderBilling(
      [
        {
          request: { query: SubscriptionResumeDocument, variables: { input: { expectedVersion: 7 } } },
          result: { data: { subscriptionResume: { __typename: 'SubscriptionPayload', subscription: { ...canceling, cancelAtPeriodEnd: false, canceledAt: null, version: 8 }, invoice: null, userErrors: [] } } },
        },
        billingAnswer({ subscription: { ...canceling, cancelAtPeriodEnd: false, canceledAt: null, version: 8 } }),
        invoicesAnswer([]),
      ],
      { state: { subscription: canceling } },
    );
    const { section } = await currentPlan();
    expect(section.getByText(`Cancels on ${shownDate(periodEnd)}`)).toHaveClass('badge');
    expect(section.getByText(`Your subscription cancels on ${shownDate(periodEnd)}`)).toBeInTheDocument();
    expect(section.queryByRole('button', { name: 'Cancel subscription' })).not.toBeInTheDocument();
    await user.click(section.getByRole('button', { name: 'Resume subscription' }));

    expect(await section.findByText(`Your subscription continues. It renews on ${shownDate(periodEnd)}.`)).toBeInTheDocument();
    expect(section.getByRole('heading', { level: 2, name: 'Current plan' })).toHaveFocus();
    expect(section.getByText('Active')).toBeInTheDocument();
    expect(section.getByRole('button', { name: 'Cancel subscription' })).toBeInTheDocument();
  });

  it('shows a scheduled downgrade and cancels it', async () => {
    const user = userEvent.setup();
    const effectiveAt = isoIn(days(20));
    const scheduled = subscription({
      scheduledChange: { __typename: 'ScheduledChange', plan: { __typename: 'Plan', id: 'plan_starter', key: 'starter', name: 'Starter' }, price: STARTER_MONTH_USD, seats: 3, effectiveAt },
    });
    await renderBilling(
      [
        {
          request: { query: SubscriptionScheduledChangeCancelDocument, variables: { input: { expectedVersion: 7 } } },
          result: { data: { subscriptionScheduledChangeCancel: { __typename: 'SubscriptionPayload', subscription: { ...scheduled, scheduledChange: null, version: 8 }, invoice: null, userErrors: [] } } },
        },
        billingAnswer({ subscription: { ...scheduled, scheduledChange: null, version: 8 } }),
        invoicesAnswer([]),
      ],
      { state: { subscription: scheduled } },
    );
    const { section } = await currentPlan();
    expect(section.getByText(`A change is scheduled for ${shownDate(effectiveAt)}`)).toBeInTheDocument();
    expect(section.getByText('On that day you move to Starter with 3 seats, at $9.00 per month.')).toBeInTheDocument();
    await user.click(section.getByRole('button', { name: 'Cancel scheduled change' }));
    expect(await section.findByText('The scheduled change was canceled. You stay on Pro.')).toBeInTheDocument();
    expect(section.queryByText(/A change is scheduled/)).not.toBeInTheDocument();
  });

  it('cancels at the end of the period, but only with a reason', async () => {
    const user = userEvent.setup();
    const periodEnd = isoIn(days(20));
    const active = subscription({ currentPeriodEnd: periodEnd });
    const canceled = { ...active, cancelAtPeriodEnd: true, canceledAt: new Date().toISOString(), cancellationReason: 'TOO_EXPENSIVE' as const, version: 8 };
    await renderBilling(
      [
        {
          request: { query: SubscriptionCancelDocument, variables: { input: { atPeriodEnd: true, reason: 'TOO_EXPENSIVE', feedback: 'We are a small team.' } } },
          result: { data: { subscriptionCancel: { __typename: 'SubscriptionPayload', subscription: canceled, invoice: null, userErrors: [] } } },
        },
        billingAnswer({ subscription: canceled }),
        invoicesAnswer([]),
      ],
      { state: { subscription: active } },
    );
    const { section } = await currentPlan();
    await user.click(section.getByRole('button', { name: 'Cancel subscription' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Cancel Pro' }));
    expect(dialog.getByRole('radio', { name: `At the end of the billing period, on ${shownDate(periodEnd)}` })).toBeChecked();
    expect(dialog.getByRole('radio', { name: 'Now' })).toHaveAccessibleDescription(/The rest of the current period is not refunded/);

    await user.click(dialog.getByRole('button', { name: 'Confirm cancellation' }));
    const reason = dialog.getByLabelText('Why are you canceling?');
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription('Choose the reason that fits best.');
    expect(reason).toHaveFocus();

    await user.selectOptions(reason, 'It is too expensive');
    await user.type(dialog.getByLabelText('Anything else you would like to tell us? (optional)'), ' We are a small team. ');
    await user.click(dialog.getByRole('button', { name: 'Confirm cancellation' }));

    expect(await section.findByText(`Pro ends on ${shownDate(periodEnd)}. You can resume it until then.`)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(section.getByRole('heading', { level: 2, name: 'Current plan' })).toHaveFocus();
    expect(section.getByRole('button', { name: 'Resume subscription' })).toBeInTheDocument();
  });

  it('cancels at once when asked to, and keeping the subscription sends nothing', async () => {
    const user = userEvent.setup();
    const active = subscription();
    const ended = { ...active, status: 'CANCELED' as const, canceledAt: new Date().toISOString(), endedAt: new Date().toISOString(), cancellationReason: 'UNUSED' as const, version: 8 };
    await renderBilling(
      [
        {
          request: { query: SubscriptionCancelDocument, variables: { input: { atPeriodEnd: false, reason: 'UNUSED', feedback: null } } },
          result: { data: { subscriptionCancel: { __typename: 'SubscriptionPayload', subscription: ended, invoice: null, userErrors: [] } } },
        },
        billingAnswer({ subscription: ended }),
        invoicesAnswer([]),
      ],
      { state: { subscription: active } },
    );
    const { section } = await currentPlan();
    await user.click(section.getByRole('button', { name: 'Cancel subscription' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Keep subscription' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.click(section.getByRole('button', { name: 'Cancel subscription' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Cancel Pro' }));
    // A fresh start: the earlier opening chose nothing that carries over.
    expect(dialog.getByLabelText('Why are you canceling?')).toHaveValue('');
    await user.click(dialog.getByRole('radio', { name: 'Now' }));
    await user.selectOptions(dialog.getByLabelText('Why are you canceling?'), 'UNUSED');
    await user.click(dialog.getByRole('button', { name: 'Confirm cancellation' }));
    expect(await section.findByText("Pro was canceled. Your organization is on the free plan's limits now.")).toBeInTheDocument();
    await waitFor(() => expect(section.getByText('Canceled')).toBeInTheDocument());
  });

  it('shows everything read-only to someone who may read billing but not change it', async () => {
    const open = invoice('inv_2', 'ACME-0002', { status: 'OPEN', amountPaid: 0, paidAt: null });
    await renderBilling([], {
      role: 'ANALYST',
      permissions: ANALYST_PERMISSIONS,
      state: { subscription: subscription({ status: 'PAST_DUE', latestInvoice: { __typename: 'Invoice', id: open.id, number: open.number, status: 'OPEN', currency: 'USD', amountDue: 3400 } }) },
      invoices: [open],
    });
    expect(await screen.findByText('Only owners and billing managers can change billing')).toBeInTheDocument();
    const { section } = await currentPlan();
    expect(section.getByText('$34.00 per month')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 3, name: 'Business' })).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'ACME-0002' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download PDF of invoice ACME-0002' })).toBeInTheDocument();
    expect(screen.getByText('Visa •••• 4242')).toBeInTheDocument();
    expect(screen.getByText('billing@acme.test')).toBeInTheDocument();
    // Nothing to act with: no buttons at all besides the ones every page has.
    for (const name of [/Cancel subscription/, /Pay/, /Upgrade/, /Downgrade/, /Add payment method/, /Remove/, /Make default/, /Save billing contact/]) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole('textbox', { name: 'Billing email' })).not.toBeInTheDocument();
  });

  it('speaks German, with money and dates the German way', async () => {
    const renewal = isoIn(days(20));
    await renderBilling([], { language: 'de', state: { subscription: subscription({ currentPeriodEnd: renewal }) } });
    const heading = await screen.findByRole('heading', { level: 2, name: 'Aktueller Tarif' });
    const section = within(heading.closest('section')!);
    expect(screen.getByRole('heading', { level: 1, name: 'Abrechnung' })).toBeInTheDocument();
    expect(section.getByText('Aktiv')).toBeInTheDocument();
    expect(section.getByText('34,00 $ pro Monat')).toBeInTheDocument();
    expect(section.getByText('Nächste Rechnung').nextElementSibling).toHaveTextContent(new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date(renewal)));
    expect(section.getByRole('button', { name: 'Abonnement kündigen' })).toBeInTheDocument();
  });
});

describe('the billing page entry', () => {
  it('needs billing.read, and explains the missing permission to everyone else', async () => {
    const page = APP_PAGES.find((candidate) => candidate.path === 'billing')!;
    expect(page).toMatchObject({ label: 'billing', permission: 'billing.read' });
    await renderWithApp(
      <ViewerProvider>
        <PagePermission page={page}>
          <p>billing portal</p>
        </PagePermission>
      </ViewerProvider>,
      { path: '/billing', signedIn: true, mocks: [viewerAnswer('MEMBER', ['organization.read', 'member.read'])] },
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Billing' })).toBeInTheDocument();
    expect(screen.getByText('You do not have access to this page')).toBeInTheDocument();
    expect(screen.getByText(/“billing\.read” permission/)).toBeInTheDocument();
    expect(screen.queryByText('billing portal')).not.toBeInTheDocument();
  });
});
