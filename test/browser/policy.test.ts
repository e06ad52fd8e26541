/**
 * The privacy policy's pages in headless Chromium against a Castellan on a real
 * port, its mail read from a real SMTP sink (PRV-8): privacy staff publish a
 * material change from the staff pages; it is emailed to an existing user and
 * announced on the sign-in page; the user sees the notice on the console home
 * until they acknowledge it; the public pages show the policy in effect, the
 * archive with its dates, each version, and the diff, with the policy's
 * Markdown rendered safely.
 *
 * SQLite only: the pages do not depend on the database, and the API tests cover
 * the policies on PostgreSQL.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser, staffMember } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, fieldOn, latestMail, nextResponse, shoot, signInOnPage, visible, type Watched, watchPages } from '../helpers/browser.ts';

// Staff publish version 1 themselves here: the install starts without the starter policy.
const suite = browserSuite({}, undefined, { starterPolicy: false });
const pages = watchPages();

let page: Page;
beforeEach(async () => {
  page = (await fresh()).page;
});

/** Another browser, with its own cookies, watched for page errors like the first. */
function fresh(): Promise<Watched> {
  return pages.open(suite.browser, suite.app.url);
}

async function signIn(p: Page, email: string, password: string) {
  await p.goto('/sign-in');
  await (await visible(fieldOn(p, 'Email'))).fill(email);
  await fieldOn(p, 'Password').fill(password);
  const answer = nextResponse(p, 'POST', '/api/v1/sessions');
  await buttonOn(p, 'Sign in').click();
  expect((await answer).status()).toBe(201);
}

const V1 = '# Privacy policy\n\nWe keep your name and email.\n\nWe never sell your data.\n';
const V2 = [
  '# Privacy policy',
  '',
  'We keep your name, email and **phone number**.',
  '',
  'We never sell your data.',
  '',
  '## Partners',
  '',
  '- We share usage data with partners *you allow*.',
  '- Read [the archive](/privacy/archive) or [click me](javascript:alert(1)).',
  '',
  '<script>document.title = "pwned"</script>',
].join('\n');
const SUMMARY = 'We now share usage data with partners you allow.';

