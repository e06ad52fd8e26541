/**
 * ACC-5, ACC-7, SEC-1 in headless Chromium: security changes on the account page ask for the
 * password (and the code, once TOTP is on), never the session alone: new recovery codes from the
 * page, a new email address confirmed from its link, and owner staff without MFA told why their
 * tools are closed until they turn it on.
 *
 * SQLite only: the API tests cover step-up on PostgreSQL.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, staffMember, totpCode, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, descriptionOf, fieldOn, nextResponse, shoot, signInOnPage, tokenFrom, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

const region = (name: string) => page.getByRole('region', { name });

describe('step-up on the account page', () => {
  it('ACC-5: with TOTP on, new recovery codes need the password and a code; the old codes stop working', async () => {
    const u = await verifiedUser(suite.app, { name: 'Rita Recovery' });
    await signInOnPage(page, u.body.email, GOOD_PASSWORD);
    await page.goto('/account');
    const twoFactor = region('Two-factor authentication');
    await (await visible(fieldOn(twoFactor, 'Your password'))).fill(GOOD_PASSWORD);
    await buttonOn(page, 'Set up two-factor authentication').click();
    const secret = (await (await visible(page.getByTestId('totp-secret'))).innerText()).replace(/\s+/g, '');
    await fieldOn(page, 'Code from your app').fill(totpCode(secret, suite.app.clock));
    await buttonOn(page, 'Turn on').click();
    const first = (await (await visible(page.getByTestId('recovery-codes'))).locator('li').allInnerTexts()).map((c) => c.trim());
    await buttonOn(page, 'I have stored them').click();
    await visible(page.getByTestId('recovery-codes-left').filter({ hasText: '10' }));

    // The password alone is not enough once TOTP is on.
    await fieldOn(twoFactor, 'Your password').first().fill(GOOD_PASSWORD);
    const refused = nextResponse(page, 'POST', '/api/v1/me/mfa/recovery-codes');
    await buttonOn(page, 'Get new recovery codes').click();
    expect((await refused).status()).toBe(403);
    const codeField = fieldOn(twoFactor, 'Code from your authenticator app').first();
    await expect.poll(() => descriptionOf(page, codeField), { timeout: WAIT_MS }).toContain('Enter the code from your authenticator app');
    await fieldOn(twoFactor, 'Your password').first().fill(GOOD_PASSWORD);
    await codeField.fill(first[0] as string);
    const regenerated = nextResponse(page, 'POST', '/api/v1/me/mfa/recovery-codes');
    await buttonOn(page, 'Get new recovery codes').click();
    expect((await regenerated).status()).toBe(200);
    const fresh = (await (await visible(page.getByTestId('recovery-codes'))).locator('li').allInnerTexts()).map((c) => c.trim());
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => first.includes(c))).toBe(false);
    await shoot(page, 'account-new-recovery-codes');
    // An old code no longer signs in.
    const old = await suite.app.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: u.body.email, password: GOOD_PASSWORD, totp: first[1] } });
    expect(old.statusCode).toBe(401);
  });

  it('ACC-7: a new email address takes effect from the link sent to it; the old address is told', async () => {
    const u = await verifiedUser(suite.app, { name: 'Evan Email' });
    const next = uniqueEmail('moved');
    await signInOnPage(page, u.body.email, GOOD_PASSWORD);
    await page.goto('/account');
    const section = region('Email address');
    await (await visible(fieldOn(section, 'New email address'))).fill(next);
    await fieldOn(section, 'Your password').fill(GOOD_PASSWORD);
    const asked = nextResponse(page, 'POST', '/api/v1/me/email');
    await buttonOn(page, 'Change email address').click();
    expect((await asked).status()).toBe(202);
    await visible(page.getByRole('status').filter({ hasText: `We sent a link to ${next}` }));
    await shoot(page, 'account-email-change-sent');
    await suite.app.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'A change of your email address was requested');

    const link = await suite.app.smtp.waitFor((m) => m.to === next && m.subject === 'Confirm your new email address');
    await page.goto(`/change-email?token=${tokenFrom(link.text, '/change-email')}`);
    await visible(page.getByRole('heading', { name: 'Email address changed', exact: true }));
    await shoot(page, 'email-changed');
    await page.goto('/account');
    await visible(region('Email address').getByText(`Your account's address is ${next}`, { exact: false }));
  });

  it('SEC-1: an owner without MFA is told the staff tools open once it is on', async () => {
    const owner = await staffMember(suite.app, 'owner', { mfa: false, name: 'Olga Owner' });
    await signInOnPage(page, owner.email, owner.password);
    await atPath(page, '/staff');
    await visible(page.getByTestId('staff-mfa-notice'));
    await shoot(page, 'staff-mfa-required');
  });
});
