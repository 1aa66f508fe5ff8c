/**
 * A real browser for the end-to-end tests: Debian's Chromium driven by playwright-core (no browser
 * download), accessibility scans with axe, full-page screenshots, and a watch on every page for
 * errors the user would never see but that mean something broke.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Fails loudly (never skips) when the browser is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM}, which is missing. Install it with: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface PageProblem {
  flow: string;
  url: string;
  kind: 'pageerror' | 'console' | 'http';
  text: string;
}

/**
 * Records, for every page of a context, uncaught exceptions, console errors and server failures
 * (HTTP 5xx) into `problems`, tagged with the flow that caused them. `expectedConsoleErrors` are
 * the browser's own messages a flow provokes on purpose (say, Chromium refusing push in a
 * throwaway profile); every other console error still counts.
 */
export function watchContext(context: BrowserContext, flow: string, problems: PageProblem[], expectedConsoleErrors: readonly RegExp[] = []): void {
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push({ flow, url: page.url(), kind: 'pageerror', text: error.stack ?? error.message }));
    page.on('console', (message) => {
      if (message.type() !== 'error' || expectedConsoleErrors.some((expected) => expected.test(message.text()))) return;
      problems.push({ flow, url: page.url(), kind: 'console', text: message.text() });
    });
    page.on('response', (response) => {
      if (response.status() >= 500) problems.push({ flow, url: response.url(), kind: 'http', text: `HTTP ${response.status()} ${response.statusText()}` });
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
}

export function describeProblems(problems: PageProblem[]): string {
  return problems.map((problem) => `[${problem.flow}] ${problem.kind} at ${problem.url}: ${problem.text}`).join('\n');
}

/** A fresh context (own storage, so its own session) in English at a desktop size, watched. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  flow: string,
  problems: PageProblem[],
  options: BrowserContextOptions = {},
  expectedConsoleErrors: readonly RegExp[] = [],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options });
  watchContext(context, flow, problems, expectedConsoleErrors);
  const page = await context.newPage();
  return { context, page };
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is now. Returns the serious and critical violations, each described
 * well enough to fix it: rule, impact, the elements, and axe's help text and link.
 */
export async function accessibilityProblems(page: Page, name: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const targets = violation.nodes.map((node) => `      ${node.target.join(' ')}${node.failureSummary ? `\n        ${node.failureSummary.replace(/\n/g, '\n        ')}` : ''}`).join('\n');
      return `${name} (${page.url()}): ${violation.id} [${violation.impact}] ${violation.help}\n    ${violation.helpUrl}\n${targets}`;
    });
}

/** Fails with every serious or critical axe violation of the page, described. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const problems = await accessibilityProblems(page, name);
  if (problems.length > 0) {
    throw new Error(`Accessibility: ${problems.length} serious or critical axe violation(s) on ${name}:\n${problems.join('\n')}`);
  }
}

/** A full-page screenshot at test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}
