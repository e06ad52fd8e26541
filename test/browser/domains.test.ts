/**
 * GOV-2, GOV-3 in headless Chromium: an admin opens the console's "Domains" page from the
 * navigation, adds a domain (its name normalised), sees the TXT record to publish, verifies it
 * against a DNS server on loopback (first without the record, then with it), sees the accounts on
 * the domain, and takes control of the one chosen; that person sees the notice on their account
 * page and marks it read.
 *
 * SQLite only: the API tests cover the routes on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';
import { type TestDns, startTestDns } from '../helpers/dns.ts';
import { controllerOf } from '../../src/modules/governance/index.ts';

// The DNS server starts first: the app reads its address from the environment when it starts.
const env: Record<string, string> = {};
let dns: TestDns;
beforeAll(async () => {
  dns = await startTestDns();
  env.CASTELLAN_DNS_SERVERS = dns.server;
});
afterAll(() => dns?.close());
const suite = browserSuite(env);
const pages = watchPages();

describe("the console's domains page", () => {
  it('GOV-2, GOV-3: an admin verifies a domain by its TXT record, previews its accounts and takes control of one, who sees the notice and marks it read', async () => {
    const t = suite.app;
    const domain = `owners-${Date.now().toString(36)}.example`;
    const admin = await verifiedUser(t, { companyName: 'Domain Owners Co' });
    const orgId = admin.organization.id as string;
    const bob = await verifiedUser(t, { email: `bob@${domain}`, name: 'Bob Person' });
    const carol = await verifiedUser(t, { email: `carol@${domain}`, name: 'Carol Person' });
    const { page } = await pages.open(suite.browser, t.url);
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');

    await (await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Domains', exact: true }))).click();
    await atPath(page, '/console/domains');
    await visible(page.getByRole('heading', { name: 'Domains', exact: true, level: 1 }));
    await visible(page.getByText('No domain yet.'));

    // Added as typed (upper case, trailing dot), kept normalised, with the record to publish.
    const form = page.getByRole('form', { name: 'Add a domain' });
    await (await visible(fieldOn(form, 'Domain'))).fill(`${domain.toUpperCase()}.`);
    const added = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/domains`);
    await buttonOn(page, 'Add domain').click();
    const answer = await added;
    expect(answer.status()).toBe(201);
    const created = await bodyOf(answer);
    expect(created.name).toBe(domain);
    const card = page.getByTestId('domain');
    await visible(card.getByText(domain, { exact: true }));
    expect(await card.getByTestId('domain-status').innerText()).toMatch(/not verified/i);
    expect(await card.getByTestId('txt-value').innerText()).toBe(created.txtRecord.value);

    // A public mail domain is refused with the reason.
    await fieldOn(form, 'Domain').fill('gmail.com');
    await buttonOn(page, 'Add domain').click();
    await visible(form.getByText(/public mail domain/i));

    // Verify without the record: still pending, and why.
    await card.getByRole('button', { name: 'Verify' }).click();
    await visible(card.getByText('No castellan-verification record was found at the name.', { exact: false }));
    // Published: verified.
    dns.setTxt(domain, created.txtRecord.value as string);
    await card.getByRole('button', { name: 'Verify' }).click();
    await visible(card.getByTestId('domain-status').getByText('Verified'));
    await shoot(page, 'console-domains');

    // The preview lists both accounts; Bob alone is chosen and claimed after a confirmation.
    const preview = page.getByTestId('claim-preview');
    await visible(preview.getByText(`bob@${domain}`));
    await visible(preview.getByText(`carol@${domain}`));
    await preview.getByRole('checkbox', { name: `Take control of carol@${domain}` }).uncheck();
    await preview.getByRole('button', { name: 'Take control of 1 account' }).click();
    const claimed = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/domains/${created.id}/claim`);
    await (await visible(page.getByRole('dialog').getByRole('button', { name: 'Take control' }))).click();
    expect(await bodyOf(await claimed)).toEqual({ claimed: [bob.accountId], count: 1 });
    await visible(preview.getByRole('status').getByText(/now administers 1 account/));
    await visible(preview.getByText(`carol@${domain}`));
    expect(await preview.getByText(`bob@${domain}`).count()).toBe(0);
    expect(await controllerOf(t.app.db, bob.accountId)).toEqual({ orgId });
    expect(await controllerOf(t.app.db, carol.accountId)).toBeNull();

    // Bob is told by mail, and on his account page, where he marks the notice read.
    const mail = await t.smtp.waitFor((m) => m.to === `bob@${domain}` && m.subject.includes('administers'));
    expect(mail.text).toContain('Domain Owners Co');
    const bobPage = (await pages.open(suite.browser, t.url)).page;
    await signInOnPage(bobPage, bob.body.email, bob.body.password);
    await bobPage.goto('/account');
    const notices = bobPage.getByTestId('notices');
    const notice = notices.getByTestId('notice');
    await visible(notice.getByText(/Domain Owners Co.*now administers your account/));
    await visible(notice.getByText(/terminate your access/));
    expect(await notice.getAttribute('data-unread')).toBe('true');
    await shoot(bobPage, 'account-notices');
    const noticeId = (await t.app.http.inject({ method: 'GET', url: '/api/v1/me/notices', headers: bob.auth })).json().items[0].id as string;
    const read = nextResponse(bobPage, 'POST', `/api/v1/me/notices/${noticeId}/read`);
    await notice.getByRole('button', { name: 'Mark read' }).click();
    expect((await read).status()).toBe(200);
    await visible(notices.locator('[data-unread="false"]'));
    expect(await notice.getByRole('button', { name: 'Mark read' }).count()).toBe(0);
  });
});
