/**
 * The web app as a person uses it, for the browser tests: its pages' parts found by role and
 * accessible name, logging in, signing up through the API, and the demo organization's people.
 */
import type { Locator, Page } from 'playwright-core';

export interface Person {
  name: string;
  email: string;
  password: string;
}

/** The demo organization's people from `npm start`'s seed (scripts/platform.ts), all with the demo password. */
export const demo = {
  owner: { name: 'Olivia Owner', email: 'owner@demo.test', password: 'demo-password' },
  admin: { name: 'Adam Admin', email: 'admin@demo.test', password: 'demo-password' },
  member: { name: 'Mia Member', email: 'member@demo.test', password: 'demo-password' },
  billingManager: { name: 'Bill Manager', email: 'billing@demo.test', password: 'demo-password' },
  supportAgent: { name: 'Sam Support', email: 'support@demo.test', password: 'demo-password' },
  analyst: { name: 'Ana Analyst', email: 'analyst@demo.test', password: 'demo-password' },
} as const satisfies Record<string, Person>;

/** The project's TypeScript lib has no DOM: the little that page.waitForFunction() uses here, run in the browser. */
declare const document: { querySelectorAll(selector: string): { length: number } };

export function h1(page: Page, name: string) {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

export function field(within: Page | Locator, label: string) {
  return within.getByLabel(label, { exact: true });
}

export function region(page: Page, name: string) {
  return page.getByRole('region', { name, exact: true });
}

export function button(within: Page | Locator, name: string) {
  return within.getByRole('button', { name, exact: true });
}

export function text(within: Page | Locator, content: string | RegExp) {
  return typeof content === 'string' ? within.getByText(content, { exact: true }) : within.getByText(content);
}

export function navLink(page: Page, name: string) {
  return page.getByRole('navigation').getByRole('link', { name, exact: true });
}

/** Logs in on the log-in page and waits for the overview to greet the person. */
export async function logIn(page: Page, person: Person): Promise<void> {
  await page.goto('/log-in');
  await field(page, 'Email address').fill(person.email);
  await field(page, 'Password').fill(person.password);
  await button(page, 'Log in').click();
  await h1(page, `Welcome, ${person.name}`).waitFor();
}

/** Waits until no part of the page is loading any more: pages such as billing and usage load their parts separately. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0);
}

/** Signs a person up with a new organization, through the public API at `base` as the sign-up page does it. */
export async function signUp(base: string, person: Person, organizationName: string): Promise<void> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: UserSignUpInput!) { userSignUp(input: $input) { userErrors { message } } }',
      variables: { input: { name: person.name, email: person.email, password: person.password, organizationName } },
    }),
  });
  const body = (await response.json()) as any;
  expect(body.data?.userSignUp?.userErrors).toEqual([]);
}
