/**
 * The consent banner and Global Privacy Control in Chromium (PRV-3, PRV-5):
 * the banner's choice persists across reloads and into the account made by
 * signing up in the same browser; a browser sending Sec-GPC ends opted out of
 * advertising even after opting in, and the page says the signal was honoured.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/app.ts';
import { WAIT_MS, browserSuite, newPage, nextFrames, nextResponse, shoot } from '../helpers/browser.ts';

const suite = browserSuite();

const latest = async (subjectId: string) =>
  suite.app.app.db.selectFrom('consent_events').select(['purpose', 'granted', 'source']).where('subject_id', '=', subjectId).orderBy('seq').execute();

describe('privacy in the browser', () => {
  it('PRV-3: the banner offers accept and refuse alike; the choice persists across reloads and into the account after sign-up', async () => {
    const { context, page, problems } = await newPage(suite.browser, suite.app.url);
    try {
      await page.goto('/sign-up');
      const banner = page.getByTestId('consent-banner');
      await banner.waitFor({ timeout: WAIT_MS });
      const accept = banner.getByRole('button', { name: 'Accept' });
      const refuse = banner.getByRole('button', { name: 'Refuse' });
      // Equal weight: the same size and the same look.
      const [a, r] = [await accept.boundingBox(), await refuse.boundingBox()];
      expect(a && r && Math.abs(a.width - r.width) < 2 && Math.abs(a.height - r.height) < 2).toBe(true);
      expect(await accept.getAttribute('class')).toBe(await refuse.getAttribute('class'));
      await expect.poll(() => banner.getByRole('link', { name: /purpose by purpose/ }).isVisible()).toBe(true);
      await shoot(page, 'privacy-banner');

      await refuse.click();
      await expect.poll(() => banner.isVisible(), { timeout: WAIT_MS }).toBe(false);
      // The banner shows (or not) once the page has read the consent state: wait for that read.
      const stateRead = nextResponse(page, 'GET', '/api/v1/consent');
      await page.reload();
      expect((await stateRead).status()).toBe(200);
      await page.getByRole('button', { name: 'Create account' }).waitFor({ timeout: WAIT_MS });
      await nextFrames(page);
      expect(await page.getByTestId('consent-banner').isVisible()).toBe(false);

      await page.goto('/privacy/choices');
      const analytics = page.getByRole('switch', { name: 'Site analytics' });
      await analytics.waitFor({ timeout: WAIT_MS });
      expect(await analytics.isChecked()).toBe(false);
      await shoot(page, 'privacy-choices');

      // Sign up in the same browser: the banner's refusal is the new account's.
      const email = uniqueEmail('banner');
      await page.goto('/sign-up');
      await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      await page.getByLabel('Company name').fill('Analytical Engines Ltd');
      await page.getByLabel('I am 16 or older').check();
      await page.getByLabel('Personalize my experience').uncheck();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor({ timeout: WAIT_MS });
      const user = await suite.app.app.db.selectFrom('accounts').select('id').where('email_normalized', '=', email).executeTakeFirstOrThrow();
      const events = await latest(user.id);
      expect(events).toEqual(
        expect.arrayContaining([
          { purpose: 'analytics', granted: 0, source: 'banner' },
          { purpose: 'advertising', granted: 0, source: 'banner' },
          { purpose: 'personalization', granted: 0, source: 'banner' },
        ]),
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('PRV-5: a browser sending Sec-GPC ends opted out of advertising even after an earlier opt-in, and is told so', async () => {
    const first = await newPage(suite.browser, suite.app.url);
    const { page } = first;
    await page.goto('/sign-in');
    const banner = page.getByTestId('consent-banner');
    await banner.waitFor({ timeout: WAIT_MS });
    await banner.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => banner.isVisible(), { timeout: WAIT_MS }).toBe(false);
    const visitor = (await first.context.cookies()).find((c) => c.name === 'castellan_visitor')?.value as string;
    expect(visitor).toMatch(/^vis_/);
    expect((await latest(visitor)).find((e) => e.purpose === 'advertising')).toMatchObject({ granted: 1, source: 'banner' });
    const storageState = await first.context.storageState();
    await first.context.close();

    // The same browser, now with Global Privacy Control turned on.
    const context = await suite.browser.newContext({ baseURL: suite.app.url, storageState, extraHTTPHeaders: { 'Sec-GPC': '1' } });
    try {
      const gpcPage = await context.newPage();
      await gpcPage.goto('/privacy/choices');
      const advertising = gpcPage.getByRole('switch', { name: 'Advertising' });
      await advertising.waitFor({ timeout: WAIT_MS });
      expect(await advertising.isChecked()).toBe(false);
      expect(await gpcPage.getByRole('switch', { name: 'Sharing with partners' }).isChecked()).toBe(false);
      // It asks for nothing more: analytics stays as chosen.
      expect(await gpcPage.getByRole('switch', { name: 'Site analytics' }).isChecked()).toBe(true);
      await expect.poll(() => gpcPage.getByText('Opt-Out Preference Signal Honored').first().isVisible(), { timeout: WAIT_MS }).toBe(true);
      await shoot(gpcPage, 'privacy-gpc');
      const events = await latest(visitor);
      expect(events.filter((e) => e.source === 'gpc').map((e) => [e.purpose, e.granted]).sort()).toEqual([
        ['advertising', 0],
        ['partner_sharing', 0],
      ]);
    } finally {
      await context.close();
    }
  });
});
