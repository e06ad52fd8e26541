/**
 * PRV-8 on a fresh install, in headless Chromium: the sign-in and sign-up pages link to a privacy
 * policy that exists from the first start, the starter policy in the operator's name, marked as a
 * template to review.
 *
 * SQLite only: the API tests cover the seeding on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { atPath, browserSuite, shoot, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite({ CASTELLAN_SITE_NAME: 'Harbor Directory', CASTELLAN_PRIVACY_ADDRESS: '1 Quay Street, Portsmouth, NH 03801' });
const pages = watchPages();

describe('the starter privacy policy', () => {
  it('PRV-8: the sign-in and sign-up pages link to the starter policy, in the operator\'s name and marked as a template to review', async () => {
    const { page } = await pages.open(suite.browser, suite.app.url);
    for (const start of ['/sign-in', '/sign-up']) {
      await page.goto(start);
      await (await visible(page.getByRole('link', { name: 'Privacy policy', exact: true }))).click();
      await atPath(page, '/privacy');
      await visible(page.getByRole('heading', { name: 'Harbor Directory privacy policy' }));
      await visible(page.getByText('Template to review.'));
      expect(await page.getByText(/no policy has been published/i).count()).toBe(0);
    }
    expect(await page.locator('main').innerText()).toContain('1 Quay Street, Portsmouth, NH 03801');
    await shoot(page, 'privacy-starter-policy');
  });
});
