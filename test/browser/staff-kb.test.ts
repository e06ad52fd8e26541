/**
 * The staff pages of the knowledge base and the support settings in headless
 * Chromium (SUP-4, SUP-7): support staff write an article as a draft, which the
 * public search does not find, publish it from the editor, and then it does;
 * deleted after a confirmation, it is gone again. They keep the supported
 * system versions. An owner changes a plan and
 * priority's service-level targets and the table shows them; support staff see
 * the settings read-only.
 *
 * SQLite only: the API tests cover the knowledge base and the targets on PostgreSQL.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { staffMember } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();

/** A staff member of `role`, signed in through the sign-in page, on the staff home. */
async function staffPage(role: 'support' | 'owner'): Promise<Page> {
  const staff = await staffMember(suite.app, role, { name: `Kim ${role}` });
  const { page } = await pages.open(suite.browser, suite.app.url);
  await signInOnPage(page, staff.email, staff.password, staff.secret ? staff.code : undefined);
  await atPath(page, '/staff');
  return page;
}

/** The public search's result titles for `q`, as a signed-out visitor sees them. */
async function publicSearch(page: Page, q: string): Promise<string[]> {
  await page.goto(`/kb?q=${encodeURIComponent(q)}`);
  const results = page.getByTestId('kb-results');
  const none = page.getByText(/^No article/);
  await Promise.race([results.waitFor({ state: 'visible', timeout: WAIT_MS }), none.first().waitFor({ state: 'visible', timeout: WAIT_MS })]);
  return (await results.count()) > 0 ? results.getByRole('link').allTextContents() : [];
}

const TITLE = 'Binding kestrel printers over LDAPS';
const MARKDOWN = ['# Before you start', '', 'Kestrel printers bind with **simple bind** over `ldaps://directory.example.com`.', '', '- Use the bind DN of a service user.'].join('\n');

