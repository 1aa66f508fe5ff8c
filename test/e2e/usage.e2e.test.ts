/**
 * The usage page and the API keys page in a real browser, over `npm start`: an owner creates a key in
 * the web app, a script calls the API with it, and the usage page shows those calls (top operations,
 * per key, the chart's table, the quota) once the gateway's batch lands, and serves them as CSV; a key
 * made for an app, in safelist mode, lists the operations the app published and the plan's limits;
 * members without the permissions see why the pages are closed to them. axe scans every page in each
 * state it reaches; screenshots land in test-results/screenshots/usage-*.png.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible, screenshot } from '../support/browser.ts';
import { browserSuite } from '../support/browser-suite.ts';
import { button, demo, field, h1, logIn, navLink, region, settled, text, type Person } from '../support/pages.ts';

/**
 * Each flow's own limit, above the 30 s every test gets from jest.config.js: the gateway sends usage
 * every 5 s, so a flow waits for a batch or two on top of its pages.
 */
const FLOW_TIMEOUT = 60_000;

/** How long a flow waits for the gateway's usage batch to show on the page (it sends one every 5 s). */
const USAGE_ARRIVES_MS = 25_000;

const suite = browserSuite({ screenshotPrefix: 'usage-', flowTimeout: FLOW_TIMEOUT });
const { open, flow, run, signUpOwner } = suite;
const { member, analyst } = demo;

/** Who signs up in this file's flows: the API calls below find her organization by its name. */
const founder = { name: 'Katherine Johnson', password: 'trajectory-1962', organization: 'Orbits' };

/**
 * The functions given to page.evaluate() run in the browser. The project's TypeScript lib has no DOM,
 * so the little of it they use is declared here, for this file only.
 */
interface BrowserElement {
  tagName: string;
  className: unknown;
  parentElement: BrowserElement | null;
  getBoundingClientRect(): { right: number };
}
declare const document: { documentElement: { scrollWidth: number }; querySelectorAll(selector: string): ArrayLike<BrowserElement> & Iterable<BrowserElement> };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A table's row by its row header: the operation's or the key's name. */
function row(table: Locator, header: string): Locator {
  return table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name: header, exact: true }) });
}

/** The figures of a row (calls, cost points, errors) as numbers: "1,234" → 1234. */
async function figures(tableRow: Locator): Promise<number[]> {
  return (await tableRow.getByRole('cell').allTextContents()).map((cell) => Number(cell.replace(/[^\d]/g, '')));
}

/** One GraphQL request to the gateway, the way a script sends it: a bearer credential and a JSON body. */
async function callApi(credential: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${suite.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A user's access token, from logging in through the API. */
async function accessToken(user: Person): Promise<string> {
  const response = await fetch(`${suite.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } userErrors { message } } }',
      variables: { input: { email: user.email, password: user.password } },
    }),
  });
  const body = (await response.json()) as any;
  const token = body.data?.sessionCreate?.session?.accessToken;
  if (!token) throw new Error(`${user.email} could not log in: ${JSON.stringify(body)}`);
  return token;
}

/**
 * Calls the API `calls` times with a key, one named operation, as a script would; returns what the
 * calls cost as the gateway reported it with each answer: the figure the usage page must show.
 */
async function callAsScript(secret: string, operationName: string, calls: number): Promise<number> {
  let cost = 0;
  for (let call = 0; call < calls; call += 1) {
    const answer = await callApi(secret, { query: `query ${operationName} { viewer { organization { name } } }`, operationName });
    expect(answer).toMatchObject({ status: 200, body: { data: { viewer: { organization: { name: expect.stringMatching(/^Orbits /) } } } } });
    expect(answer.body.errors).toBeUndefined();
    cost += answer.body.extensions.cost.actualQueryCost;
  }
  expect(cost).toBeGreaterThan(0);
  return cost;
}

/** A key with organization.read made through the API (not the page), and its secret. */
async function createKeyByApi(owner: Person, name: string): Promise<string> {
  const created = await callApi(await accessToken(owner), {
    query: 'mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret userErrors { message } } }',
    variables: { input: { name, permissions: ['organization.read'] } },
  });
  expect(created.body.data?.apiKeyCreate?.userErrors).toEqual([]);
  return created.body.data.apiKeyCreate.secret;
}

/**
 * Creates a key on the API keys page and returns its secret, read from where the page shows it once.
 * `app`: the app the key belongs to, with safelist mode on.
 */
async function createKey(page: Page, name: string, app?: string): Promise<string> {
  await field(page, 'Name').fill(name);
  // The form starts with organization.read ticked: what a read-only script needs.
  expect(await page.getByRole('group', { name: 'Permissions' }).getByRole('checkbox', { name: /^organization\.read / }).isChecked()).toBe(true);
  const safelist = page.getByRole('checkbox', { name: 'Safelist: only this app’s published operations', exact: true });
  if (app) {
    expect(await safelist.isDisabled()).toBe(true);
    await field(page, 'App name').fill(app);
    await safelist.check();
  }
  await button(page, 'Create key').click();
  const shown = region(page, 'Copy your new key now');
  await shown.waitFor();
  const secret = ((await shown.locator('code.secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^sk_/);
  return secret;
}

/** Opens the usage page from the menu and waits for all of its parts. */
async function openUsage(page: Page): Promise<void> {
  await navLink(page, 'Usage').click();
  await h1(page, 'API usage').waitFor();
  await settled(page);
}

/**
 * Reloads the page until `check` passes or `timeoutMs` runs out; then fails with the check's own
 * last failure. The usage page shows what the usage subgraph has counted, and the gateway sends
 * what it metered in batches, so the figures arrive a few seconds after the calls.
 */
async function eventually(page: Page, check: () => Promise<void>, options: { reload: boolean; timeoutMs?: number } = { reload: true }): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? USAGE_ARRIVES_MS);
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.reload ? 1_000 : 250));
    if (options.reload) {
      await page.reload();
      await settled(page);
    }
  }
}

/** The page is no wider than the screen: nothing to scroll sideways to. */
async function expectNoSidewaysScroll(page: Page, name: string, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  if (scrollWidth > width) {
    const widest = await page.evaluate((limit) => {
      const past = (element: BrowserElement | null) => Boolean(element && element.getBoundingClientRect().right > limit + 0.5);
      // The outermost ones: where the overflow starts, not every cell inside it.
      const wide = [...document.querySelectorAll('body *')].filter((element) => past(element) && !past(element.parentElement));
      return wide.slice(0, 5).map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} (right edge ${Math.round(element.getBoundingClientRect().right)} px)`);
    }, width);
    throw new Error(`${name} scrolls sideways at ${width} px: the page is ${scrollWidth} px wide. Elements past the edge include:\n  ${widest.join('\n  ')}`);
  }
}