describe('the privacy policy pages', () => {
  it('PRV-8: staff publish a material change; it is emailed, announced at sign-in, shown on the console home until acknowledged, and every version and the diff are public', async () => {
    const admin = await verifiedUser(suite.app, { email: uniqueEmail('admin') });
    const staff = await staffMember(suite.app, 'privacy');
    const token = staff.token;
    const v1 = await suite.app.app.http.inject({
      method: 'POST',
      url: '/api/v1/staff/privacy/policies',
      headers: { authorization: `Bearer ${token}` },
      payload: { title: 'Privacy policy', markdown: V1, material: false },
    });
    expect(v1.statusCode, v1.body).toBe(201);

    // Privacy staff: the staff home links to the policy page; the form previews the Markdown safely.
    await signInOnPage(page, staff.email, staff.password, staff.code);
    await atPath(page, '/staff');
    await (await visible(page.getByRole('link', { name: 'Privacy policy versions', exact: true }))).click();
    await atPath(page, '/staff/privacy/policies');
    await visible(page.getByRole('heading', { name: 'Privacy policy', exact: true }));
    await (await visible(fieldOn(page, 'Title'))).fill('Partners');
    await fieldOn(page, 'Text (Markdown)').fill(V2);
    await page.getByLabel('Material change').check();
    await (await visible(fieldOn(page, 'Summary of the change'))).fill(SUMMARY);
    await buttonOn(page, 'Preview').click();
    const preview = page.getByLabel('Preview');
    await visible(preview.getByRole('heading', { name: 'Partners', exact: true }));
    await visible(preview.getByText('click me'));
    expect(await preview.getByRole('link', { name: 'click me' }).count()).toBe(0);
    await shoot(page, 'staff-policy-publish');

    await buttonOn(page, 'Publish…').click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByText(/emailed to every user/));
    const published = nextResponse(page, 'POST', '/api/v1/staff/privacy/policies');
    await dialog.getByRole('button', { name: 'Publish and email everyone', exact: true }).click();
    expect((await published).status()).toBe(201);
    await visible(page.getByRole('status').filter({ hasText: 'Version 2 is published and in effect now' }));

    const mail = await latestMail(suite.app.smtp, admin.body.email, 'privacy policy');
    expect(mail.text).toContain(`${suite.app.url}/privacy/diff?from=1&to=2`);

    // Anyone on the sign-in page sees the announcement, and can read what changed.
    const visitor = (await fresh()).page;
    await visitor.goto('/sign-in');
    const announcement = await visible(visitor.getByTestId('policy-announcement'));
    expect(await announcement.innerText()).toContain(SUMMARY);
    await shoot(visitor, 'sign-in-policy-announcement');
    await announcement.getByRole('link', { name: 'What changed', exact: true }).click();
    await atPath(visitor, '/privacy/diff');
    const diff = visitor.getByTestId('policy-diff');
    await visible(diff.locator('ins').filter({ hasText: 'We keep your name, email and **phone number**.' }));
    await visible(diff.locator('del').filter({ hasText: 'We keep your name and email.' }));
    await shoot(visitor, 'privacy-diff');

    // The archive lists both versions with their dates; each version is readable.
    await visitor.goto('/privacy/archive');
    const archive = await visible(visitor.getByTestId('policy-archive'));
    await expect.poll(() => archive.locator('tbody tr').count(), { timeout: WAIT_MS }).toBe(2);
    expect(await archive.locator('tbody tr').first().innerText()).toMatch(/Version 2[\s\S]*Partners[\s\S]*In effect[\s\S]*Material change/i);
    expect(await archive.locator('tbody tr').nth(1).innerText()).toMatch(/Version 1[\s\S]*Superseded/i);
    await shoot(visitor, 'privacy-archive');
    await archive.getByRole('link', { name: 'Version 1', exact: true }).click();
    await atPath(visitor, '/privacy/v/1');
    await visible(visitor.getByText('We keep your name and email.'));

    // The policy in effect: Markdown as elements, links only where safe, HTML as text.
    await visitor.goto('/privacy');
    await visible(visitor.getByRole('heading', { name: 'Partners', level: 1 }));
    await visible(visitor.getByRole('strong').filter({ hasText: 'phone number' }));
    await visible(visitor.getByRole('link', { name: 'the archive', exact: true }));
    expect(await visitor.getByRole('link', { name: 'click me' }).count()).toBe(0);
    await visible(visitor.getByText('<script>document.title = "pwned"</script>'));
    expect(await visitor.title()).not.toContain('pwned');
    await shoot(visitor, 'privacy-policy');

    // The admin, who joined before the change, sees the notice on the console home until acknowledging it.
    const adminPage = (await fresh()).page;
    await signIn(adminPage, admin.body.email, admin.body.password);
    await atPath(adminPage, '/console');
    const notice = await visible(adminPage.getByTestId('policy-notice'));
    expect(await notice.innerText()).toContain(SUMMARY);
    await shoot(adminPage, 'console-policy-notice');
    const ack = nextResponse(adminPage, 'POST', '/api/v1/privacy/notice/acknowledge');
    await notice.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    expect((await ack).status()).toBe(200);
    await visible(adminPage.getByRole('status').filter({ hasText: 'acknowledgement of the privacy policy is recorded' }));
    expect(await adminPage.getByTestId('policy-notice').count()).toBe(0);
    const again = nextResponse(adminPage, 'GET', '/api/v1/privacy/notice');
    await adminPage.reload();
    expect((await (await again).json()).notice).toBeNull();
    await visible(adminPage.getByRole('heading', { level: 1 }));
    expect(await adminPage.getByTestId('policy-notice').count()).toBe(0);
  });
});
