import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { type Admin, acceptedMember, callerOfToken, inviteTokenFor, json, startTestApp, type TestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

/**
 * PRO-2, PRO-5, DIR-3: the user portal. A person's home page lists the single sign-on
 * applications they may use, by the one access decision, in every organization they belong to.
 */
describe.each(dialects)('the applications a person may open on $name', (dialect) => {
  let t: TestApp;
  let a: Admin;
  let base: string;
  const call = async (method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, auth: Record<string, string>, payload?: Record<string, unknown>) => {
    const res = await t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.statusCode === 204 ? {} : json(res);
  };
  const mine = async (auth: Record<string, string>) => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/me/applications', headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    return json(res).items as { resourceId: string; orgId: string; orgName: string; name: string; protocol: string; launchUrl: string | null }[];
  };
  const app = (name: string, settings: Record<string, unknown>) => call('POST', `${base}/resources`, a.auth, { kind: 'application', name, settings });

  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_PUBLIC_URL: 'https://id.example.test' } });
    a = await verifiedUser(t, { companyName: 'Portal Works' });
    base = `/api/v1/orgs/${a.organization.id}`;
  });
  afterAll(() => t?.close());

  it('PRO-2, PRO-5, DIR-3: a member sees the OIDC and SAML applications a binding reaches (directly or through a group), each with what opens it; LDAP resources, unbound and other kinds are not listed', async () => {
    const wiki = await app('Team Wiki', { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://wiki.example.test/cb'], initiateLoginUri: 'https://wiki.example.test/login?from=portal' });
    const chat = await app('Chat', { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://chat.example.test/cb'] });
    const payroll = await app('Payroll', { protocol: 'saml', entityId: 'https://payroll.example.test/metadata', acsUrls: ['https://payroll.example.test/acs'] });
    const hosts = await app('Linux hosts', { protocol: 'ldap' });
    const hidden = await app('Unbound', { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://unbound.example.test/cb'] });
    const wifi = await call('POST', `${base}/resources`, a.auth, { kind: 'network', name: 'Office Wi-Fi', settings: {} });
    const grace = await acceptedMember(t, a, { name: 'Grace Hopper' });
    const team = await call('POST', `${base}/groups`, a.auth, { name: 'finance' });
    await call('POST', `${base}/groups/${team.id}/members`, a.auth, { userId: grace.user.id });
    await call('POST', `${base}/resources/${wiki.id}/bindings`, a.auth, { userId: grace.user.id });
    await call('POST', `${base}/resources/${chat.id}/bindings`, a.auth, { groupId: team.id });
    await call('POST', `${base}/resources/${chat.id}/bindings`, a.auth, { userId: grace.user.id });
    await call('POST', `${base}/resources/${payroll.id}/bindings`, a.auth, { groupId: team.id });
    for (const r of [hosts, wifi]) await call('POST', `${base}/resources/${r.id}/bindings`, a.auth, { userId: grace.user.id });
    expect(hidden.id).toBeDefined();

    const items = await mine(grace.auth);
    expect(items.map((i) => i.name).sort()).toEqual(['Chat', 'Payroll', 'Team Wiki']);
    const byName = Object.fromEntries(items.map((i) => [i.name, i]));
    // OpenID Connect Core §4: the third-party-initiated login names the issuer.
    const wikiUrl = new URL(byName['Team Wiki']?.launchUrl ?? '');
    expect(`${wikiUrl.origin}${wikiUrl.pathname}`).toBe('https://wiki.example.test/login');
    expect(Object.fromEntries(wikiUrl.searchParams)).toEqual({ from: 'portal', iss: 'https://id.example.test/oidc' });
    expect(byName.Chat).toMatchObject({ protocol: 'oidc', launchUrl: null, orgId: a.organization.id, orgName: 'Portal Works' });
    expect(byName.Payroll).toMatchObject({ protocol: 'saml', launchUrl: `/saml/${payroll.id}/init`, resourceId: payroll.id });

    // The admin has no binding: nothing, even with the directory in hand.
    expect(await mine(a.auth)).toEqual([]);

    // Losing the group takes the SAML application away; Chat stays through the direct binding.
    await call('DELETE', `${base}/groups/${team.id}/members/${grace.user.id}`, a.auth);
    expect((await mine(grace.auth)).map((i) => i.name).sort()).toEqual(['Chat', 'Team Wiki']);

    // DIR-3: a suspended member may use nothing.
    const account = await t.app.accounts.factsByEmail(t.app.db, grace.email);
    await call('POST', `${base}/users/${grace.user.id}/suspend`, a.auth);
    // Suspension ends her sessions too; the portal's own query finds nothing for her account.
    expect((await t.app.http.inject({ method: 'GET', url: '/api/v1/me/applications', headers: grace.auth })).statusCode).toBe(401);
    expect(await t.app.directory.federation.applicationsOf(account?.id ?? '')).toEqual([]);
  });

  it('PRO-2, DIR-1: a person in two organizations sees each one’s applications under its name, and nothing of an organization they are not in', async () => {
    const b = await verifiedUser(t, { companyName: 'Second Shop' });
    const bBase = `/api/v1/orgs/${b.organization.id}`;
    const ada = await acceptedMember(t, a, { name: 'Ada' });
    const mail = await app('Mail', { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://mail.example.test/cb'] });
    await call('POST', `${base}/resources/${mail.id}/bindings`, a.auth, { userId: ada.user.id });
    const crm = await call('POST', `${bBase}/resources`, b.auth, { kind: 'application', name: 'CRM', settings: { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://crm.example.test/cb'] } });
    const other = await call('POST', `${bBase}/resources`, b.auth, { kind: 'application', name: 'Not for Ada', settings: { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://x.example.test/cb'] } });
    const bCaller = await callerOfToken(t, b.token, b.organization.id);
    const ctx = anonymousContext('127.0.0.1', null);
    const invited = await t.app.directory.users.invite(ctx, bCaller, b.organization.id, { email: ada.email, name: 'Ada' });
    // Invited, not yet accepted: the second organization's applications are not hers yet.
    await call('POST', `${bBase}/resources/${crm.id}/bindings`, b.auth, { userId: invited.id });
    expect((await mine(ada.auth)).map((i) => i.name)).toEqual(['Mail']);
    await t.app.directory.invitations.acceptSignedIn(ctx, await callerOfToken(t, ada.token), await inviteTokenFor(t, invited.id));
    const items = await mine(ada.auth);
    expect(items.map((i) => [i.orgName, i.name]).sort()).toEqual([
      ['Portal Works', 'Mail'],
      ['Second Shop', 'CRM'],
    ]);
    expect(JSON.stringify(items)).not.toContain(other.id);
  });

  it('PRO-2: without a session the list is refused (401) with a problem document', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/me/applications' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
