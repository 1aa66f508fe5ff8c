/**
 * Notifications in a real browser, over `npm start` (embedded default: local mailbox, in-process
 * pub/sub, graphql-ws through the gateway): an admin's announcement arrives live in a member's
 * open page; a member's preference keeps an email from being sent while everyone else gets it in
 * the local mailbox; keyboard use and the language follow-up; browser push as far as Chromium can
 * take it offline. axe scans every page in each state it reaches; screenshots land in
 * test-results/screenshots/notifications-*.png.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible, screenshot } from '../support/browser.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { button, demo, field, h1, logIn, navLink, settled, type Person } from '../support/pages.ts';

/** Each flow's own limit, above the 30 s every test gets from jest.config.js: a flow drives two browsers. */
const FLOW_TIMEOUT = 60_000;

const suite = browserSuite({ screenshotPrefix: 'notifications-', flowTimeout: FLOW_TIMEOUT });
const { open, flow, run } = suite;
const { admin, member } = demo;
/** The demo organization's people, whom an announcement reaches. */
const everyone = Object.values(demo).map((person) => person.email);

/** What Chromium says when a page asks for a push subscription in a throwaway (incognito) profile. */
const INCOGNITO_PUSH = /does not support the Push API in incognito mode/;

/**
 * The functions given to page.evaluate() run in the browser. The project's TypeScript lib has no DOM,
 * so the little of it they use is declared here, for this file only.
 */
declare const window: { __sameDocument?: boolean };
declare const document: { activeElement: { getAttribute(name: string): string | null } | null };
declare const navigator: {
  serviceWorker: {
    getRegistration(scope: string): Promise<
      | {
          active: { scriptURL: string } | null;
          scope: string;
          getNotifications(): Promise<{ title: string; body: string; tag: string; data: { link: string } }[]>;
        }
      | undefined
    >;
  };
};

function bell(page: Page) {
  return page.getByRole('banner').getByRole('button', { name: /^Notifications, / });
}

/** The center's list of notifications, by the section's heading. */
function inbox(page: Page) {
  return page.getByRole('region', { name: 'Inbox', exact: true });
}

/** A notification in a list, by its title (its heading reads "Unread: <title>" while unread). */
function item(list: Locator, title: string) {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return list.getByRole('listitem').filter({ has: list.page().getByRole('heading', { level: 3, name: new RegExp(`(^|: )${escaped}$`) }) });
}

/** Waits for a condition with a deadline, saying what it waited for when it gives up. */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The unread count the bell announces: "Notifications, 3 unread, 1 new" → 3. */
async function unreadCount(page: Page): Promise<number> {
  const label = (await bell(page).getAttribute('aria-label')) ?? '';
  if (/none unread/.test(label)) return 0;
  const match = /(\d+) unread/.exec(label);
  if (!match) throw new Error(`The bell's label names no unread count: "${label}"`);
  return Number(match[1]);
}

/** Opens a page of the app from the menu (or by address for those outside it), and waits for it to load. */
async function openNotifications(page: Page): Promise<void> {
  await navLink(page, 'Notifications').click();
  await h1(page, 'Notifications').waitFor();
  await inbox(page).getByRole('heading', { level: 2, name: 'Inbox' }).waitFor();
  await settled(page);
}

/** Sends an announcement from the Announcements page and returns how many members it reached. */
async function announce(page: Page, title: string, body: string): Promise<number> {
  await navLink(page, 'Announcements').click();
  await h1(page, 'Announcements').waitFor();
  await field(page, 'Title').fill(title);
  await field(page, 'Message').fill(body);
  await button(page, 'Send announcement').click();
  const sent = page.getByRole('status').filter({ hasText: /^Sent to \d+ members?\.$/ });
  await sent.waitFor();
  return Number(/(\d+)/.exec((await sent.textContent()) ?? '')?.[1]);
}

