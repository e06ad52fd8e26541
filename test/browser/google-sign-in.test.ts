/**
 * ACC-4, DSR-8 in headless Chromium: a person clicks "Sign in with Google" on the sign-in page,
 * signs in at a local OpenID provider standing in for Google, confirms on the completion page that
 * they are 16 or older (with the company name sign-up asks for), and lands signed in; their account
 * page shows the link. Next time, Google alone signs them in.
 *
 * SQLite only: the route tests cover both databases.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { atPath, browserSuite, buttonOn, fieldOn, nextResponse, shoot, visible, watchPages } from '../helpers/browser.ts';
import { uniqueEmail } from '../helpers/app.ts';
import { type GoogleOp, startGoogleOp } from '../helpers/google-op.ts';

const env: Record<string, string> = {};
let op: GoogleOp;
beforeAll(async () => {
  op = await startGoogleOp();
  Object.assign(env, op.env);
});
afterAll(async () => {
  await op?.close();
});

const suite = browserSuite(env);
const pages = watchPages();
let page: Page;

beforeAll(() => op.useCastellan(suite.app.url));
beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
  // The provider's development pages import a web font; nothing here may reach the Internet.
  await page.route(/^https:\/\/fonts\./, (route) => route.abort());
});

/** At the provider: its login form (any login: the person's `sub`), then its consent page. */
async function signInAtProvider(p: Page, sub: string) {
  await (await visible(p.locator('input[name="login"]'))).fill(sub);
  await p.locator('input[name="password"]').fill('any password');
  await p.getByRole('button', { name: 'Sign-in' }).click();
  await (await visible(p.getByRole('button', { name: 'Continue' }))).click();
}

describe('Sign in with Google in the browser', () => {
  it('ACC-4, DSR-8: "Sign in with Google", the provider\'s login, the age confirmation, and the person lands signed in; next time Google alone signs them in', async () => {
    const email = uniqueEmail('google-browser');
    const sub = `10${Date.now()}`;
    op.setUser(sub, { email, email_verified: true, given_name: 'Katherine', family_name: 'Johnson', picture: 'https://lh3.example/p.png', locale: 'en-US', hd: email.slice(email.lastIndexOf('@') + 1) });

    await page.goto('/sign-in');
    await (await visible(page.getByRole('link', { name: 'Sign in with Google' }))).click();
    await signInAtProvider(page, sub);

    await atPath(page, '/google/complete');
    await visible(page.getByText('Finish creating your account'));
    await visible(page.getByText(email));
    await visible(page.getByText(/may later take control of this account/));
    await (await visible(fieldOn(page, 'Company name'))).fill('Orbital Mechanics');
    // Without the age confirmation nothing is made.
    const refused = nextResponse(page, 'POST', '/api/v1/auth/google/signup');
    await buttonOn(page, 'Create account').click();
    expect((await refused).status()).toBe(422);
    await visible(page.getByText('You must confirm that you are 16 or older to create an account.'));
    await shoot(page, 'google-complete');

    await page.getByLabel('I am 16 or older').check();
    const created = nextResponse(page, 'POST', '/api/v1/auth/google/signup');
    await buttonOn(page, 'Create account').click();
    expect((await created).status()).toBe(201);
    await atPath(page, (p) => p !== '/google/complete' && p !== '/sign-in');
    const session = await page.request.get('/api/v1/session');
    expect(await session.json()).toMatchObject({ signedIn: true });

    // The account page shows the link.
    await page.goto('/account');
    const section = await visible(page.getByRole('region', { name: 'Sign in with Google' }));
    await visible(section.getByText(email));

    // Signed out, Google alone signs them in again.
    await page.context().clearCookies();
    await page.goto('/sign-in');
    await (await visible(page.getByRole('link', { name: 'Sign in with Google' }))).click();
    await signInAtProvider(page, sub);
    await atPath(page, (p) => p !== '/sign-in' && p !== '/google/complete' && !p.startsWith('/interaction'));
    expect(await (await page.request.get('/api/v1/session')).json()).toMatchObject({ signedIn: true });
  });
});