describe('the staff knowledge-base and support-settings pages', () => {
  it('SUP-7: support staff write a draft, publish it from the editor, the public search finds it, and a confirmed delete removes it; they keep the system versions', async () => {
    const page = await staffPage('support');
    await (await visible(page.getByRole('link', { name: 'Knowledge base', exact: true }))).click();
    await atPath(page, '/staff/kb');
    await (await visible(buttonOn(page, 'New article'))).click();
    await atPath(page, '/staff/kb/new');

    await (await visible(fieldOn(page, 'Title'))).fill(TITLE);
    await fieldOn(page, 'Tags (optional)').fill('printers, ldap');
    await fieldOn(page, 'Text (Markdown)').fill(MARKDOWN);
    await buttonOn(page, 'Preview').click();
    const preview = await visible(page.getByRole('region', { name: 'Preview' }));
    expect(await preview.locator('strong').first().textContent()).toBe('simple bind');
    await shoot(page, 'staff-kb-new');

    // A draft first: staff see it, the public does not.
    const created = nextResponse(page, 'POST', '/api/v1/staff/kb/articles');
    await buttonOn(page, 'Create article').click();
    expect((await created).status()).toBe(201);
    const slug = 'binding-kestrel-printers-over-ldaps';
    await atPath(page, `/staff/kb/articles/${slug}`);
    await visible(page.getByRole('status').getByText('Article created as a draft: only staff see it.'));
    await visible(page.getByText('Draft', { exact: true }));

    const visitor = await pages.open(suite.browser, suite.app.url);
    expect(await publicSearch(visitor.page, 'kestrel printers')).toEqual([]);

    // Published from the editor, it is found.
    await page.getByRole('checkbox', { name: 'Published' }).check();
    const updated = nextResponse(page, 'PUT', `/api/v1/staff/kb/articles/${slug}`);
    await buttonOn(page, 'Save changes').click();
    expect((await updated).status()).toBe(200);
    await visible(page.getByRole('status').getByText('Changes saved, published: anyone can read it now.'));
    await visible(page.getByRole('link', { name: 'See it as the public sees it' }));
    await shoot(page, 'staff-kb-edit');

    expect(await publicSearch(visitor.page, 'kestrel printers')).toEqual([TITLE]);
    await visitor.page.getByTestId('kb-results').getByRole('link', { name: TITLE }).click();
    await atPath(visitor.page, `/kb/articles/${slug}`);
    await visible(visitor.page.getByRole('heading', { level: 1, name: TITLE }));

    // The list shows it, published.
    await page.getByRole('link', { name: 'All articles' }).click();
    await atPath(page, '/staff/kb');
    const row = await visible(page.getByTestId('kb-articles').locator('tbody tr').filter({ hasText: TITLE }));
    await visible(row.getByText('Published', { exact: true }));
    await shoot(page, 'staff-kb-list');

    // Deleted after a confirmation, it leaves the list and the public search.
    await row.getByRole('link', { name: TITLE }).click();
    await atPath(page, `/staff/kb/articles/${slug}`);
    await (await visible(buttonOn(page, 'Delete…'))).click();
    const confirm = await visible(page.getByRole('dialog', { name: 'Delete this article?' }));
    const deleted = nextResponse(page, 'DELETE', `/api/v1/staff/kb/articles/${slug}`);
    await confirm.getByRole('button', { name: 'Delete article' }).click();
    expect((await deleted).status()).toBe(204);
    await atPath(page, '/staff/kb');
    await visible(page.getByRole('status').getByText(`“${TITLE}” is deleted.`));
    await visible(page.getByText('No article yet. Write the first one.'));
    expect(await publicSearch(visitor.page, 'kestrel printers')).toEqual([]);

    // The supported system versions: one added, with its last day of support.
    await page.getByRole('link', { name: 'Supported system versions' }).click();
    await atPath(page, '/staff/kb/versions');
    await (await visible(fieldOn(page, 'System'))).fill('Kestrel OS');
    await fieldOn(page, 'Version').fill('3.1');
    await fieldOn(page, 'Last day of support (optional)').fill('2020-06-30');
    const saved = nextResponse(page, 'PUT', '/api/v1/staff/kb/system-versions');
    await buttonOn(page, 'Save version').click();
    expect((await saved).status()).toBe(201);
    await visible(page.getByRole('status').getByText('Kestrel OS 3.1 is saved.'));
    const version = await visible(page.getByTestId('kb-versions').locator('tbody tr').filter({ hasText: 'Kestrel OS' }));
    expect(await version.getAttribute('data-end-of-life')).toBe('true');
    await shoot(page, 'staff-kb-versions');
  });

  it('SUP-4: an owner changes a plan and priority’s targets on the settings page and the table shows them; support staff see them read-only', async () => {
    const page = await staffPage('owner');
    await (await visible(page.getByRole('link', { name: 'Support desk', exact: true }))).click();
    await atPath(page, '/staff/support');
    await (await visible(page.getByRole('link', { name: 'Support settings' }))).click();
    await atPath(page, '/staff/support/settings');

    const row = await visible(page.getByTestId('targets-paid-normal'));
    expect(await row.locator('[data-field="firstResponseHours"]').textContent()).toBe('8 h');
    await row.getByRole('button', { name: 'Change the targets for paid, normal' }).click();
    const dialog = await visible(page.getByRole('dialog'));
    await visible(dialog.getByText(/recomputes the due times of every open ticket/));
    await fieldOn(page, 'First response (business hours)').fill('3');
    await fieldOn(page, 'Next response (business hours)').fill('5');
    await fieldOn(page, 'Resolution (business hours)').fill('30');
    const answer = nextResponse(page, 'PUT', '/api/v1/staff/support/targets/paid/normal');
    await buttonOn(page, 'Save targets').click();
    expect((await answer).status()).toBe(200);
    await page.getByRole('dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await visible(page.getByRole('status').getByText(/targets for paid, normal are saved/));
    await expect
      .poll(() => row.locator('[data-field]').allTextContents(), { timeout: WAIT_MS })
      .toEqual(['3 h', '5 h', '30 h']);
    await shoot(page, 'staff-support-settings');

    // Reloaded, the server's table says the same.
    await page.reload();
    const again = await visible(page.getByTestId('targets-paid-normal'));
    await expect.poll(() => again.locator('[data-field]').allTextContents(), { timeout: WAIT_MS }).toEqual(['3 h', '5 h', '30 h']);

    // Support staff read the targets, and are told that changing them is for owners.
    const support = await staffPage('support');
    await support.goto('/staff/support/settings');
    await visible(support.getByTestId('targets-paid-normal'));
    await visible(support.getByText(/Only staff with the owner role change these settings/));
    expect(await support.getByRole('button', { name: /^Change the targets/ }).count()).toBe(0);
  });
});
