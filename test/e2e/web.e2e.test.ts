/**
 * The web app in a real browser, over `npm start` as a user runs it: sign-up, log-in and log-out,
 * inviting a member who accepts in another browser, API keys, language, accessibility (axe on every
 * page, keyboard), the phone layout and installability. One platform for the file; each flow has
 * fresh browser contexts, so its own storage and session. Screenshots of every page land in
 * test-results/screenshots/.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expectAccessible, screenshot } from '../support/browser.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { field, h1, logIn, signUp } from '../support/pages.ts';

/** Each flow's own limit, above the 30 s every test gets from jest.config.js: a browser flow takes a few pages. */
const FLOW_TIMEOUT = 45_000;

const suite = browserSuite({ screenshotPrefix: 'web-', flowTimeout: FLOW_TIMEOUT });
const { open, flow, run } = suite;

const owner = {
  name: 'Ada Lovelace',
  email: `ada.${run}@example.com`,
  password: 'analytical-engine-1843',
  organization: `Engines ${run}`,
};
const invitee = { name: 'Charles Babbage', email: `charles.${run}@example.com`, password: 'difference-engine-1822' };

/**
 * The functions given to page.evaluate() run in the browser. The project's TypeScript lib has no DOM,
 * so the little of it they use is declared here, for this file only.
 */
interface BrowserElement {
  id: string;
  tagName: string;
  className: unknown;
  textContent: string | null;
  getBoundingClientRect(): { right: number };
}
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
};

