/**
 * PRO-1 in headless Chromium: an admin opens the console's LDAP page from the navigation, sees the
 * organization's base DN, creates its first LDAP application there and a service account under it
 * (the secret shown once), reads the SSSD and nslcd configurations written for it, and downloads
 * the CA certificate. With exactly what the page gave them (the LDAPS URI of the snippet, the CA
 * file, the DN and the secret), OpenLDAP's ldapwhoami and ldapsearch bind to the running server;
 * once the service account is deleted, the same bind is refused.
 *
 * SQLite only: the API tests cover the LDAP page's routes on PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, downloadedText, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** The value of `key = value` (SSSD) or `key value` (nslcd) in a configuration. */
const valueIn = (conf: string, key: string, sep: ' = ' | ' ') => conf.split('\n').find((l) => l.startsWith(`${key}${sep}`))?.slice(key.length + sep.length);

describe("the console's LDAP page", () => {
  it('PRO-1: an admin makes a service account (its secret shown once), gets SSSD and nslcd configurations and the CA certificate, and those bind to the server', async () => {
    const t = suite.app;
    const { page, context } = await pages.open(suite.browser, t.url);
    const admin = await verifiedUser(t, { email: uniqueEmail('admin'), companyName: 'Penguin Works' });
    const orgId = admin.organization.id as string;
    const base = `o=${admin.organization.slug},dc=castellan`;
    const { ldapsPort } = t.app.ldap!.address();
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');

    await (await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'LDAP', exact: true }))).click();
    await atPath(page, '/console/ldap');
    await visible(page.getByRole('heading', { name: 'LDAP', exact: true }));
    expect(await (await visible(page.getByTestId('ldap-base-dn'))).innerText()).toBe(base);
    expect(await page.getByTestId('ldaps-uri').innerText()).toBe(`ldaps://127.0.0.1:${ldapsPort}`);

    // No LDAP application yet: the notice makes one.
    const notice = await visible(page.getByTestId('no-ldap-application'));
    const created = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources`);
    await notice.getByRole('button', { name: 'Create LDAP application' }).click();
    const application = await bodyOf(await created);
    expect(application.settings).toEqual({ protocol: 'ldap' });
    await visible(page.getByRole('heading', { name: 'Service accounts of Linux hosts' }));

    // A service account: its secret is shown this once, with a way to copy it.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    await (await visible(fieldOn(page, 'Service account name'))).fill('sssd');
    const made = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources/${application.id}/service-accounts`);
    await buttonOn(page, 'Create service account').click();
    const answer = await made;
    expect(answer.status()).toBe(201);
    const account = await bodyOf(answer);
    const dn = `uid=sssd,ou=services,${base}`;
    expect(account.dn).toBe(dn);
    const shown = await visible(page.getByTestId('service-account-secret'));
    expect(await shown.getByTestId('secret-value').innerText()).toBe(account.secret);
    await visible(shown.getByText('it will not be shown again', { exact: false }));
    await shown.getByRole('button', { name: 'Copy the secret' }).click();
    await visible(shown.getByRole('button', { name: 'Copy the secret' }).getByText('Copied'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(account.secret);
    await visible(page.getByTestId(`service-accounts-${application.id}`).getByText(dn));

    // The configurations: this organization's DNs, the account's DN, and never the secret.
    const sssd = await (await visible(page.getByTestId('sssd-conf'))).innerText();
    const nslcd = await page.getByTestId('nslcd-conf').innerText();
    for (const conf of [sssd, nslcd]) expect(conf).not.toContain(account.secret);
    expect(sssd).toContain(`[domain/${admin.organization.slug}]`);
    expect(valueIn(sssd, 'ldap_uri', ' = ')).toBe(`ldaps://127.0.0.1:${ldapsPort}`);
    expect(valueIn(sssd, 'ldap_search_base', ' = ')).toBe(base);
    expect(valueIn(sssd, 'ldap_user_search_base', ' = ')).toBe(`ou=people,${base}`);
    expect(valueIn(sssd, 'ldap_group_search_base', ' = ')).toBe(`ou=groups,${base}`);
    expect(valueIn(sssd, 'ldap_default_bind_dn', ' = ')).toBe(dn);
    expect(valueIn(sssd, 'ldap_default_authtok', ' = ')).toBe('<service account secret>');
    expect(valueIn(sssd, 'ldap_tls_cacert', ' = ')).toBe('/etc/ssl/certs/castellan-ldap-ca.pem');
    expect(valueIn(sssd, 'ldap_tls_reqcert', ' = ')).toBe('demand');
    expect(valueIn(nslcd, 'uri', ' ')).toBe(`ldaps://127.0.0.1:${ldapsPort}/`);
    expect(valueIn(nslcd, 'base', ' ')).toBe(base);
    expect(nslcd).toContain(`\nbase passwd ou=people,${base}\n`);
    expect(nslcd).toContain(`\nbase group ou=groups,${base}\n`);
    expect(valueIn(nslcd, 'binddn', ' ')).toBe(dn);
    expect(valueIn(nslcd, 'ssl', ' ')).toBe('on');
    expect(valueIn(nslcd, 'tls_cacertfile', ' ')).toBe('/etc/ssl/certs/castellan-ldap-ca.pem');
    await shoot(page, 'console-ldap');

    // The CA certificate downloads from its link.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download CA certificate' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('castellan-ldap-ca.pem');
    const pem = await downloadedText(file);
    expect(pem).not.toContain('PRIVATE KEY');
    expect(new X509Certificate(pem).ca).toBe(true);
    expect(pem.trim()).toBe(readFileSync(path.join(t.db.dataDir, 'ldap-ca.pem'), 'utf8').trim());

    // What the page gave is what a host needs: the snippet's URI, the CA file, the DN and the secret bind.
    const dir = mkdtempSync(path.join(tmpdir(), 'castellan-ldap-page-'));
    try {
      const caFile = path.join(dir, 'castellan-ldap-ca.pem');
      writeFileSync(caFile, pem);
      const tls = { LDAPTLS_CACERT: caFile, LDAPTLS_REQCERT: 'demand' };
      const uri = valueIn(sssd, 'ldap_uri', ' = ') as string;
      const whoami = await run('ldapwhoami', ['-x', '-H', uri, '-D', dn, '-w', account.secret], tls);
      expect(whoami.stdout.trim(), whoami.stderr).toBe(`dn:${dn}`);
      const search = await run('ldapsearch', ['-LLL', '-x', '-H', uri, '-D', dn, '-w', account.secret, '-b', base, '-s', 'base', 'dn'], tls);
      expect(search.stdout.trim(), search.stderr).toBe(`dn: ${base}`);

      // Shown once: gone when dismissed, and not there after a reload.
      await buttonOn(page, 'I have stored it').click();
      await page.reload();
      await visible(page.getByTestId(`service-accounts-${application.id}`).getByText(dn));
      expect(await page.locator('body').innerText()).not.toContain(account.secret);

      // Deleted after a confirmation: the same bind is refused at once.
      await page.getByTestId(`service-accounts-${application.id}`).getByRole('button', { name: 'Delete' }).click();
      const deleted = nextResponse(page, 'DELETE', `/api/v1/orgs/${orgId}/resources/${application.id}/service-accounts/${account.id}`);
      await (await visible(page.getByRole('dialog').getByRole('button', { name: 'Delete service account' }))).click();
      expect((await deleted).status()).toBe(204);
      await visible(page.getByText('No service account yet.'));
      const refused = await run('ldapwhoami', ['-x', '-H', uri, '-D', dn, '-w', account.secret], tls);
      expect(refused.code, refused.stdout).toBe(49);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
