/**
 * GOV-4 in headless Chromium: a person whose account an organization administers asks for a new
 * address on their account page and sees it pending that organization's approval, withdraws it,
 * asks again; an admin opens the console's "Email changes" page from the navigation, denies one
 * request with a reason and approves the next, after which the usual link goes to the new address.
 *
 * SQLite only: the API tests cover the routes on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, acceptedMember, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();

describe('email changes an organization approves', () => {
  it('GOV-4: the account page shows the change pending approval (and cancels it); the console denies one with a reason and approves another', async () => {
    const t = suite.app;
    const admin = await verifiedUser(t, { email: uniqueEmail('admin'), companyName: 'Governed Co' });
    const orgId = admin.organization.id as string;
    const member = await acceptedMember(t, admin, { name: 'Mira Member' });
    const accountId = (await t.app.accounts.factsByEmail(t.app.db, member.email))?.id as string;
    await t.app.db.insertInto('account_controls').values({ account_id: accountId, org_id: orgId, domain_id: null, asserted_by: null, asserted_at: t.clock.now().toISOString() }).execute();

    const pendingId = async () =>
      (await t.app.db.selectFrom('email_change_requests').select('id').where('account_id', '=', accountId).where('state', '=', 'pending').executeTakeFirstOrThrow()).id;

    // The person asks on their account page: it waits for the organization, and says so.
    const { page } = await pages.open(suite.browser, t.url);
    await signInOnPage(page, member.email, GOOD_PASSWORD);
    await page.goto('/account');
    const section = page.getByRole('region', { name: 'Email address' });
    const ask = async (next: string) => {
      await (await visible(fieldOn(section, 'New email address'))).fill(next);
      await fieldOn(section, 'Your password').fill(GOOD_PASSWORD);
      const asked = nextResponse(page, 'POST', '/api/v1/me/email');
      await buttonOn(page, 'Change email address').click();
      const answer = await asked;
      expect(answer.status()).toBe(202);
      expect((await bodyOf(answer)).state).toBe('pending_approval');
      const pending = await visible(section.getByTestId('email-change-approval'));
      expect(await pending.innerText()).toContain('pending approval by Governed Co');
    };
    await ask(uniqueEmail('first'));
    await shoot(page, 'account-email-change-pending-approval');
    const cancelled = nextResponse(page, 'DELETE', '/api/v1/me/email-change-request');
    await section.getByRole('button', { name: 'Cancel the request' }).click();
    expect((await cancelled).status()).toBe(204);
    await visible(section.getByRole('status').getByText('Your request was withdrawn'));

    const denied = uniqueEmail('denied');
    await ask(denied);

    // The admin denies it from the adminPage, with a reason the person is told.
    const admins = await pages.open(suite.browser, t.url);
    const adminPage = admins.page;
    await signInOnPage(adminPage, admin.body.email, admin.body.password);
    await atPath(adminPage, '/console');
    await (await visible(adminPage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Email changes', exact: true }))).click();
    await atPath(adminPage, '/console/email-change-requests');
    await visible(adminPage.getByRole('heading', { name: 'Email changes', exact: true, level: 1 }));
    const list = adminPage.getByTestId('email-change-requests');
    const row = await visible(list.getByTestId('email-change-request').filter({ hasText: denied }));
    expect(await row.innerText()).toContain('Mira Member');
    await shoot(adminPage, 'console-email-change-requests');
    await row.getByRole('button', { name: 'Deny' }).click();
    const dialog = adminPage.getByRole('dialog');
    await (await visible(fieldOn(dialog, 'Reason (optional)'))).fill('Keep your work address, please.');
    const deny = nextResponse(adminPage, 'POST', `/api/v1/orgs/${orgId}/email-change-requests/${await pendingId()}/deny`);
    await dialog.getByRole('button', { name: 'Deny the change' }).click();
    expect((await bodyOf(await deny)).state).toBe('denied');
    await visible(adminPage.getByRole('status').getByText(/Denied: Mira Member keeps/));
    await visible(adminPage.getByText('No email change is waiting for a decision.'));
    const told = await t.smtp.waitFor((m) => m.to === member.email && m.subject === 'Your email change was denied');
    expect(told.text).toContain('Keep your work address, please.');

    // Asked again, and approved: the usual link goes to the new address; the address changes only when it is opened.
    await page.reload();
    const approved = uniqueEmail('approved');
    await ask(approved);
    await adminPage.reload();
    const next = await visible(list.getByTestId('email-change-request').filter({ hasText: approved }));
    const approving = nextResponse(adminPage, 'POST', `/api/v1/orgs/${orgId}/email-change-requests/${await pendingId()}/approve`);
    await next.getByRole('button', { name: 'Approve' }).click();
    expect((await approving).status()).toBe(200);
    await visible(adminPage.getByRole('status').getByText(`Approved: a link went to ${approved}`));
    await t.smtp.waitFor((m) => m.to === approved && m.subject === 'Confirm your new email address');
    await adminPage.getByLabel('Show').selectOption({ label: 'Approved (link sent)' });
    await visible(list.getByTestId('email-change-request').filter({ hasText: approved }));
    await page.reload();
    await visible(section.getByText('New email address'));
    expect(await section.getByTestId('email-change-approval').count()).toBe(0);
  });
});
