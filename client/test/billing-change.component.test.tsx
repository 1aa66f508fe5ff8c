import type { MockLink } from '@apollo/client/testing';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import {
  SubscriptionChangeDocument,
  SubscriptionChangePreviewDocument,
  SubscriptionCreateDocument,
  type SubscriptionChangeInput,
  type SubscriptionChangePreviewQuery,
} from '../src/graphql/__generated__/operations.ts';
import {
  billingAnswer,
  BUSINESS_MONTH_USD,
  days,
  invoice,
  invoicesAnswer,
  isoIn,
  PRO_MONTH_USD,
  renderBilling,
  shownDate,
  STARTER_MONTH_USD,
  subscription,
  userErrors,
} from './billing-fixtures.tsx';

type Preview = SubscriptionChangePreviewQuery['subscriptionChangePreview'];

const money = (amount: number, currency = 'USD') => ({ __typename: 'Money' as const, amount, currency });

function preview(overrides: Partial<Preview> = {}): Preview {
  return {
    __typename: 'SubscriptionChangePreview',
    kind: 'UPGRADE',
    effectiveAt: new Date().toISOString(),
    lines: [
      { __typename: 'InvoiceLine', kind: 'PRORATION', description: 'Unused time on Pro', quantity: 1, unitAmount: null, amount: -2267, periodStart: null, periodEnd: null },
      { __typename: 'InvoiceLine', kind: 'PRORATION', description: 'Remaining time on Business', quantity: 1, unitAmount: null, amount: 6333, periodStart: null, periodEnd: null },
    ],
    amountDueNow: money(4066),
    nextInvoiceTotal: money(9500),
    nextInvoiceAt: isoIn(days(20)),
    userErrors: [],
    ...overrides,
  };
}

function previewAnswer(input: SubscriptionChangeInput, answer: Preview): MockLink.MockedResponse {
  return { request: { query: SubscriptionChangePreviewDocument, variables: { input } }, result: { data: { subscriptionChangePreview: answer } } };
}

function changeAnswer(input: SubscriptionChangeInput, payload: { subscription?: unknown; invoice?: unknown; userErrors?: ReturnType<typeof userErrors> }): MockLink.MockedResponse {
  return {
    request: { query: SubscriptionChangeDocument, variables: { input } },
    result: {
      data: {
        subscriptionChange: { __typename: 'SubscriptionPayload', subscription: payload.subscription ?? null, invoice: payload.invoice ?? null, userErrors: payload.userErrors ?? [] },
      },
    },
  };
}

const onBusiness = subscription({ plan: { __typename: 'Plan', id: 'plan_business', key: 'business', name: 'Business', rank: 3 }, price: BUSINESS_MONTH_USD, version: 8 });

async function plansSection() {
  const heading = await screen.findByRole('heading', { level: 2, name: 'Plans' });
  const section = within(heading.closest('section')!);
  await section.findByRole('heading', { level: 3, name: 'Business' });
  return section;
}

