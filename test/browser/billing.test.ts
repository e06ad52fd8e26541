/**
 * PRV-10, DIR-4: the card on file, from the console home in headless Chromium:
 * an admin on the free plan adds a test card, sees only its brand and last 4
 * digits, is moved to the paid plan, has a declined card refused in the form,
 * and removes the card.
 *
 * SQLite only: the API tests cover billing on PostgreSQL.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, browserSuite, buttonOn, fieldOn, nextResponse, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

const field = (label: string) => fieldOn(page, label);
const button = (name: string) => buttonOn(page, name);

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
    await atPath(page, '/console');
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
