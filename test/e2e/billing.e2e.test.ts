/**
 * The billing portal in a real browser, over `npm start` with the payment sandbox: adding test cards
 * (and cards the sandbox declines), a trial, upgrading and downgrading through the review dialog, a
 * declined charge that changes nothing, canceling and resuming, invoices and their PDF, and what
 * members without billing.manage see. Every flow signs up its own organization, so the flows do not
 * depend on each other; axe scans the page in each state it reaches. Screenshots land in
 * test-results/screenshots/billing-*.png.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible, screenshot } from '../support/browser.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { button, demo, field, h1, logIn, navLink, region, settled, text } from '../support/pages.ts';

/**
 * Each flow's own limit, above the 30 s every test gets from jest.config.js: a billing flow reaches a
 * paid subscription through the page (card, trial, cancel, subscribe) before the part it is about.
 */
const FLOW_TIMEOUT = 60_000;

const suite = browserSuite({ screenshotPrefix: 'billing-', flowTimeout: FLOW_TIMEOUT });
const { open, flow, signUpOwner } = suite;
const { member, analyst } = demo;

/** Who signs up in this file's flows. */
const founder = { name: 'Grace Hopper', password: 'compiler-a0-1952', organization: 'Compilers' };

const CARD_DECLINED = /^Your card was declined and nothing was changed\. Try another payment method or contact your bank\./;

async function openBilling(page: Page): Promise<void> {
  await page.goto('/billing');
  await h1(page, 'Billing').waitFor();
  await settled(page);
}

/** The figure a `<dl>` in `scope` gives for `term`: "Due now" → "$15.00". */
async function fact(scope: Locator, term: string): Promise<string> {
  const definition = scope.locator(`xpath=.//dt[normalize-space()="${term}"]/following-sibling::dd[1]`);
  return ((await definition.textContent()) ?? '').trim();
}

/** The number of cents in "$1,234.56". */
function cents(amount: string): number {
  const match = /^\$([\d,]+)\.(\d\d)$/.exec(amount);
  if (!match) throw new Error(`Not an amount in dollars: "${amount}"`);
  return Number(match[1]!.replace(/,/g, '')) * 100 + Number(match[2]);
}

/** A date as the page writes it ("Dec 21, 2026") lies `min` to `max` days ahead (a day more either way for time zones). */
function expectDaysAhead(date: string, min: number, max = min): void {
  const ahead = (Date.parse(date) - Date.now()) / 86_400_000;
  expect({ date, ahead: ahead > min - 1 && ahead < max + 1 }).toEqual({ date, ahead: true });
}

/** Opens the card form in the payment methods section; the sandbox says that no real card is charged. */
async function openCardForm(page: Page): Promise<Locator> {
  const methods = region(page, 'Payment methods');
  await button(methods, 'Add payment method').click();
  const form = methods.getByRole('region', { name: 'Add a payment method', exact: true });
  await form.getByRole('note', { name: 'Sandbox: no real card is charged.', exact: true }).waitFor();
  return form;
}

/** Types a card in, key by key, the way a person does. */
async function typeCard(form: Locator, number: string): Promise<void> {
  await field(form, 'Card number').pressSequentially(number);
  await field(form, 'Expiry date').pressSequentially(`12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`);
  await field(form, 'CVC').pressSequentially('123');
}

/** Fills the form with one of the sandbox's listed test cards through its "Use" button, and saves. */
async function saveTestCard(form: Locator, number: string): Promise<void> {
  await button(form, `Use test card ${number}`).click();
  expect(await field(form, 'Card number').inputValue()).toBe(number);
  await button(form, 'Save card').click();
}

/** The list item of a card on file. */
function cardRow(page: Page, card: string): Locator {
  return region(page, 'Payment methods').getByRole('listitem').filter({ hasText: card });
}

async function addTestCard(page: Page, number: string, card: string): Promise<void> {
  const form = await openCardForm(page);
  await saveTestCard(form, number);
  await text(region(page, 'Payment methods'), `${card} was added.`).waitFor();
  await form.waitFor({ state: 'detached' });
}

/** Chooses a plan card's action and returns the review dialog it opens. */
async function choosePlan(page: Page, action: string, dialogTitle: string): Promise<Locator> {
  await button(region(page, 'Plans'), action).click();
  const dialog = page.getByRole('dialog', { name: dialogTitle, exact: true });
  await dialog.waitFor();
  return dialog;
}

