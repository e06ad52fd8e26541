/**
 * The knowledge base's public pages in headless Chromium against a Castellan on
 * a real port (SUP-7): a visitor, signed out, searches, finds an article and
 * opens it, its Markdown rendered safely; drafts never appear; the supported
 * list marks versions past their end of life.
 *
 * SQLite only: the pages do not depend on the database, and the API tests cover
 * the knowledge base on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { systemContext } from '../../src/core/context.ts';
import type { Caller } from '../../src/core/caller.ts';
import { GOOD_PASSWORD, callerOfToken, signIn, uniqueEmail, OPERATOR } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, nextResponse, shoot, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();

async function supportStaff(): Promise<Caller> {
  const email = uniqueEmail('support');
  await suite.app.app.accounts.addStaff(systemContext(), OPERATOR, { email, role: 'support', password: GOOD_PASSWORD });
  return callerOfToken(suite.app, (await signIn(suite.app, email, GOOD_PASSWORD)).token);
}

const MARKDOWN = [
  '# Before you start',
  '',
  'Install **sssd** and point it at `ldaps://directory.example.com`.',
  '',
  '- Enumerate users with `getent passwd`.',
  '- Read [the supported list](/kb/supported) or [click me](javascript:alert(1)).',
  '',
  '<script>document.title = "pwned"</script>',
].join('\n');

describe('the knowledge base pages', () => {
  it('SUP-7: a visitor searches, finds the published article (never a draft), opens it rendered safely, and sees what is served and end-of-life versions marked', async () => {
    const staff = await supportStaff();
    const kb = suite.app.app.knowledgeBase;
    await kb.createArticle(systemContext(), staff, { title: 'Configuring SSSD over LDAPS', markdown: MARKDOWN, tags: ['ldap', 'linux'], published: true });
    await kb.createArticle(systemContext(), staff, { title: 'RADIUS for Wi-Fi', markdown: 'Networks sign people in with RADIUS.', published: true });
    await kb.createArticle(systemContext(), staff, { title: 'SSSD draft notes', markdown: 'Not ready: configuring sssd caches.', published: false });

    const { page } = await pages.open(suite.browser, suite.app.url);
    await page.goto('/kb');
    const search = await visible(page.getByLabel('Search the knowledge base'));
    await search.fill('configure "sssd*');
    const answer = nextResponse(page, 'GET', '/api/v1/kb/articles');
    await buttonOn(page, 'Search').click();
    expect((await answer).status()).toBe(200);
    await page.waitForURL((u) => u.pathname === '/kb' && u.searchParams.get('q') === 'configure "sssd*', { timeout: WAIT_MS });

    const results = await visible(page.getByTestId('kb-results'));
    const links = results.getByRole('link');
    await expect.poll(() => links.allTextContents(), { timeout: WAIT_MS }).toEqual(['Configuring SSSD over LDAPS']);
    await shoot(page, 'kb-search');

    await links.first().click();
    await atPath(page, '/kb/articles/configuring-sssd-over-ldaps');
    await visible(page.getByRole('heading', { level: 1, name: 'Configuring SSSD over LDAPS' }));
    expect(await page.locator('main strong').first().textContent()).toBe('sssd');
    expect(await page.locator('main code').allTextContents()).toContain('getent passwd');
    // The javascript: link is shown as text, not as a link; the script tag is text too, never run.
    expect(await page.getByRole('link', { name: 'click me' }).count()).toBe(0);
    await visible(page.getByText('<script>document.title = "pwned"</script>'));
    expect(await page.title()).not.toContain('pwned');
    await shoot(page, 'kb-article');

    // A draft's address is not found, like an address that never existed.
    await page.goto('/kb/articles/sssd-draft-notes');
    await visible(page.getByText('There is no such article.'));

    await page.goto('/kb');
    await (await visible(page.getByRole('link', { name: 'supported protocols and system versions' }))).click();
    await atPath(page, '/kb/supported');
    const versions = await visible(page.getByTestId('kb-system-versions'));
    const ubuntu1804 = versions.locator('tr', { hasText: '18.04' });
    await expect.poll(() => ubuntu1804.getAttribute('data-end-of-life'), { timeout: WAIT_MS }).toBe('true');
    expect(await ubuntu1804.textContent()).toContain('End of life');
    expect(await versions.locator('tr', { hasText: '24.04' }).getAttribute('data-end-of-life')).toBeNull();
    // Only what runs: the HTTP API, the inbound support mail, LDAP and RADIUS this server started; no protocol that does not exist yet.
    const served = page.getByTestId('kb-protocols').locator('tbody tr');
    expect(await served.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-protocol')))).toEqual(['http', 'smtp', 'ldap', 'radius']);
    expect(await page.getByTestId('kb-protocols').textContent()).not.toMatch(/OpenID|SCIM|SAML/);
    await shoot(page, 'kb-supported');
  });
});
