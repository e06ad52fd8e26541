/**
 * DSR-6 in headless Chromium: an organization's admin finds "Delete organization" in the console's
 * organization settings, is refused without the exact name or with a wrong password, schedules
 * the deletion (every member is mailed the date), sees the date, and cancels it.
 *
 * SQLite only: the API tests cover the deletion itself, on both databases.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, acceptedMember, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, descriptionOf, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

const region = (name: string) => page.getByRole('region', { name });

describe('deleting an organization from the console', () => {
  it('DSR-6: the admin types the name and the password; the scheduled date shows with a Cancel button; cancelling tells every member', async () => {
    const admin = await verifiedUser(suite.app, { email: uniqueEmail('deleter'), companyName: 'Orbital Paperclips' });
    const member = await acceptedMember(suite.app, admin, { name: 'Mira Member' });
    await signInOnPage(page, admin.body.email, GOOD_PASSWORD);
    await page.goto('/console');
    await atPath(page, '/console');
    const section = region('Delete organization');
    await visible(section.getByText('nothing happens for 7 days', { exact: false }));
    const nameField = fieldOn(section, "Type the organization's name, Orbital Paperclips, to confirm");
    const submit = section.getByRole('button', { name: 'Delete organization', exact: true });

    // Not the exact name: the button stays off.
    await (await visible(nameField)).fill('orbital paperclips');
    await fieldOn(section, 'Your password').fill(GOOD_PASSWORD);
    await expect.poll(() => submit.isDisabled(), { timeout: WAIT_MS }).toBe(true);

    // The exact name with a wrong password: refused, nothing scheduled.
    await nameField.fill('Orbital Paperclips');
    await fieldOn(section, 'Your password').fill('not-my-password-at-all');
    const refused = nextResponse(page, 'POST', `/api/v1/orgs/${admin.organization.id}/deletion`);
    await submit.click();
    expect((await refused).status()).toBe(403);
    await expect.poll(() => descriptionOf(page, fieldOn(section, 'Your password')), { timeout: WAIT_MS }).not.toBe('');

    await fieldOn(section, 'Your password').fill(GOOD_PASSWORD);
    const asked = nextResponse(page, 'POST', `/api/v1/orgs/${admin.organization.id}/deletion`);
    await submit.click();
    expect((await asked).status()).toBe(202);
    await visible(section.getByText('Deletion scheduled', { exact: true }));
    await visible(section.getByText('The organization will be deleted on', { exact: false }));
    await shoot(page, 'org-deletion-scheduled');
    const notice = await suite.app.smtp.waitFor((m) => m.to === member.email.toLowerCase() && m.subject.includes('scheduled for deletion'));
    expect(notice.text).toContain('“Orbital Paperclips”');

    // Still scheduled after a reload; then cancelled.
    await page.reload();
    const cancel = await visible(region('Delete organization').getByRole('button', { name: 'Cancel the deletion', exact: true }));
    const cancelled = nextResponse(page, 'DELETE', `/api/v1/orgs/${admin.organization.id}/deletion`);
    await cancel.click();
    expect((await cancelled).status()).toBe(204);
    await visible(region('Delete organization').getByRole('status').filter({ hasText: 'The deletion is cancelled' }));
    await visible(fieldOn(region('Delete organization'), "Type the organization's name, Orbital Paperclips, to confirm"));
    await suite.app.smtp.waitFor((m) => m.to === member.email.toLowerCase() && m.subject.includes('was cancelled'));
    expect(await buttonOn(page, 'Cancel the deletion').count()).toBe(0);
  });
});
