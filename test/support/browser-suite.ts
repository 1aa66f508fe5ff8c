import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeProblems, launchChromium, newContext, screenshot, SCREENSHOTS, type PageProblem } from './browser.ts';
import { signUp, type Person } from './pages.ts';
import { startApp, type StartedApp } from './start-app.ts';

/** Who signs up in a file's flows, each time with a new address and a new organization named after `organization`. */
export interface Founder {
  name: string;
  password: string;
  organization: string;
}

export interface BrowserSuite {
  /** The platform as `npm start` runs it, for this file. */
  readonly app: StartedApp;
  /** The address the browser opens. */
  readonly base: string;
  /**
   * A fresh browser context (its own storage and session) on the app, for one flow.
   * `expectedConsoleErrors`: browser messages the flow provokes on purpose (see watchContext).
   */
  open(flow: string, options?: Parameters<typeof newContext>[4], expectedConsoleErrors?: readonly RegExp[]): Promise<Page>;
  /** Unique to this run of the file, for names that must not meet an earlier run's. */
  readonly run: string;
  /**
   * A test of one flow, within the file's `flowTimeout`. When it fails, every page still open is saved
   * as test-results/screenshots/<screenshotPrefix>failed-<test>-<n>.png, so the CI artifacts show what the user saw.
   */
  flow(name: string, body: () => Promise<void>): void;
  /**
   * A new owner of a new organization (of one member), signed up through the API as the sign-up page
   * does it. `flow` and a count go into the address and the organization's name, so each call makes new ones.
   */
  signUpOwner(flow: string, founder: Founder): Promise<Person>;
}

/**
 * One platform and one Chromium for a browser test file, with the hooks every such file needs:
 * start both in parallel, close each test's contexts after it, and fail the test on any page error,
 * console error or HTTP 5xx it caused. Screenshots whose names start with `screenshotPrefix` are
 * cleared first, so a file never shows a stale page of its own, nor removes another file's.
 */
export function browserSuite(options: { env?: Record<string, string>; screenshotPrefix: string; flowTimeout: number }): BrowserSuite {
  const run = Date.now().toString(36);
  let signedUp = 0;
  let app: StartedApp | undefined;
  let browser: Browser | undefined;
  const problems: PageProblem[] = [];
  /** Every browser context the current test opened; closed after it. */
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
    async open(flow, contextOptions = {}, expectedConsoleErrors = []) {
      if (!browser) throw new Error('Chromium has not started');
      const { context, page } = await newContext(browser, started().url, flow, problems, contextOptions, expectedConsoleErrors);
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return page;
    },
    run,
    flow(name, body) {
      it(name, async () => {
        try {
          await body();
        } catch (error) {
          const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/-$/, '');
          const pages = contexts.flatMap((context) => context.pages());
          await Promise.allSettled(pages.map((page, index) => screenshot(page, `${options.screenshotPrefix}failed-${slug}-${index + 1}`)));
          throw error;
        }
      }, options.flowTimeout);
    },
    async signUpOwner(flow, founder) {
      signedUp += 1;
      const slug = `${flow}.${run}.${signedUp}`;
      const owner = { name: founder.name, email: `${founder.name.split(' ')[0]!.toLowerCase()}.${slug}@example.com`, password: founder.password };
      await signUp(started().url, owner, `${founder.organization} ${slug}`);
      return owner;
    },
  };
}