async function confirmDialog(dialog: Locator, label = 'Confirm'): Promise<void> {
  await button(dialog, label).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** The current plan's name and status badge as the page shows them. */
async function expectCurrentPlan(page: Page, plan: string, badge: string | RegExp): Promise<void> {
  const current = region(page, 'Current plan');
  await current.getByRole('heading', { level: 3, name: plan, exact: true }).waitFor();
  await text(current, badge).first().waitFor();
}

async function startProTrial(page: Page): Promise<void> {
  const dialog = await choosePlan(page, 'Start free trial of Pro', 'Start your Pro trial');
  expect(await fact(dialog, 'Due now')).toBe('$0.00');
  await confirmDialog(dialog);
  await expectCurrentPlan(page, 'Pro', 'Trial, 14 days left');
}

/** Cancels through the dialog: at the end of the period or now, with a reason. Returns the period end the dialog offered. */
async function cancelSubscription(page: Page, plan: string, when: 'at period end' | 'now', reason = 'It is too expensive'): Promise<string> {
  await button(region(page, 'Current plan'), 'Cancel subscription').click();
  const dialog = page.getByRole('dialog', { name: `Cancel ${plan}`, exact: true });
  await dialog.waitFor();
  const atPeriodEnd = dialog.getByRole('radio', { name: /^At the end of the billing period, on / });
  // Ending at the period's end (and so being able to resume) is what the dialog offers first.
  expect(await atPeriodEnd.isChecked()).toBe(true);
  const periodEnd = /on (.+)$/.exec((await dialog.getByText(/^At the end of the billing period, on /).textContent()) ?? '')?.[1] ?? '';
  if (when === 'now') await dialog.getByRole('radio', { name: 'Now', exact: true }).check();
  await field(dialog, 'Why are you canceling?').selectOption({ label: reason });
  await confirmDialog(dialog, 'Confirm cancellation');
  return periodEnd;
}

/**
 * A paid, active subscription to `plan`, reached the way a customer reaches one: the one free trial is
 * spent on Pro and ended at once, then `plan` is subscribed to and its first period charged.
 */
async function subscribePaid(page: Page, plan: 'Pro' | 'Business', price: string): Promise<void> {
  await startProTrial(page);
  await cancelSubscription(page, 'Pro', 'now');
  await expectCurrentPlan(page, 'Pro', 'Canceled');
  const dialog = await choosePlan(page, `Subscribe to ${plan}`, `Subscribe to ${plan}`);
  expect(await fact(dialog, 'Due now')).toBe(price);
  await confirmDialog(dialog);
  await expectCurrentPlan(page, plan, 'Active');
  await text(region(page, 'Current plan'), `You are now subscribed to ${plan}.`).waitFor();
}

describe('the billing portal in a browser', () => {
  flow('adds the test card, starts a Pro trial, upgrades to Business during it and back down to Pro', async () => {
    const owner = await signUpOwner('upgrade', founder);
    const page = await open('upgrade');
    await logIn(page, owner);
    await navLink(page, 'Billing').click();
    await h1(page, 'Billing').waitFor();
    await settled(page);

    const current = region(page, 'Current plan');
    const usage = region(page, 'Usage and limits');
    await text(current, "Your organization has no subscription and uses the free plan's limits. Choose a plan below to subscribe.").waitFor();
    await text(usage, '1 of 3 seats in use').waitFor();
    await usage.getByRole('progressbar', { name: 'Seats', exact: true }).waitFor();
    await usage.getByRole('progressbar', { name: 'API points this month', exact: true }).waitFor();
    await text(region(page, 'Invoices'), 'No invoices yet.').waitFor();
    await expectAccessible(page, 'billing without a subscription');
    await screenshot(page, 'billing-no-subscription');

    const form = await openCardForm(page);
    await expectAccessible(page, 'billing with the card form');
    await typeCard(form, '4242424242424242');
    await screenshot(page, 'billing-card-form');
    await button(form, 'Save card').click();
    const methods = region(page, 'Payment methods');
    await text(methods, 'Visa •••• 4242 was added.').waitFor();
    // The first card becomes the default: invoices are charged to it.
    await text(cardRow(page, 'Visa •••• 4242'), 'Default').waitFor();
    await button(methods, 'Remove Visa •••• 4242').waitFor();

    const trial = await choosePlan(page, 'Start free trial of Pro', 'Start your Pro trial');
    await text(trial, /^Your 14-day free trial starts today\. From .+, \$15\.00 per month is charged to your default payment method unless you cancel before\.$/).waitFor();
    expect(await fact(trial, 'New price')).toBe('$15.00 per month');
    expect(await fact(trial, 'Due now')).toBe('$0.00');
    await expectAccessible(page, 'billing with the trial review open');
    await screenshot(page, 'billing-trial-review');
    await confirmDialog(trial);

    await expectCurrentPlan(page, 'Pro', 'Trial, 14 days left');
    const started = (await text(current, /^Your Pro trial has started\. It ends on /).textContent()) ?? '';
    const trialEnd = /ends on (.+)\.$/.exec(started)?.[1] ?? '';
    expectDaysAhead(trialEnd, 14);
    // Pro's limits apply during the trial.
    await text(usage, '1 of 50 seats in use').waitFor();
    await text(region(page, 'Plans').getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Pro', exact: true }) }), 'Current plan').waitFor();
    await expectAccessible(page, 'billing in a trial');
    await screenshot(page, 'billing-trialing');

    const upgrade = await choosePlan(page, 'Upgrade to Business', 'Upgrade to Business');
    expect(await fact(upgrade, 'New price')).toBe('$30.00 per month');
    // Nothing is charged during a trial: the upgrade costs nothing now, and the first invoice comes when the trial ends.
    expect(await fact(upgrade, 'Due now')).toBe('$0.00');
    expect(await fact(upgrade, 'Next invoice')).toBe(`$30.00 on ${trialEnd}`);
    // ...and the dialog does not say otherwise ("today you pay the difference").
    await text(upgrade, /^The change takes effect on .+\.$/).waitFor();
    expect(await text(upgrade, /you pay/i).count()).toBe(0);
    await expectAccessible(page, 'billing with the upgrade review open');
    await screenshot(page, 'billing-upgrade-review-trial');
    await confirmDialog(upgrade);

    await text(current, 'You are now on Business.').waitFor();
    await expectCurrentPlan(page, 'Business', 'Trial, 14 days left');
    expect(await current.getByRole('heading', { level: 3, name: 'Pro', exact: true }).count()).toBe(0);
    await text(usage, '1 of 500 seats in use').waitFor();
    // Business's card is marked as the plan; Pro's now offers a downgrade.
    await button(region(page, 'Plans'), 'Downgrade to Pro').waitFor();
    // And so it stays: the server has it, not only this page.
    await page.reload();
    await h1(page, 'Billing').waitFor();
    await settled(page);
    await expectCurrentPlan(page, 'Business', 'Trial, 14 days left');
    await screenshot(page, 'billing-upgraded-trial');

    // Within the trial a downgrade, too, applies at once: nothing is kept "until the period ends".
    const downgrade = await choosePlan(page, 'Downgrade to Pro', 'Downgrade to Pro');
    await text(downgrade, /^The change takes effect on .+\.$/).waitFor();
    expect(await text(downgrade, /^You keep Business until/).count()).toBe(0);
    expect(await fact(downgrade, 'Due now')).toBe('$0.00');
    expect(await fact(downgrade, 'Next invoice')).toBe(`$15.00 on ${trialEnd}`);
    await confirmDialog(downgrade);
    await text(current, 'You are now on Pro.').waitFor();
    await expectCurrentPlan(page, 'Pro', 'Trial, 14 days left');
    expect(await button(current, 'Cancel scheduled change').count()).toBe(0);
    await text(usage, '1 of 50 seats in use').waitFor();
  });

  flow('downgrades from a paid Business to Pro at the end of the period, and takes the scheduled change back', async () => {
    const owner = await signUpOwner('downgrade', founder);
    const page = await open('downgrade');
    await logIn(page, owner);
    await openBilling(page);
    await addTestCard(page, '4242 4242 4242 4242', 'Visa •••• 4242');
    await subscribePaid(page, 'Business', '$30.00');
    await screenshot(page, 'billing-active-business');

    const downgrade = await choosePlan(page, 'Downgrade to Pro', 'Downgrade to Pro');
    const explanation = (await text(downgrade, /^You keep Business until .+; Pro starts then\. Nothing is charged now\.$/).textContent()) ?? '';
    const effective = /until (.+); Pro/.exec(explanation)?.[1] ?? '';
    // A month: the end of the period Business was paid for.
    expectDaysAhead(effective, 28, 31);
    expect(await fact(downgrade, 'Due now')).toBe('$0.00');
    expect(await fact(downgrade, 'Next invoice')).toBe(`$15.00 on ${effective}`);
    await expectAccessible(page, 'billing with the downgrade review open');
    await screenshot(page, 'billing-downgrade-review');
    await confirmDialog(downgrade);

    const current = region(page, 'Current plan');
    await text(current, `Pro starts on ${effective}. You keep your current plan until then.`).waitFor();
    // Still Business until then, with the change announced.
    await expectCurrentPlan(page, 'Business', 'Active');
    await text(current, `A change is scheduled for ${effective}`).waitFor();
    await text(current, 'On that day you move to Pro with 1 seat, at $15.00 per month.').waitFor();
    await text(region(page, 'Plans'), `Starts on ${effective}, as scheduled.`).waitFor();
    await expectAccessible(page, 'billing with a scheduled downgrade');
    await screenshot(page, 'billing-downgrade-scheduled');

    await button(current, 'Cancel scheduled change').click();
    await text(current, 'The scheduled change was canceled. You stay on Business.').waitFor();
    await text(current, `A change is scheduled for ${effective}`).waitFor({ state: 'detached' });
    expect(await text(region(page, 'Plans'), `Starts on ${effective}, as scheduled.`).count()).toBe(0);
    await expectCurrentPlan(page, 'Business', 'Active');

    await page.reload();
    await h1(page, 'Billing').waitFor();
    await settled(page);
    await expectCurrentPlan(page, 'Business', 'Active');
    expect(await button(current, 'Cancel scheduled change').count()).toBe(0);
  });

  flow('refuses a declined card, and a declined upgrade charge leaves the plan as it was', async () => {
    const owner = await signUpOwner('declined', founder);
    const page = await open('declined');
    await logIn(page, owner);
    await openBilling(page);
    const methods = region(page, 'Payment methods');

    const form = await openCardForm(page);
    await saveTestCard(form, '4000 0000 0000 0002');
    const number = field(form, 'Card number');
    const message = text(form, CARD_DECLINED);
    await message.waitFor();
    // Next to the card field and tied to it for assistive technology.
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    expect((await number.getAttribute('aria-describedby'))?.split(' ')).toContain(await message.getAttribute('id'));
    await text(methods, 'No payment method yet.').waitFor();
    await expectAccessible(page, 'billing with a declined card');
    await screenshot(page, 'billing-card-declined');

    // The same form takes the next card: the good one.
    await saveTestCard(form, '4242 4242 4242 4242');
    await text(methods, 'Visa •••• 4242 was added.').waitFor();
    await subscribePaid(page, 'Pro', '$15.00');

    // A card that attaches but whose charges all fail, made the default.
    const second = await openCardForm(page);
    expect(await second.getByRole('checkbox', { name: 'Make it the default payment method', exact: true }).isChecked()).toBe(true);
    await saveTestCard(second, '4000 0000 0000 0341');
    await text(methods, 'Visa •••• 0341 was added.').waitFor();
    await text(cardRow(page, 'Visa •••• 0341'), 'Default').waitFor();
    await button(methods, 'Make default: Visa •••• 4242').waitFor();

    const upgrade = await choosePlan(page, 'Upgrade to Business', 'Upgrade to Business');
    expect(cents(await fact(upgrade, 'Due now'))).toBeGreaterThan(0);
    await text(upgrade, 'Charged to Visa •••• 0341.').waitFor();
    await button(upgrade, 'Confirm').click();
    const declined = upgrade.getByRole('alert');
    await declined.waitFor();
    expect((await declined.textContent())?.trim()).toMatch(CARD_DECLINED);
    await expectAccessible(page, 'billing with a declined upgrade');
    await screenshot(page, 'billing-upgrade-declined');
    await button(upgrade, 'Cancel').click();
    await upgrade.waitFor({ state: 'hidden' });

    await expectCurrentPlan(page, 'Pro', 'Active');
    await button(region(page, 'Plans'), 'Upgrade to Business').waitFor();
    await page.reload();
    await h1(page, 'Billing').waitFor();
    await settled(page);
    await expectCurrentPlan(page, 'Pro', 'Active');
    expect(await region(page, 'Current plan').getByRole('heading', { level: 3, name: 'Business', exact: true }).count()).toBe(0);
    await text(region(page, 'Usage and limits'), '1 of 50 seats in use').waitFor();
    // The declined card was never kept, and the unpaid upgrade left no invoice behind.
    expect(await region(page, 'Payment methods').getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Visa •••• 4242'),
      expect.stringContaining('Visa •••• 0341'),
    ]);
    const invoices = region(page, 'Invoices').getByRole('row').filter({ has: page.getByRole('link') });
    await invoices.first().waitFor();
    expect(await invoices.count()).toBe(1);
    await text(invoices, 'Paid').waitFor();
  });

  flow('cancels at the end of the period and resumes, then cancels at once and falls back to the free limits', async () => {
    const owner = await signUpOwner('cancel', founder);
    const page = await open('cancel');
    await logIn(page, owner);
    await openBilling(page);
    await addTestCard(page, '4242 4242 4242 4242', 'Visa •••• 4242');
    await subscribePaid(page, 'Pro', '$15.00');
    const current = region(page, 'Current plan');
    const usage = region(page, 'Usage and limits');
    await text(usage, '1 of 50 seats in use').waitFor();
    // The gateway meters this organization's own calls, so the count depends on when its batch lands.
    await text(usage, /^[\d,]+ of 1,000,000 points used$/).waitFor();

    // The dialog insists on a reason before it cancels anything.
    await button(current, 'Cancel subscription').click();
    const dialog = page.getByRole('dialog', { name: 'Cancel Pro', exact: true });
    await dialog.waitFor();
    await button(dialog, 'Confirm cancellation').click();
    const reason = field(dialog, 'Why are you canceling?');
    await text(dialog, 'Choose the reason that fits best.').waitFor();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'billing with the cancel dialog open');
    await screenshot(page, 'billing-cancel-dialog');
    await button(dialog, 'Keep subscription').click();
    await dialog.waitFor({ state: 'hidden' });
    await expectCurrentPlan(page, 'Pro', 'Active');

    const periodEnd = await cancelSubscription(page, 'Pro', 'at period end', 'It is too expensive');
    expectDaysAhead(periodEnd, 28, 31);
    await text(current, `Pro ends on ${periodEnd}. You can resume it until then.`).waitFor();
    await expectCurrentPlan(page, 'Pro', `Cancels on ${periodEnd}`);
    await text(current, `Your subscription cancels on ${periodEnd}`).waitFor();
    expect(await button(current, 'Cancel subscription').count()).toBe(0);
    await expectAccessible(page, 'billing with a cancellation at the period end');
    await screenshot(page, 'billing-cancels-at-period-end');

    await button(current, 'Resume subscription').click();
    await text(current, `Your subscription continues. It renews on ${periodEnd}.`).waitFor();
    await expectCurrentPlan(page, 'Pro', 'Active');
    expect(await text(current, `Cancels on ${periodEnd}`).count()).toBe(0);
    await button(current, 'Cancel subscription').waitFor();

    await cancelSubscription(page, 'Pro', 'now', 'Features I need are missing');
    await text(current, "Pro was canceled. Your organization is on the free plan's limits now.").waitFor();
    await expectCurrentPlan(page, 'Pro', 'Canceled');
    await text(current, /^Your subscription ended on .+\. Your organization is on the free plan's limits\. Choose a plan below to subscribe again\.$/).waitFor();
    await text(usage, '1 of 3 seats in use').waitFor();
    await text(usage, /^[\d,]+ of 10,000 points used$/).waitFor();
    expect(await button(current, 'Resume subscription').count()).toBe(0);
    expect(await button(current, 'Cancel subscription').count()).toBe(0);
    // The trial was spent: subscribing again is a paid subscription.
    await button(region(page, 'Plans'), 'Subscribe to Pro').waitFor();
    await expectAccessible(page, 'billing after canceling');
    await screenshot(page, 'billing-canceled');
  });

  flow('charges a paid upgrade at once, lists the invoices and serves their PDF', async () => {
    const owner = await signUpOwner('invoices', founder);
    const page = await open('invoices');
    await logIn(page, owner);
    await openBilling(page);
    await addTestCard(page, '4242 4242 4242 4242', 'Visa •••• 4242');
    await subscribePaid(page, 'Pro', '$15.00');

    const upgrade = await choosePlan(page, 'Upgrade to Business', 'Upgrade to Business');
    await text(upgrade, 'Business starts now. Today you pay the difference for the rest of the current period.').waitFor();
    const dueNow = await fact(upgrade, 'Due now');
    // Business costs $15.00 a month more than Pro, for almost the whole month that is left.
    expect(cents(dueNow)).toBeGreaterThan(1_400);
    expect(cents(dueNow)).toBeLessThanOrEqual(1_500);
    await upgrade.getByRole('table', { name: 'What you pay now' }).waitFor();
    await text(upgrade, 'Charged to Visa •••• 4242.').waitFor();
    await expectAccessible(page, 'billing with a paid upgrade review open');
    await screenshot(page, 'billing-upgrade-review-paid');
    await confirmDialog(upgrade);

    const current = region(page, 'Current plan');
    await text(current, `You are now on Business. ${dueNow} was charged.`).waitFor();
    await expectCurrentPlan(page, 'Business', 'Active');

    const invoices = region(page, 'Invoices');
    // The first period of Pro and the upgrade, both charged to the card at once.
    const rows = invoices.getByRole('row').filter({ has: page.getByRole('link') });
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const totals: string[] = [];
    for (const row of await rows.all()) {
      await text(row, 'Paid').waitFor();
      totals.push(((await row.getByRole('cell').nth(3).textContent()) ?? '').trim());
    }
    expect(totals.sort()).toEqual(['$15.00', dueNow].sort());
    const links = invoices.getByRole('link', { name: /^Download PDF of invoice \S+$/ });
    expect(await links.count()).toBe(2);
    expect(await invoices.getByRole('button', { name: /^Pay now/ }).count()).toBe(0);
    await expectAccessible(page, 'billing with invoices');
    await screenshot(page, 'billing-invoices');

    // The link itself serves a real PDF, for a right-click or a new tab.
    const link = links.first();
    const href = await link.getAttribute('href');
    expect(href).toBeTruthy();
    const pdfUrl = new URL(href!, page.url());
    expect(pdfUrl.origin).toBe(new URL(suite.base).origin);
    expect(pdfUrl.pathname).toMatch(/^\/downloads\/invoices\/[A-Za-z0-9_-]+\.pdf$/);
    const served = await page.request.get(pdfUrl.href);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toMatch(/^application\/pdf/);
    expect((await served.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A plain click asks for a freshly signed link and opens it: the PDF comes as a download named
    // after the invoice, and the billing page stays where it was.
    const number = /^Download PDF of invoice (\S+)$/.exec((await link.getAttribute('aria-label')) ?? '')?.[1];
    expect(number).toBeTruthy();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(new URL(download.url()).pathname).toBe(pdfUrl.pathname);
    expect(download.suggestedFilename()).toBe(`${number}.pdf`);
    expect((await readFile(await download.path())).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(new URL(page.url()).pathname).toBe('/billing');
    await h1(page, 'Billing').waitFor();
  });

  flow('explains the missing permission to a member, and shows the analyst a read-only page', async () => {
    const page = await open('member without billing.read');
    await logIn(page, member);
    expect(await navLink(page, 'Billing').count()).toBe(0);
    await page.goto('/billing');
    await h1(page, 'Billing').waitFor();
    const explanation = page.getByRole('status').filter({ hasText: 'You do not have access to this page' });
    await explanation.waitFor();
    expect(await explanation.textContent()).toContain('“billing.read”');
    expect(await region(page, 'Current plan').count()).toBe(0);
    expect(await region(page, 'Invoices').count()).toBe(0);
    await expectAccessible(page, 'billing without billing.read');
    await screenshot(page, 'billing-no-permission');

    const reader = await open('analyst with billing.read');
    await logIn(reader, analyst);
    await navLink(reader, 'Billing').click();
    await h1(reader, 'Billing').waitFor();
    await settled(reader);
    await text(reader, 'Only owners and billing managers can change billing').waitFor();
    for (const name of ['Current plan', 'Usage and limits', 'Plans', 'Payment methods', 'Billing contact', 'Invoices']) {
      await region(reader, name).getByRole('heading', { level: 2, name, exact: true }).waitFor();
    }
    // Everything to read, nothing to act with.
    const main = reader.getByRole('main');
    const buttons = await main.getByRole('button').allTextContents();
    expect(buttons).toEqual([]);
    for (const name of ['Start free trial of Pro', 'Subscribe to Enterprise', 'Add payment method', 'Save billing contact', 'Cancel subscription']) {
      expect(await reader.getByRole('button', { name, exact: true }).count()).toBe(0);
    }
    await expectAccessible(reader, 'billing read-only');
    await screenshot(reader, 'billing-read-only');
  });
});