/** A call to the API as a person of the demo organization (a session of its own, as another device would have). */
async function api<T>(user: Person, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const call = async (body: unknown, token?: string) => {
    const response = await fetch(`${suite.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as any;
    if (json.errors) throw new Error(`The API refused: ${JSON.stringify(json.errors)}`);
    return json.data;
  };
  const session = await call({
    query: 'mutation($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } userErrors { message } } }',
    variables: { input: { email: user.email, password: user.password } },
  });
  const token = session.sessionCreate.session?.accessToken;
  if (!token) throw new Error(`${user.email} could not log in: ${JSON.stringify(session.sessionCreate.userErrors)}`);
  return call({ query, variables }, token) as Promise<T>;
}

describe('notifications in a browser', () => {
  flow("shows an admin's announcement live in a member's open page, without a reload", async () => {
    const title = `Office closed on Friday ${run}`;
    const reader = await open('member reading');
    await logIn(reader, member);
    await openNotifications(reader);
    // Marks this document: a reload would lose it.
    await reader.evaluate(() => {
      window.__sameDocument = true;
    });
    const before = await unreadCount(reader);
    await expectAccessible(reader, 'the notification center');

    const sender = await open('admin sending');
    await logIn(sender, admin);
    const recipients = await announce(sender, title, 'The office is closed this Friday for maintenance.');
    expect(recipients).toBe(everyone.length);
    await expectAccessible(sender, 'the announcement form after sending');
    await screenshot(sender, 'notifications-announcement-sent');

    // Arrives at the top of the member's inbox and in the bell's count, in the same document.
    const arrived = item(inbox(reader), title);
    await arrived.waitFor();
    await arrived.getByRole('heading', { level: 3, name: `Unread: ${title}`, exact: true }).waitFor();
    expect(await inbox(reader).getByRole('heading', { level: 3 }).first().textContent()).toBe(`Unread: ${title}`);
    await until(async () => (await unreadCount(reader)) === before + 1, `the bell to count ${before + 1} unread`);
    expect(await reader.evaluate(() => window.__sameDocument)).toBe(true);
    // Screen readers hear it once, politely.
    await reader.getByText(`New notification: ${title}`, { exact: true }).waitFor({ state: 'attached' });
    await expectAccessible(reader, 'the notification center with a new notification');
    await screenshot(reader, 'notifications-center-live');

    // The bell's panel lists it; opening it marks it seen, and Escape brings focus back to the bell.
    await bell(reader).click();
    const panel = reader.getByRole('dialog', { name: 'Notifications', exact: true });
    await panel.getByRole('listitem').filter({ hasText: title }).waitFor();
    await until(async () => !/new/.test((await bell(reader).getAttribute('aria-label')) ?? ''), 'the bell to count nothing new');
    await expectAccessible(reader, 'the bell open');
    await screenshot(reader, 'notifications-bell-open');
    await reader.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await reader.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('false');

    // The dark colour scheme keeps its contrast here too.
    await reader.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(reader, 'the notification center in the dark color scheme');
    await screenshot(reader, 'notifications-center-dark');
    await reader.emulateMedia({ colorScheme: 'light' });

    // Reading it from the list updates the bell too.
    await button(arrived, `Mark read: “${title}”`).click();
    await arrived.getByRole('heading', { level: 3, name: title, exact: true }).waitFor();
    await until(async () => (await unreadCount(reader)) === before, `the bell to count ${before} unread again`);
  });

  flow("stops an announcement's email for a member who turned it off, while everyone else finds it in the local mailbox", async () => {
    const title = `Quarterly numbers ${run}`;
    const settings = await open('member settings');
    await logIn(settings, member);
    await settings.goto('/settings/notifications');
    await h1(settings, 'Notification settings').waitFor();
    const matrix = settings.getByRole('table', { name: 'What reaches you' });
    const email = matrix.getByRole('switch', { name: "Announcements from your organization's admins: Email", exact: true });
    expect(await email.isChecked()).toBe(true);
    // Critical kinds are locked on, and say why.
    const locked = matrix.getByRole('switch', { name: 'A payment failed: Email', exact: true });
    expect(await locked.isDisabled()).toBe(true);
    expect(await locked.isChecked()).toBe(true);
    await email.click();
    await settings.getByText("Announcements from your organization's admins: Email is off.", { exact: true }).waitFor();
    expect(await email.isChecked()).toBe(false);
    expect(await email.getAttribute('aria-describedby')).toBeTruthy();
    await matrix.getByRole('cell').filter({ has: settings.getByRole('switch', { name: "Announcements from your organization's admins: Email", exact: true }) }).getByText('Your choice', { exact: true }).waitFor();
    await expectAccessible(settings, 'the notification settings');
    await screenshot(settings, 'notifications-settings');
    await settings.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(settings, 'the notification settings in the dark color scheme');
    await settings.emulateMedia({ colorScheme: 'light' });

    const sender = await open('admin sending');
    await logIn(sender, admin);
    const recipients = await announce(sender, title, 'Revenue grew by a third this quarter.');
    expect(recipients).toBe(everyone.length);

    await navLink(sender, 'Mailbox').click();
    await h1(sender, 'Mailbox').waitFor();
    const rows = sender.getByRole('row').filter({ has: sender.getByRole('button', { name: title, exact: true }) });
    // The page reads the mailbox again every few seconds; the mail is handed over after its transaction commits.
    await until(async () => (await rows.count()) === everyone.length - 1, `${everyone.length - 1} mails titled "${title}"`, 20_000);
    const recipientsByMail = (await Promise.all((await rows.all()).map((row) => row.getByRole('cell').nth(1).textContent()))).map((text) => text?.trim());
    expect(recipientsByMail.sort()).toEqual(everyone.filter((address) => address !== member.email).sort());
    await expectAccessible(sender, 'the mailbox');

    // Opening a mail shows its text and its HTML, rendered without anything active.
    await button(rows.first(), title).click();
    const mail = sender.getByRole('region', { name: title, exact: true });
    await mail.getByRole('heading', { level: 3, name: 'As HTML' }).waitFor();
    await mail.getByText(/Revenue grew by a third this quarter\./).first().waitFor();
    expect(await mail.locator('script, style, iframe, img').count()).toBe(0);
    await expectAccessible(sender, 'the mailbox with a mail open');
    await screenshot(sender, 'notifications-outbox-mail');

    // The member still got it in the app, and the server recorded why no email went out.
    const { notifications } = await api<{ notifications: { nodes: { title: string; deliveries: { channel: string; status: string }[] }[] } }>(
      member,
      'query { notifications(first: 20) { nodes { title deliveries { channel status } } } }',
    );
    const received = notifications.nodes.find((node) => node.title === title);
    expect(received?.deliveries.find((delivery) => delivery.channel === 'EMAIL')?.status).toBe('SKIPPED');

    // Back to the default, for whoever runs next.
    await button(matrix, "Use default: Announcements from your organization's admins: Email").click();
    await settings.getByText("Announcements from your organization's admins: Email follows the default again.", { exact: true }).waitFor();
    expect(await email.isChecked()).toBe(true);
  });

  flow('works by keyboard, scans every notification page in each state, and saves the language for email', async () => {
    const page = await open('admin by keyboard');
    await logIn(page, admin);

    // The bell by keyboard: focus moves into the panel and back.
    await bell(page).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Notifications', exact: true });
    await panel.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('id'))).toBe(await panel.getByRole('heading', { level: 2 }).getAttribute('id'));
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('false');

    // Select everything shown and mark it read, by keyboard.
    await openNotifications(page);
    const list = inbox(page);
    await list.getByRole('listitem').first().waitFor();
    await list.getByRole('checkbox', { name: 'Select all shown', exact: true }).focus();
    await page.keyboard.press('Space');
    await list.getByText(/^\d+ selected$/).waitFor();
    await button(list, 'Mark read').focus();
    await page.keyboard.press('Enter');
    await list.getByText(/^\d+ notifications? marked read\.$/).waitFor();
    expect(await list.getByRole('heading', { level: 3, name: /^Unread:/ }).count()).toBe(0);
    await expectAccessible(page, 'the notification center after a bulk action');

    // Snooze dialog, archive and the archived view.
    const first = list.getByRole('listitem').first();
    const firstTitle = ((await first.getByRole('heading', { level: 3 }).textContent()) ?? '').trim();
    await button(first, `Snooze: “${firstTitle}”`).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze 1 notification', exact: true });
    await dialog.waitFor();
    await expectAccessible(page, 'the snooze dialog');
    await screenshot(page, 'notifications-snooze');
    await button(dialog, 'Cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    await button(first, `Archive: “${firstTitle}”`).click();
    await list.getByText('1 notification archived.', { exact: true }).waitFor();
    await field(page, 'Show').selectOption('archived');
    const archived = page.getByRole('region', { name: 'Archived', exact: true });
    await item(archived, firstTitle).waitFor();
    await expectAccessible(page, 'the archived notifications');
    await button(item(archived, firstTitle), `Move to inbox: “${firstTitle}”`).click();
    await archived.getByText('Nothing is archived.', { exact: true }).waitFor();
    await expectAccessible(page, 'the archived notifications, empty');
    await screenshot(page, 'notifications-archived-empty');

    // The announcement form says what is missing, at the fields.
    await navLink(page, 'Announcements').click();
    await h1(page, 'Announcements').waitFor();
    await field(page, 'Link (optional)').fill('https://elsewhere.example');
    await button(page, 'Send announcement').click();
    await page.getByText('Enter a path in the app that starts with /, for example /billing.', { exact: true }).waitFor();
    expect(await field(page, 'Title').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'the announcement form with problems');
    await screenshot(page, 'notifications-announcement-problems');

    // The organization defaults, for those who manage notifications.
    await page.goto('/settings/notifications');
    await h1(page, 'Notification settings').waitFor();
    await page.getByRole('table', { name: 'Organization defaults' }).waitFor();
    await expectAccessible(page, 'the notification settings with organization defaults');
    await screenshot(page, 'notifications-settings-admin');

    // Changing the app's language also changes the language of email.
    await field(page, 'Language').selectOption('de');
    await h1(page, 'Einstellungen für Benachrichtigungen').waitFor();
    await page.reload();
    await h1(page, 'Einstellungen für Benachrichtigungen').waitFor();
    await until(async () => (await field(page, 'Sprache von E-Mails und Browser-Benachrichtigungen').inputValue()) === 'de', 'the email language to follow the app');
    await expectAccessible(page, 'the notification settings in German');
    await screenshot(page, 'notifications-settings-de');
    await field(page, 'Sprache').selectOption('en');
    await h1(page, 'Notification settings').waitFor();
    await until(async () => (await field(page, 'Language of email and browser notifications').inputValue()) === 'en', 'the email language to be English again');

    // On a phone the bell's panel fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await bell(page).click();
    await panel.waitFor();
    const box = await panel.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await expectAccessible(page, 'the bell open on a phone');
    await screenshot(page, 'notifications-bell-phone');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  flow('offers browser push: permission, the service worker and its notifications; the push service itself is out of reach offline', async () => {
    const page = await open('member with push', { permissions: ['notifications'] }, [INCOGNITO_PUSH]);
    await logIn(page, member);
    const worker = await page.request.get('/sw.js');
    expect(worker.status()).toBe(200);
    expect(worker.headers()['content-type']).toMatch(/^text\/javascript/);

    await page.goto('/settings/notifications');
    await h1(page, 'Notification settings').waitFor();
    const push = page.getByRole('region', { name: 'Browser notifications', exact: true });
    await push.getByText('No browser gets notifications yet.', { exact: true }).waitFor();
    const cdp = await page.context().newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
    await cdp.send('ServiceWorker.enable');

    // Chromium grants the permission and installs the worker; a throwaway profile without network
    // reaches no push service, and the page says so instead of failing silently.
    await button(push, 'Enable browser notifications').click();
    await push.getByRole('alert').filter({ hasText: "The browser's push service could not be reached. Try again later." }).waitFor();
    const registration = await page.evaluate(async () => {
      const found = await navigator.serviceWorker.getRegistration('/');
      return found ? { scope: found.scope, script: found.active?.scriptURL ?? null } : null;
    });
    expect(registration).toEqual({ scope: `${suite.base}/`, script: `${suite.base}/sw.js` });
    await expectAccessible(page, 'the push opt-in after the push service failed');
    await screenshot(page, 'notifications-push-unreachable');

    // A push message, delivered to the worker the way a push service would: it shows the notification.
    await until(async () => registrations.some((candidate) => !candidate.isDeleted), 'the service worker registration');
    const registrationId = registrations.find((candidate) => !candidate.isDeleted)!.registrationId;
    const payload = { title: `Pushed ${run}`, body: 'A payment failed.', link: '/billing', id: `ntf_push_${run}` };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: suite.base, registrationId, data: JSON.stringify(payload) });
    let shown: { title: string; body: string; tag: string; data: { link: string } }[] = [];
    await until(async () => {
      // Notification objects keep their fields on the prototype: copied field by field out of the page.
      shown = await page.evaluate(async () =>
        ((await (await navigator.serviceWorker.getRegistration('/'))?.getNotifications()) ?? []).map(({ title, body, tag, data }) => ({ title, body, tag, data })),
      );
      return shown.length > 0;
    }, 'the notification the worker shows');
    expect(shown).toEqual([{ title: payload.title, body: payload.body, tag: payload.id, data: { link: `${suite.base}/billing`, id: payload.id } }]);

    // A browser registered elsewhere (as a browser with a push service would register) is listed and can be removed.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const p256dh = publicKey.export({ format: 'jwk' });
    const raw = Buffer.concat([Buffer.from([4]), Buffer.from(p256dh.x!, 'base64url'), Buffer.from(p256dh.y!, 'base64url')]);
    const endpoint = `https://push.example.com/send/${run}`;
    await api(member, 'mutation($input: PushSubscriptionRegisterInput!) { pushSubscriptionRegister(input: $input) { userErrors { message } } }', {
      input: { endpoint, p256dh: raw.toString('base64url'), auth: randomBytes(16).toString('base64url') },
    });
    await page.reload();
    await h1(page, 'Notification settings').waitFor();
    const remove = button(push, 'Remove: the browser at push.example.com');
    await remove.waitFor();
    await expectAccessible(page, 'the push registrations');
    await remove.click();
    await push.getByText('The browser at push.example.com no longer gets notifications.', { exact: true }).waitFor();
    await push.getByText('No browser gets notifications yet.', { exact: true }).waitFor();
  });
});
