/**
 * PRV-10, DIR-4: the card on file, from the console home in headless Chromium:
 * an admin on the free plan adds a test card, sees only its brand and last 4
 * digits, is moved to the paid plan, has a declined card refused in the form,
 * and removes the card.
 *
 * SQLite only: the API tests cover billing on PostgreSQL.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { type Watched, browserSuite, newPage, nextResponse } from '../helpers/browser.ts';

const WAIT_MS = 15_000;

const suite = browserSuite();
let w: Watched;
let page: Page;

beforeEach(async () => {
  w = await newPage(suite.browser, suite.app.url);
  page = w.page;
});
afterEach(async () => {
  const problems = [...w.problems];
  await w.context.close();
  expect(problems, 'uncaught errors or CSP refusals in the page').toEqual([]);
});

const visible = async (l: Locator) => {
  await l.first().waitFor({ state: 'visible', timeout: WAIT_MS });
  return l.first();
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const field = (label: string) => page.getByLabel(new RegExp(`^${escape(label)}(\\s*\\*)?$`));
const button = (name: string) => page.getByRole('button', { name, exact: true });

async function fillCard(number: string, cvc: string) {
  await (await visible(field('Name on the card'))).fill('Ada Lovelace');
  await field('Card number').fill(number);
  await field('Expiry year').selectOption(String(new Date().getFullYear() + 2));
  await field('Security code (CVC)').fill(cvc);
}

describe('billing in the console', () => {
  it('PRV-10, DIR-4: an admin adds a card (only brand and last 4 shown), moves to paid, has a declined card refused, and removes it', async () => {
    const admin = await verifiedUser(suite.app, { email: uniqueEmail('admin') });
    await page.goto('/sign-in');
    await (await visible(field('Email'))).fill(admin.body.email);
    await field('Password').fill(admin.body.password);
    await button('Sign in').click();
    await page.waitForURL((u) => u.pathname === '/console', { timeout: WAIT_MS });
    await visible(page.getByText('Plan: free'));
    await visible(page.getByText('No card on file.'));

    await fillCard('4242 4242 4242 4242', '737');
    const added = nextResponse(page, 'PUT', `/api/v1/orgs/${admin.organization.id}/billing/card`);
    await button('Add card').click();
    expect((await added).status()).toBe(200);
    await visible(page.getByTestId('card-on-file').getByText(/^Visa ending in 4242, expires/));
    await visible(page.getByText('Plan: paid'));
    expect(await field('Card number').inputValue()).toBe('');
    expect(await field('Security code (CVC)').inputValue()).toBe('');
    expect(await page.locator('body').innerText()).not.toContain('4242424242424242');

    await fillCard('4000000000000002', '737');
    await button('Replace card').click();
    await visible(page.getByRole('alert').getByText('The card was declined by the payment provider.'));
    await visible(page.getByTestId('card-on-file').getByText(/^Visa ending in 4242/));

    await button('Remove card').click();
    const dialog = page.getByRole('dialog');
    await (await visible(dialog.getByRole('button', { name: 'Remove card', exact: true }))).click();
    await visible(page.getByText('No card on file.'));
    await visible(page.getByText('Plan: paid'));
  });
});