describe('the billing page: changing plan', () => {
  it('prices every plan for the chosen period and seats, and marks the current one', async () => {
    const user = userEvent.setup();
    await renderBilling([]);
    const plans = await plansSection();
    const card = (name: string) => within(plans.getByRole('heading', { level: 3, name }).closest('li')!);
    expect(card('Pro').getByText('Current plan')).toBeInTheDocument();
    expect(card('Pro').getByText('This is your plan.')).toBeInTheDocument();
    // $50 + 3 × $15, $10 + 3 × $8, $9 flat.
    expect(card('Business').getByText('$95.00')).toBeInTheDocument();
    expect(card('Business').getByText('For 3 seats, $15.00 per seat')).toBeInTheDocument();
    expect(card('Pro').getByText('$34.00')).toBeInTheDocument();
    expect(card('Starter').getByText('$9.00')).toBeInTheDocument();
    expect(card('Business').getByRole('button', { name: 'Upgrade to Business' })).toHaveTextContent('Upgrade');
    expect(card('Starter').getByRole('button', { name: 'Downgrade to Starter' })).toHaveTextContent('Downgrade');
    expect(plans.getByText('Prices in USD, the currency your account is billed in.')).toBeInTheDocument();

    const seats = plans.getByLabelText('Seats');
    await user.clear(seats);
    await user.type(seats, '10');
    expect(card('Business').getByText('$200.00')).toBeInTheDocument();
    expect(card('Pro').getByRole('button', { name: 'Update Pro' })).toBeInTheDocument();

    await user.click(plans.getByRole('radio', { name: 'Yearly' }));
    // $500 + 10 × $150 a year against 12 × $200 a month.
    expect(card('Business').getByText('$2,000.00')).toBeInTheDocument();
    expect(card('Business').getByText('Save 17% compared with paying monthly')).toBeInTheDocument();
    expect(card('Starter').getByText('Not offered yearly in USD.')).toBeInTheDocument();

    await user.clear(seats);
    await user.type(seats, '2');
    expect(seats).toHaveAccessibleDescription(expect.stringContaining('Choose at least 3 seats: that many members are active.'));
    expect(card('Business').getByRole('button', { name: 'Upgrade to Business' })).toBeDisabled();
  });

  it('upgrades after showing the prorated amount due now and the next invoice', async () => {
    const user = userEvent.setup();
    const input = { expectedVersion: 7, priceId: BUSINESS_MONTH_USD.id };
    const nextInvoiceAt = isoIn(days(20));
    await renderBilling([
      previewAnswer(input, preview({ nextInvoiceAt })),
      changeAnswer(input, { subscription: onBusiness, invoice: invoice('inv_3', 'ACME-0003', { reason: 'SUBSCRIPTION_UPDATE', total: 4066, amountDue: 4066, amountPaid: 4066 }) }),
      billingAnswer({ subscription: onBusiness }),
      invoicesAnswer([]),
    ]);
    const plans = await plansSection();
    await user.click(plans.getByRole('button', { name: 'Upgrade to Business' }));

    const dialog = within(await screen.findByRole('dialog', { name: 'Upgrade to Business' }));
    expect(dialog.getByText('Business starts now. Today you pay the difference for the rest of the current period.')).toBeInTheDocument();
    expect(dialog.getByText('Due now').nextElementSibling).toHaveTextContent('$40.66');
    expect(dialog.getByText('New price').nextElementSibling).toHaveTextContent('$95.00 per month');
    expect(dialog.getByText('Next invoice').nextElementSibling).toHaveTextContent(`$95.00 on ${shownDate(nextInvoiceAt)}`);
    const lines = dialog.getByRole('table', { name: 'What you pay now' });
    expect(within(lines).getByRole('row', { name: 'Unused time on Pro -$22.67' })).toBeInTheDocument();
    expect(dialog.getByText('Charged to Visa •••• 4242.')).toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Confirm' }));

    const current = within(screen.getByRole('heading', { level: 2, name: 'Current plan' }).closest('section')!);
    expect(await current.findByText('You are now on Business. $40.66 was charged.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Current plan' })).toHaveFocus();
    await waitFor(() => expect(current.getByRole('heading', { level: 3, name: 'Business' })).toBeInTheDocument());
  });

  it('says so when the card is declined, and changes nothing', async () => {
    const user = userEvent.setup();
    const input = { expectedVersion: 7, priceId: BUSINESS_MONTH_USD.id };
    await renderBilling([
      previewAnswer(input, preview()),
      changeAnswer(input, { userErrors: userErrors([{ message: 'Your card has insufficient funds.', code: 'CARD_DECLINED' }]) }),
    ]);
    const plans = await plansSection();
    await user.click(plans.getByRole('button', { name: 'Upgrade to Business' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Upgrade to Business' }));
    await user.click(dialog.getByRole('button', { name: 'Confirm' }));

    const alert = await dialog.findByRole('alert');
    expect(alert).toHaveTextContent('Your card was declined and nothing was changed. Try another payment method or contact your bank.');
    expect(alert).toHaveTextContent('(Reason given: Your card has insufficient funds.)');
    // Still on Pro, with the dialog open for another go or a cancel.
    const current = within(screen.getByRole('heading', { level: 2, name: 'Current plan' }).closest('section')!);
    expect(current.getByRole('heading', { level: 3, name: 'Pro' })).toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('reviews again when the subscription changed meanwhile, then confirms against the new version', async () => {
    const user = userEvent.setup();
    const first = { expectedVersion: 7, priceId: BUSINESS_MONTH_USD.id };
    const second = { expectedVersion: 9, priceId: BUSINESS_MONTH_USD.id };
    const elsewhere = subscription({ seats: 5, version: 9 });
    await renderBilling([
      previewAnswer(first, preview()),
      changeAnswer(first, { userErrors: userErrors([{ message: 'The subscription changed since version 7.', code: 'CONCURRENT_CHANGE' }]) }),
      billingAnswer({ subscription: elsewhere }),
      previewAnswer(second, preview({ amountDueNow: money(5000), nextInvoiceTotal: money(12500) })),
      changeAnswer(second, { subscription: { ...onBusiness, seats: 5, version: 10 } }),
      billingAnswer({ subscription: { ...onBusiness, seats: 5, version: 10 } }),
      invoicesAnswer([]),
    ]);
    const plans = await plansSection();
    await user.click(plans.getByRole('button', { name: 'Upgrade to Business' }));
    let dialog = within(await screen.findByRole('dialog', { name: 'Upgrade to Business' }));
    await user.click(dialog.getByRole('button', { name: 'Confirm' }));

    expect(await dialog.findByText('The subscription changed meanwhile, perhaps in another tab. Review the updated details and confirm again.')).toBeInTheDocument();
    dialog = within(screen.getByRole('dialog', { name: 'Upgrade to Business' }));
    expect(dialog.getByText('Due now').nextElementSibling).toHaveTextContent('$50.00');
    await user.click(dialog.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('You are now on Business.')).toBeInTheDocument();
  });

  it('schedules a downgrade for the end of the period and charges nothing now', async () => {
    const user = userEvent.setup();
    const input = { expectedVersion: 7, priceId: STARTER_MONTH_USD.id };
    const effectiveAt = isoIn(days(20));
    const scheduled = subscription({
      version: 8,
      scheduledChange: { __typename: 'ScheduledChange', plan: { __typename: 'Plan', id: 'plan_starter', key: 'starter', name: 'Starter' }, price: STARTER_MONTH_USD, seats: 3, effectiveAt },
    });
    await renderBilling([
      previewAnswer(input, preview({ kind: 'DOWNGRADE', effectiveAt, lines: [], amountDueNow: money(0), nextInvoiceTotal: money(900), nextInvoiceAt: effectiveAt })),
      changeAnswer(input, { subscription: scheduled }),
      billingAnswer({ subscription: scheduled }),
      invoicesAnswer([]),
    ]);
    const plans = await plansSection();
    await user.click(plans.getByRole('button', { name: 'Downgrade to Starter' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Downgrade to Starter' }));
    expect(dialog.getByText(`You keep Pro until ${shownDate(effectiveAt)}; Starter starts then. Nothing is charged now.`)).toBeInTheDocument();
    expect(dialog.getByText('Due now').nextElementSibling).toHaveTextContent('$0.00');
    expect(dialog.queryByRole('table')).not.toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByText(`Starter starts on ${shownDate(effectiveAt)}. You keep your current plan until then.`)).toBeInTheDocument();
    expect(await screen.findByText(`A change is scheduled for ${shownDate(effectiveAt)}`)).toBeInTheDocument();
  });

  it("shows the server's objection to a change before any dialog opens", async () => {
    const user = userEvent.setup();
    const input = { expectedVersion: 7, priceId: BUSINESS_MONTH_USD.id };
    await renderBilling([
      previewAnswer(
        input,
        preview({ userErrors: userErrors([{ field: ['input', 'priceId'], message: 'The customer is billed in EUR.', code: 'CURRENCY_MISMATCH' }]) }),
      ),
    ]);
    const plans = await plansSection();
    await user.click(plans.getByRole('button', { name: 'Upgrade to Business' }));
    expect(await plans.findByRole('alert')).toHaveTextContent('Your account is billed in USD. Choose a price in USD.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('starts a trial for an organization that never subscribed, after a summary', async () => {
    const user = userEvent.setup();
    const trialEnd = isoIn(days(14));
    const trialing = subscription({ status: 'TRIALING', trialEnd, currentPeriodEnd: trialEnd, version: 1 });
    await renderBilling(
      [
        {
          request: { query: SubscriptionCreateDocument, variables: { input: { priceId: PRO_MONTH_USD.id, seats: 4 } } },
          result: { data: { subscriptionCreate: { __typename: 'SubscriptionPayload', subscription: trialing, invoice: null, userErrors: [] } } },
        },
        billingAnswer({ subscription: trialing }),
        invoicesAnswer([]),
      ],
      { state: { subscription: null, customer: { currency: null }, seatUsage: { inUse: 4, billed: 0, limit: 3 } } },
    );
    expect(await screen.findByText(/Your organization has no subscription/)).toBeInTheDocument();
    const plans = await plansSection();
    expect(plans.getByLabelText('Currency')).toHaveValue('USD');
    expect(plans.getByLabelText('Seats')).toHaveValue(4);
    expect(plans.getByText('14-day free trial')).toBeInTheDocument();
    await user.click(plans.getByRole('button', { name: 'Start free trial of Pro' }));

    const dialog = within(await screen.findByRole('dialog', { name: 'Start your Pro trial' }));
    expect(dialog.getByText(/Your 14-day free trial starts today\. From .*, \$42\.00 per month is charged/)).toBeInTheDocument();
    expect(dialog.getByText('Due now').nextElementSibling).toHaveTextContent('$0.00');
    await user.click(dialog.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText(`Your Pro trial has started. It ends on ${shownDate(trialEnd)}.`)).toBeInTheDocument();
  });

  it('will not subscribe to a paid plan without a card, and says where to add one', async () => {
    const user = userEvent.setup();
    await renderBilling([], { state: { subscription: null, paymentMethods: [], customer: { currency: null } } });
    const plans = await plansSection();
    await user.click(plans.getByRole('button', { name: 'Subscribe to Business' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Subscribe to Business' }));
    expect(dialog.getByText('Due now').nextElementSibling).toHaveTextContent('$95.00');
    expect(dialog.getByText('Add a payment method first: this change is charged now.')).toBeInTheDocument();
    expect(dialog.getByRole('link', { name: 'Add a payment method' })).toHaveAttribute('href', '#billing-payment-methods');
    expect(dialog.getByRole('button', { name: 'Confirm' })).toBeDisabled();
  });
});
