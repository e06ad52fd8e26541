/**
 * GOV-1, GOV-5, PRV-9 in headless Chromium: an admin opens the console's "Integrations" page from
 * the navigation, reads in the catalogue what personal data a webhook receives, installs one aimed
 * at a receiver on 127.0.0.1 (the operator allows private targets here), sees its signing secret
 * once, sees a directory change delivered (signed) in the delivery log, and uninstalls it after a
 * confirmation: later changes are no longer delivered.
 *
 * SQLite only: the API tests cover the routes on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';
import { type WebhookReceiver, startWebhookReceiver, verifySignature } from '../helpers/webhook-receiver.ts';

const suite = browserSuite({ CASTELLAN_WEBHOOK_ALLOW_PRIVATE: 'true' });
const pages = watchPages();
let rx: WebhookReceiver;
beforeAll(async () => {
  rx = await startWebhookReceiver();
});
afterAll(() => rx?.close());

describe("the console's integrations page", () => {
  it('GOV-5, PRV-9: an admin installs a webhook (its data categories shown, its secret once), sees a delivery, and uninstalls it', async () => {
    const t = suite.app;
    const { page } = await pages.open(suite.browser, t.url);
    const admin = await verifiedUser(t, { email: uniqueEmail('admin'), companyName: 'Hooked Co' });
    const orgId = admin.organization.id as string;
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');

    await (await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Integrations', exact: true }))).click();
    await atPath(page, '/console/integrations');
    await visible(page.getByRole('heading', { name: 'Integrations', exact: true, level: 1 }));
    await visible(page.getByText('No integration yet.'));

    // The catalogue says what each kind receives, in the disclosure ledger's words.
    const webhook = page.getByTestId('catalogue-webhook');
    await visible(webhook.getByText('Outgoing webhook'));
    const categories = await (await visible(page.getByTestId('catalogue-webhook-categories'))).innerText();
    expect(categories).toContain('Identifiers');
    expect(categories).toContain('Account records');
    await visible(page.getByTestId('catalogue-oauth-app-categories').getByText(/Contact details/));

    // Installing: the recipient and its postal address, the endpoint; the secret is shown once.
    const form = page.getByRole('form', { name: 'Install an integration' });
    await (await visible(fieldOn(form, 'Name'))).fill('Audit sink');
    await fieldOn(form, 'Recipient').fill('Acme Hooks Inc.');
    await fieldOn(form, 'Recipient’s postal address').fill('1 Harbour Way, Portsmouth');
    await fieldOn(form, 'Endpoint URL').fill(rx.url);
    const made = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/integrations`);
    await form.getByRole('button', { name: 'Install', exact: true }).click();
    const answer = await made;
    expect(answer.status()).toBe(201);
    const installed = await bodyOf(answer);
    const shown = await visible(page.getByTestId('integration-secret'));
    expect(await shown.getByTestId('signing-secret-value').innerText()).toBe(installed.signingSecret);
    const listed = page.getByTestId('integrations');
    await visible(listed.getByText('Audit sink'));
    await visible(listed.getByText(/to Acme Hooks Inc\., 1 Harbour Way, Portsmouth/));
    await shoot(page, 'console-integrations');
    const ledger = await t.app.db.selectFrom('disclosures').selectAll().where('reference', '=', installed.id).execute();
    expect(ledger).toMatchObject([{ recipient_kind: 'integration', recipient_name: 'Acme Hooks Inc.', recipient_address: '1 Harbour Way, Portsmouth' }]);

    // A directory change is delivered, signed, and shows in the delivery log.
    const group = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/groups`, headers: admin.auth, payload: { name: 'engineers' } });
    expect(group.statusCode).toBe(201);
    await rx.waitFor(1);
    expect(verifySignature(installed.signingSecret, rx.received[0]?.headers['castellan-signature'], rx.received[0]?.body ?? '')).toBe(true);
    for (let i = 0; i < 100; i++) {
      const log = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}/integrations/${installed.id}/deliveries`, headers: admin.auth });
      if (log.json().items[0]?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await buttonOn(page, 'I have stored it').click();
    await page.reload();
    await listed.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = await visible(page.getByTestId('deliveries'));
    await visible(deliveries.getByText('group.created'));
    await visible(deliveries.getByText('delivered'));
    expect(await page.locator('body').innerText()).not.toContain(installed.signingSecret);

    // Uninstalled after a confirmation: nothing more is delivered.
    await listed.getByRole('button', { name: 'Uninstall' }).click();
    const removed = nextResponse(page, 'DELETE', `/api/v1/orgs/${orgId}/integrations/${installed.id}`);
    await (await visible(page.getByRole('dialog').getByRole('button', { name: 'Uninstall' }))).click();
    expect((await removed).status()).toBe(200);
    await visible(listed.getByText('uninstalled'));
    expect(await listed.getByRole('button', { name: 'Uninstall' }).count()).toBe(0);
    await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/groups`, headers: admin.auth, payload: { name: 'designers' } });
    await t.app.jobRunner.drain();
    expect(rx.received).toHaveLength(1);
  });
});