describe('usage and API keys in a browser', () => {
  flow("shows a new key's calls on the open usage page as they are counted: by operation, by key, per day and against the quota, and as CSV", async () => {
    const owner = await signUpOwner('calls', founder);
    const page = await open('calls');
    await logIn(page, owner);

    // Before any call: the page says so rather than showing empty tables.
    await openUsage(page);
    await text(region(page, 'Usage by API key'), 'No API key made calls in this range.').waitFor();
    await expectAccessible(page, 'usage before any API key call');
    await screenshot(page, 'usage-before-calls');

    await navLink(page, 'API keys').click();
    await h1(page, 'API keys').waitFor();
    await settled(page);
    const keyName = `Inventory sync ${run}`;
    const secret = await createKey(page, keyName);
    await expectAccessible(page, 'api keys with the new secret');
    await button(region(page, 'Copy your new key now'), 'Done').click();
    await region(page, 'Copy your new key now').waitFor({ state: 'detached' });

    // The usage page stays open while a script calls the API with the key, a named operation a few
    // times: the figures arrive live (usageRecorded over graphql-ws), with no reload.
    await openUsage(page);
    const operationName = `InventorySync${run}`;
    const calls = 4;
    const keyCost = await callAsScript(secret, operationName, calls);
    const byKey = page.getByRole('table', { name: 'Usage by API key', exact: true });
    const operations = page.getByRole('table', { name: 'Top operations', exact: true });
    const quota = region(page, 'This month’s quota');
    await eventually(
      page,
      async () => {
        // Calls, cost points, errors: all of the key's calls, none failed.
        expect(await figures(row(byKey, keyName))).toEqual([calls, keyCost, 0]);
        // The month's quota counts them too (free plan: 10,000 points); the page reads it separately.
        const summary = (await text(quota, /^[\d,]+ of 10,000 points used, [\d,]+ left\.$/).textContent()) ?? '';
        const [used, remaining] = [...summary.matchAll(/\d[\d,]*/g)].map((match) => Number(match[0].replace(/,/g, ''))).filter((_, index) => index !== 1);
        expect(used).toBeGreaterThanOrEqual(keyCost);
        expect(used! + remaining!).toBe(10_000);
      },
      { reload: false },
    );
    // The web app's own operations are its user's; the script's operation is all the key's.
    expect(await figures(row(operations, operationName))).toEqual([calls, keyCost, 0]);
    await quota.getByRole('progressbar', { name: 'This month’s quota', exact: true }).waitFor();
    await text(quota, 'No quota alerts.').waitFor();
    // The plan by the catalog's name, as the billing page names it, not by its key.
    await text(quota, /^Free plan, month \d{4}-\d{2}; resets on .+\.$/).waitFor();

    // Only the key's calls: the totals and the chart's table (for screen readers) say the same, today.
    const overTime = region(page, 'Cost over time');
    await field(overTime, 'Caller').selectOption({ label: keyName });
    await settled(page);
    await overTime.locator(`xpath=.//dt[normalize-space()="Calls"]/following-sibling::dd[1][normalize-space()="${calls}"]`).waitFor();
    const perDay = overTime.getByRole('table', { name: 'Usage per period', exact: true });
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = perDay.getByRole('row').filter({ has: page.locator(`time[datetime^="${today}"]`) });
    expect(await figures(todayRow)).toEqual([calls, keyCost, 0]);
    // A week of days, and the other six without calls from the key.
    expect(await perDay.locator('tbody tr').count()).toBe(7);
    expect((await Promise.all((await perDay.locator('tbody tr').all()).map(figures))).filter(([dayCalls]) => dayCalls! > 0)).toHaveLength(1);
    await expectAccessible(page, 'usage with the calls of an API key');
    await screenshot(page, 'usage-calls');

    // The CSV: a signed link, asked for on the page, that downloads the report.
    await button(overTime, 'Download CSV').click();
    const link = overTime.getByRole('link', { name: /^Download usage-.+-daily\.csv$/ });
    await link.waitFor();
    const href = new URL((await link.getAttribute('href'))!, page.url());
    expect(href.origin).toBe(new URL(suite.base).origin);
    expect(href.pathname).toMatch(/^\/downloads\/usage\/[^/]+\.csv$/);
    expect(href.searchParams.get('signature')).toBeTruthy();
    await text(overTime, /^The link works until /).waitFor();
    await expectAccessible(page, 'usage with the CSV link');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-daily\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('period_start,operation,principal_kind,principal_id,api_key_name,calls,cost,errors');
    const keyLine = lines.find((line) => line.includes(`,${operationName},api_key,`));
    expect(keyLine).toBeDefined();
    expect(keyLine).toContain(`,${keyName},${calls},${keyCost},0`);
    expect(new URL(page.url()).pathname).toBe('/usage');
  });

  flow('fits a phone screen, tables included, and speaks German with the same figures', async () => {
    const owner = await signUpOwner('phone', founder);
    const keyName = `Warehouse robot with a long name ${run}`;
    const operationName = `WarehouseInventoryReconciliation${run}`;
    const calls = 3;
    const keyCost = await callAsScript(await createKeyByApi(owner, keyName), operationName, calls);

    const page = await open('phone', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await logIn(page, owner);
    await button(page, 'Menu').click();
    await openUsage(page);
    const byKey = page.getByRole('table', { name: 'Usage by API key', exact: true });
    await eventually(page, async () => {
      expect(await figures(row(byKey, keyName))).toEqual([calls, keyCost, 0]);
    });
    expect(await figures(row(page.getByRole('table', { name: 'Top operations', exact: true }), operationName))).toEqual([calls, keyCost, 0]);
    await expectNoSidewaysScroll(page, 'the usage page', 360);
    await expectAccessible(page, 'usage at 360 px');
    await screenshot(page, 'usage-360');

    await page.setViewportSize({ width: 1280, height: 800 });
    await field(page, 'Language').selectOption({ label: 'Deutsch' });
    await h1(page, 'API-Nutzung').waitFor();
    await settled(page);
    expect(await figures(row(page.getByRole('table', { name: 'Nutzung je API-Schlüssel', exact: true }), keyName))).toEqual([calls, keyCost, 0]);
    expect(await figures(row(page.getByRole('table', { name: 'Teuerste Operationen', exact: true }), operationName))).toEqual([calls, keyCost, 0]);
    await region(page, 'Kontingent dieses Monats').getByText(/^[\d.]+ von 10\.000 Punkten verbraucht, [\d.]+ übrig\.$/).waitFor();
    await text(region(page, 'Kontingent dieses Monats'), /^Tarif Free, Monat \d{4}-\d{2}; wird am .+ zurückgesetzt\.$/).waitFor();
    await region(page, 'Kosten im Zeitverlauf').getByRole('table', { name: 'Nutzung je Zeitabschnitt', exact: true }).waitFor();
    await expectAccessible(page, 'usage in German');
    await screenshot(page, 'usage-de');
  });

  flow("lists a safelisted app key's published operations and the plan's limits on the API keys page", async () => {
    const owner = await signUpOwner('app', founder);
    const page = await open('app');
    await logIn(page, owner);
    await navLink(page, 'API keys').click();
    await h1(page, 'API keys').waitFor();
    await settled(page);

    // The plan's limits, which every key's calls count against (the free plan here).
    const limits = region(page, 'API limits');
    const perSecond = ((await limits.locator('xpath=.//dt[normalize-space()="Rate"]/following-sibling::dd[1]').textContent()) ?? '').trim();
    expect(perSecond).toMatch(/^[\d,]+ points? per second$/);
    expect(((await limits.locator('xpath=.//dt[normalize-space()="Per month"]/following-sibling::dd[1]').textContent()) ?? '').trim()).toBe('10,000 points');

    const app = `shop-sync-${run}`;
    const keyName = `Shop sync ${run}`;
    const secret = await createKey(page, keyName, app);
    await button(region(page, 'Copy your new key now'), 'Done').click();
    const keyRow = region(page, 'Keys').getByRole('row').filter({ hasText: keyName });
    await text(keyRow, app).waitFor();
    await text(keyRow, 'Safelist').waitFor();

    // The app publishes its operations (its build does this with an owner's or admin's credential).
    const stock = 'query StockLevels { viewer { organization { name } } }';
    const role = 'query CallerRole { viewer { role } }';
    const published = await callApi(await accessToken(owner), {
      query: 'mutation($input: PersistedOperationsPublishInput!) { persistedOperationsPublish(input: $input) { published userErrors { message } } }',
      variables: { input: { clientName: app, clientVersion: '2.1.0', operations: [stock, role].map((body) => ({ id: sha256(body), body })) } },
    });
    expect(published.body).toMatchObject({ data: { persistedOperationsPublish: { published: 2, userErrors: [] } } });

    await button(keyRow, `Show the published operations of ${keyName}`).click();
    const listed = region(page, `Published operations of ${app}`);
    await text(listed, `The key “${keyName}” belongs to the app ${app}. These are the operations the app has published, newest first.`).waitFor();
    const table = listed.getByRole('table');
    await table.waitFor();
    for (const [name, body] of [['StockLevels', stock], ['CallerRole', role]] as const) {
      const operation = table.getByRole('row').filter({ hasText: name });
      await text(operation, '2.1.0').waitFor();
      await text(operation, `${sha256(body).slice(0, 12)}…`).waitFor();
    }
    expect(await table.locator('tbody tr').count()).toBe(2);
    // The document behind the disclosure.
    await table.getByText('StockLevels', { exact: true }).click();
    await text(table, stock).waitFor();
    await expectAccessible(page, 'api keys with the published operations of an app');
    await screenshot(page, 'usage-api-key-operations');

    // Safelist mode, as set on the page: the key runs what its app published, by id, and nothing else.
    const byId = await callApi(secret, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(stock) } } });
    expect(byId).toMatchObject({ status: 200, body: { data: { viewer: { organization: { name: expect.stringMatching(/^Orbits /) } } } } });
    const freeForm = await callApi(secret, { query: stock });
    expect(freeForm.status).toBe(400);
    expect(freeForm.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');

    await button(listed, 'Close').click();
    await listed.waitFor({ state: 'detached' });
    await expectAccessible(page, 'api keys with an app key');
    await screenshot(page, 'usage-api-keys-app');
  });

  flow('explains the missing permissions to a member, and shows the analyst usage but not the API keys', async () => {
    const page = await open('member without analytics.read');
    await logIn(page, member);
    expect(await navLink(page, 'Usage').count()).toBe(0);
    expect(await navLink(page, 'API keys').count()).toBe(0);
    for (const [path, heading, permission, name] of [
      ['/usage', 'Usage', 'analytics.read', 'usage'],
      ['/api-keys', 'API keys', 'apikey.read', 'api-keys'],
    ] as const) {
      await page.goto(path);
      await h1(page, heading).waitFor();
      const explanation = page.getByRole('status').filter({ hasText: 'You do not have access to this page' });
      await explanation.waitFor();
      expect(await explanation.textContent()).toContain(`“${permission}”`);
      expect(await region(page, 'Top operations').count()).toBe(0);
      expect(await region(page, 'Keys').count()).toBe(0);
      await expectAccessible(page, `${name} without ${permission}`);
      await screenshot(page, `usage-no-permission-${name}`);
    }

    const reader = await open('analyst with analytics.read');
    await logIn(reader, analyst);
    expect(await navLink(reader, 'API keys').count()).toBe(0);
    await openUsage(reader);
    for (const name of ['This month’s quota', 'Cost over time', 'Top operations', 'Usage by API key']) {
      await region(reader, name).getByRole('heading', { level: 2, name, exact: true }).waitFor();
    }
    // Reading is all there is to do here: a range, a caller, and the report.
    await button(region(reader, 'Cost over time'), 'Download CSV').waitFor();
    await expectAccessible(reader, 'usage for an analyst');
    await screenshot(reader, 'usage-analyst');
    await reader.goto('/api-keys');
    await h1(reader, 'API keys').waitFor();
    const closed = reader.getByRole('status').filter({ hasText: 'You do not have access to this page' });
    expect(await closed.textContent()).toContain('“apikey.read”');
    await expectAccessible(reader, 'api keys for an analyst');
  });
});