/** The page is no wider than the screen: nothing to scroll sideways to. */
async function expectNoSidewaysScroll(page: Page, name: string, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  if (scrollWidth > width) {
    const widest = await page.evaluate((limit) => {
      const wide = [...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().right > limit + 0.5);
      return wide.slice(-5).map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} (right edge ${Math.round(element.getBoundingClientRect().right)} px)`);
    }, width);
    throw new Error(`${name} scrolls sideways at ${width} px: the page is ${scrollWidth} px wide. Elements past the edge include:\n  ${widest.join('\n  ')}`);
  }
}

/** True once the owner exists: the sign-up flow made them, or (when it was filtered out with -t) the API did. */
let ownerExists = false;

async function ensureOwner(): Promise<void> {
  if (ownerExists) return;
  await signUp(suite.base, owner, owner.organization);
  ownerExists = true;
}

/** Logs the owner in, signing them up first if the sign-up flow did not. */
async function logInOwner(page: Page): Promise<void> {
  await ensureOwner();
  await logIn(page, owner);
}

/** Opens an app page and waits until its heading shows and nothing is loading any more. */
async function visit(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(path);
  await h1(page, heading).waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

async function api(query: string, secret: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${suite.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the assertion shows the text.
  }
  return { status: response.status, body };
}

interface OutboxDatabase {
  prepare(sql: string): { get(...parameters: unknown[]): unknown };
  close(): void;
}
const openSqlite = createRequire(import.meta.url)('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => OutboxDatabase;

/** The token of the newest invitation mailed to `email`, from the identity subgraph's local outbox. */
function invitationToken(email: string): string {
  const database = new openSqlite(join(suite.app.dataDir, 'identity.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const mail = database.prepare('select text from mail_message where recipient = ? order by created_at desc, id desc limit 1').get(email.toLowerCase()) as { text: string } | undefined;
    if (!mail) throw new Error(`No mail to ${email} in the outbox`);
    const link = /https?:\/\/\S+\/invitations\/accept\?token=\S+/.exec(mail.text)?.[0];
    if (!link) throw new Error(`The invitation mail has no acceptance link:\n${mail.text}`);
    return new URL(link).searchParams.get('token')!;
  } finally {
    database.close();
  }
}

describe('the web app in a browser', () => {
  flow('signs up a new user and organization and lands on their overview', async () => {
    const page = await open('sign-up');
    await visit(page, '/sign-up', 'Create your account');
    await expectAccessible(page, 'sign-up');
    await screenshot(page, 'sign-up');

    await field(page, 'Your name').fill(owner.name);
    await field(page, 'Email address').fill(owner.email);
    await field(page, 'Password').fill(owner.password);
    await field(page, 'Organization name').fill(owner.organization);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();

    await h1(page, `Welcome, ${owner.name}`).waitFor();
    ownerExists = true;
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { level: 2, name: owner.organization, exact: true }).waitFor();
    await expectAccessible(page, 'overview');
    await screenshot(page, 'overview');
  });

  flow('logs out, shows a wrong password next to the field, logs back in and stays signed in across a reload', async () => {
    const page = await open('log-in');
    await page.goto('/log-in');
    await h1(page, 'Log in').waitFor();
    await expectAccessible(page, 'log-in');
    await screenshot(page, 'log-in');

    await ensureOwner();
    await field(page, 'Email address').fill(owner.email);
    await field(page, 'Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    const password = field(page, 'Password');
    const message = page.getByText('The email or password is incorrect.', { exact: true });
    await message.waitFor();
    // Tied to the field for assistive technology, and the field takes focus.
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect((await password.getAttribute('aria-describedby'))?.split(' ')).toContain(await message.getAttribute('id'));
    expect(await password.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/log-in');
    await expectAccessible(page, 'log-in with an error');
    await screenshot(page, 'log-in-error');

    await password.fill(owner.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await h1(page, `Welcome, ${owner.name}`).waitFor();

    // The access token lives in memory only: the reload signs in again with the stored refresh token.
    await page.reload();
    await h1(page, `Welcome, ${owner.name}`).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await h1(page, 'Log in').waitFor();
    expect(new URL(page.url()).pathname).toBe('/log-in');
    // Signed out for good: the app's pages send back to the log-in.
    await page.goto('/members');
    await h1(page, 'Log in').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/members');

    await logInOwner(page);
  });

  flow('lets a keyboard user skip straight to the content', async () => {
    const page = await open('keyboard');
    await logInOwner(page);
    for (const path of ['/', '/no-such-page']) {
      await page.goto(path);
      await page.locator('h1').waitFor();
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent?.trim() }));
      expect(first).toEqual({ tag: 'A', text: 'Skip to content' });
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'main');
    }
  });

  flow('invites a member, who accepts in another browser and joins the organization', async () => {
    const inviter = await open('invite');
    await logInOwner(inviter);
    await visit(inviter, '/members', 'Members');
    await expectAccessible(inviter, 'members');
    await screenshot(inviter, 'members');

    const invite = inviter.locator('section', { has: inviter.getByRole('heading', { name: 'Invite someone', exact: true }) });
    await field(invite, 'Email address').fill(invitee.email);
    const role = field(invite, 'Role');
    const roles = await role.locator('option').allTextContents();
    expect(roles.length).toBeGreaterThan(1);
    await role.selectOption({ label: roles.find((label) => /^member$/i.test(label.trim())) ?? roles[0]! });
    await invite.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await inviter.getByText(`Invitation sent to ${invitee.email}.`, { exact: true }).waitFor();
    await expectAccessible(inviter, 'members after inviting');
    await screenshot(inviter, 'members-invited');

    const token = invitationToken(invitee.email);
    const guest = await open('accept invitation');
    await guest.goto(`/invitations/accept?token=${encodeURIComponent(token)}`);
    await field(guest, 'Your name').waitFor();
    await guest.locator('.loading').first().waitFor({ state: 'detached' });
    await expectAccessible(guest, 'invitation accept');
    await screenshot(guest, 'invitation-accept');
    await field(guest, 'Your name').fill(invitee.name);
    await field(guest, 'Password').fill(invitee.password);
    await guest.getByRole('button', { name: 'Accept and create account', exact: true }).click();
    await h1(guest, `Welcome, ${invitee.name}`).waitFor();
    await guest.getByRole('heading', { level: 2, name: owner.organization, exact: true }).waitFor();
    expect(new URL(guest.url()).pathname).toBe('/');

    await inviter.reload();
    await h1(inviter, 'Members').waitFor();
    await inviter.getByRole('cell', { name: invitee.name }).first().waitFor();
    await inviter.getByRole('cell', { name: invitee.email }).first().waitFor();
  });

  flow('creates an API key that works against the API, shows its secret once, and revokes it', async () => {
    const page = await open('api keys');
    await logInOwner(page);
    await visit(page, '/api-keys', 'API keys');
    await expectAccessible(page, 'api-keys');
    await screenshot(page, 'api-keys');

    const keyName = `Reporting ${run}`;
    await field(page, 'Name').fill(keyName);
    const permissions = page.getByRole('group', { name: 'Permissions' });
    const read = permissions.getByRole('checkbox', { name: /organization\.read|See the organization/ });
    await read.check();
    await page.getByRole('button', { name: 'Create key', exact: true }).click();

    const shown = page.locator('section', { has: page.getByRole('heading', { name: 'Copy your new key now', exact: true }) });
    await shown.waitFor();
    const secret = (await shown.locator('code.secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^sk_/);
    await shown.getByRole('button', { name: 'Copy key', exact: true }).waitFor();
    await expectAccessible(page, 'api-keys with the new secret');
    await screenshot(page, 'api-keys-secret');

    const works = await api('{ viewer { organization { name } } }', secret);
    expect(works).toMatchObject({ status: 200, body: { data: { viewer: { organization: { name: owner.organization } } } } });

    await shown.getByRole('button', { name: 'Done', exact: true }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.locator('code.secret').count()).toBe(0);

    await page.getByRole('button', { name: `Revoke ${keyName}`, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'api-keys revoke dialog');
    await dialog.getByRole('button', { name: 'Revoke key', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: new RegExp(keyName) }).getByText('Revoked', { exact: true }).waitFor();
    await screenshot(page, 'api-keys-revoked');

    const refused = await api('{ viewer { organization { name } } }', secret);
    expect(refused.status).toBe(401);
  });

  flow('shows the profile and a not-found page that pass the accessibility scan, in light and dark', async () => {
    const page = await open('profile and not found');
    await logInOwner(page);
    await visit(page, '/profile', 'Profile');
    await expectAccessible(page, 'profile');
    await screenshot(page, 'profile');

    await page.goto('/no-such-page');
    await h1(page, 'Page not found').waitFor();
    await expectAccessible(page, 'not found');
    await screenshot(page, 'not-found');

    // The style sheet has a dark scheme too: its contrast must hold as well.
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const [path, heading, name] of [
      ['/', `Welcome, ${owner.name}`, 'overview'],
      ['/members', 'Members', 'members'],
      ['/api-keys', 'API keys', 'api-keys'],
      ['/profile', 'Profile', 'profile'],
    ] as const) {
      await visit(page, path, heading);
      await expectAccessible(page, `${name} in the dark color scheme`);
      await screenshot(page, `${name}-dark`);
    }
  });

  flow('switches to German and remembers it after a reload', async () => {
    const page = await open('language');
    await logInOwner(page);
    await field(page, 'Language').selectOption({ label: 'Deutsch' });
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Mitglieder', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Abmelden', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');

    await page.reload();
    await page.getByRole('button', { name: 'Abmelden', exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Mitglieder', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expectAccessible(page, 'overview in German');
    await screenshot(page, 'overview-de');

    await nav.getByRole('link', { name: 'Mitglieder', exact: true }).click();
    await h1(page, 'Mitglieder').waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    await expectAccessible(page, 'members in German');
    await screenshot(page, 'members-de');

    // Signed out, the log-in page speaks German too.
    await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
    await page.getByRole('button', { name: 'Anmelden', exact: true }).waitFor();
    await expectAccessible(page, 'log-in in German');
    await screenshot(page, 'log-in-de');
  });

  flow('fits a 360 px phone screen: no sideways scrolling, and the menu opens the navigation', async () => {
    const page = await open('phone', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto('/log-in');
    await h1(page, 'Log in').waitFor();
    await expectNoSidewaysScroll(page, 'the log-in page', 360);
    await expectAccessible(page, 'log-in at 360 px');
    await screenshot(page, 'log-in-360');

    await logInOwner(page);
    await expectNoSidewaysScroll(page, 'the overview', 360);
    await expectAccessible(page, 'overview at 360 px');
    await screenshot(page, 'overview-360');

    const toggle = page.getByRole('button', { name: 'Menu', exact: true });
    const members = page.getByRole('navigation').getByRole('link', { name: 'Members', exact: true });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await members.isVisible()).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await members.waitFor();
    await screenshot(page, 'navigation-360');
    await members.click();
    await h1(page, 'Members').waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    // Following a link closes the menu again.
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    for (const [path, heading, name] of [
      ['/members', 'Members', 'members-360'],
      ['/api-keys', 'API keys', 'api-keys-360'],
      ['/profile', 'Profile', 'profile-360'],
    ] as const) {
      await visit(page, path, heading);
      await expectNoSidewaysScroll(page, path, 360);
      await expectAccessible(page, `${name.replace(/-360$/, '')} at 360 px`);
      await screenshot(page, name);
    }
  });

  flow('is installable: the page links a manifest, served as such, whose 192 and 512 px icons load', async () => {
    const page = await open('manifest');
    await page.goto('/log-in');
    await h1(page, 'Log in').waitFor();
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifestUrl = new URL(href!, page.url());
    expect(manifestUrl.pathname).toBe('/manifest.webmanifest');

    const response = await page.request.get(manifestUrl.href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as { name?: string; start_url?: string; display?: string; icons?: { src: string; sizes: string; type: string }[] };
    expect(manifest).toEqual(expect.objectContaining({ name: expect.any(String), start_url: expect.any(String), display: expect.stringMatching(/standalone|fullscreen|minimal-ui/) }));

    for (const size of [192, 512]) {
      const icon = manifest.icons?.find((candidate) => candidate.type === 'image/png' && candidate.sizes.split(/\s+/).includes(`${size}x${size}`));
      expect({ size, icon: icon ? 'listed' : 'missing' }).toEqual({ size, icon: 'listed' });
      const image = await page.request.get(new URL(icon!.src, manifestUrl).href);
      expect(image.status()).toBe(200);
      expect(image.headers()['content-type']).toBe('image/png');
      // The PNG's own header says how big it really is (IHDR: width and height at bytes 16 and 20).
      const bytes = await image.body();
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([size, size]);
    }
  });
});
