import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeProblems, launchChromium, newContext, SCREENSHOTS, type PageProblem } from './browser.ts';
import { startApp, type StartedApp } from './start-app.ts';

export interface BrowserSuite {
  /** The platform as `npm start` runs it, for this file. */
  readonly app: StartedApp;
  /** The address the browser opens. */
  readonly base: string;
  /** Every browser context the current test opened; closed after it. */
  readonly contexts: readonly BrowserContext[];
  /**
   * A fresh browser context (its own storage and session) on the app, for one flow.
   * `expectedConsoleErrors`: browser messages the flow provokes on purpose (see watchContext).
   */
  open(flow: string, options?: Parameters<typeof newContext>[4], expectedConsoleErrors?: readonly RegExp[]): Promise<Page>;
}

/**
 * One platform and one Chromium for a browser test file, with the hooks every such file needs:
 * start both in parallel, close each test's contexts after it, and fail the test on any page error,
 * console error or HTTP 5xx it caused. Screenshots whose names start with `screenshotPrefix` are
 * cleared first, so a file never shows a stale page of its own, nor removes another file's.
 */
export function browserSuite(options: { env?: Record<string, string>; screenshotPrefix: string }): BrowserSuite {
  let app: StartedApp | undefined;
  let browser: Browser | undefined;
  const problems: PageProblem[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const earlier = existsSync(SCREENSHOTS) ? readdirSync(SCREENSHOTS).filter((file) => file.startsWith(options.screenshotPrefix)) : [];
    for (const file of earlier) rmSync(join(SCREENSHOTS, file), { force: true });
    // In parallel: the browser starts while the platform builds the app and comes up. Whichever
    // started is kept even when the other failed, so that afterAll stops it.
    const [started, launched] = await Promise.allSettled([startApp(options.env), launchChromium()]);
    if (started.status === 'fulfilled') app = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (launched.status === 'rejected') throw launched.reason;
    if (started.status === 'rejected') throw started.reason;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    const found = problems.splice(0);
    if (found.length > 0) throw new Error(`The browser reported ${found.length} error(s) the user never should have caused:\n${describeProblems(found)}`);
  }, 15_000);

  const started = (): StartedApp => {
    if (!app) throw new Error('The platform has not started');
    return app;
  };
  return {
    get app() {
      return started();
    },
    get base() {
      return started().url;
    },
    contexts,
    async open(flow, contextOptions = {}, expectedConsoleErrors = []) {
      if (!browser) throw new Error('Chromium has not started');
      const { context, page } = await newContext(browser, started().url, flow, problems, contextOptions, expectedConsoleErrors);
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return page;
    },
  };
}
