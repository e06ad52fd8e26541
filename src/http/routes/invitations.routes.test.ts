import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, GOOD_PASSWORD, acceptedMember, json, signIn, signup, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

describe.each(dialects)('invitations and memberships on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: object) =>
    t.app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const invite = (a: Admin, email: string, extra: object = {}) => call('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email, name: 'Invited Person', ...extra });
  const invitationMail = (email: string) => t.smtp.waitFor((m) => m.to === email && m.subject.startsWith('Invitation to join'));
  /** The answer without what differs between any two invitations (ids, times, POSIX ids). */
  const shape = (body: Record<string, unknown>) => {
    const { id: _i, createdAt: _c, invitedAt: _v, uidNumber: _u, gidNumber: _g, email: _e, username: _n, homeDirectory: _h, ...rest } = body;
    return { keys: Object.keys(body).sort(), rest };
  };

  it('DIR-1, ACC-7: inviting an address that has an account answers exactly like a new address, and so does an import', async () => {
    const existing = await verifiedUser(t);
    const a = await verifiedUser(t);
    const known = await invite(a, existing.body.email);
    const fresh = await invite(a, uniqueEmail('fresh'));
    expect(known.statusCode).toBe(201);
    expect(fresh.statusCode).toBe(201);
    expect(shape(json(known))).toEqual(shape(json(fresh)));
    expect(json(known)).toMatchObject({ status: 'invited', emailVerified: false, mfaEnabled: false, name: 'Invited Person' });
    // The account's own name and MFA never show through an invitation.
    expect(json(known).name).not.toBe(existing.body.name === 'Invited Person' ? '' : existing.body.name);

    const csv = (emails: string[]) => `email,name\n${emails.map((e, i) => `${e},Imported ${i}`).join('\n')}\n`;
    const b = await verifiedUser(t);
    const imported = await call('POST', `/api/v1/orgs/${b.organization.id}/users/import`, b.auth, { format: 'csv', data: csv([existing.body.email, uniqueEmail('imp')]) });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(json(imported)).toEqual({ created: 2, groupsCreated: 0, skipped: 0, passwordHashesKept: 0, passwordHashesIgnored: 0 });
  });

  it('DIR-2, GOV-3: an invitation reserves nothing: the address owner signs up on their own, verifies, and sees and accepts the invitation', async () => {
    const a = await verifiedUser(t);
    const email = uniqueEmail('owner');
    const invited = json(await invite(a, email));
    // Nothing was created for the address: it cannot sign in, and "forgot password" sends nothing.
    expect((await call('POST', '/api/v1/sessions', {}, { email, password: GOOD_PASSWORD })).statusCode).toBe(401);
    expect((await call('POST', '/api/v1/password-resets', {}, { email })).statusCode).toBe(202);

    const own = await signup(t, { email, companyName: 'Own Company' });
    expect(own.organization.name).toBe('Own Company');
    const verify = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Verify'));
    expect((await call('POST', '/api/v1/email-verification', {}, { token: tokenFrom(verify.text, '/verify-email') })).statusCode).toBe(200);
    expect(t.smtp.messages.filter((m) => m.to === email && m.subject.includes('Reset'))).toEqual([]);

    const session = await signIn(t, email, GOOD_PASSWORD);
    const auth = { authorization: `Bearer ${session.token}` };
    const me = json(await call('GET', '/api/v1/me', auth));
    expect(me.organization.name).toBe('Own Company');
    expect(me.invitations).toEqual([expect.objectContaining({ id: invited.id, organization: { id: a.organization.id, name: a.organization.name } })]);
    const accepted = await call('POST', `/api/v1/me/invitations/${invited.id}/accept`, auth, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json(accepted)).toMatchObject({ id: invited.id, status: 'active', emailVerified: true });

    // One person, two organizations: /me lists both, and shows the one asked for.
    const both = json(await call('GET', `/api/v1/me?orgId=${a.organization.id}`, auth));
    expect(both.memberships.map((m: { orgId: string }) => m.orgId).sort()).toEqual([a.organization.id, own.organization.id].sort());
    expect(both.invitations).toEqual([]);
    expect(both.organization.id).toBe(a.organization.id);
    expect(both.user).toMatchObject({ id: invited.id, orgId: a.organization.id, orgRole: 'member' });
    expect(json(await call('GET', `/api/v1/me?orgId=${own.organization.id}`, auth)).user).toMatchObject({ orgId: own.organization.id, orgRole: 'admin' });
    // An organization the person does not belong to is not shown, whatever is asked.
    expect(json(await call('GET', '/api/v1/me?orgId=org_nobody', auth)).organization.id).not.toBe('org_nobody');
  });

  it('DIR-2, ACC-2: an account holder accepts signed in at the link; an address without one creates its account with its own password', async () => {
    const a = await verifiedUser(t);
    const holder = await verifiedUser(t);
    expect((await invite(a, holder.body.email)).statusCode).toBe(201);
    const token = tokenFrom((await invitationMail(holder.body.email)).text, '/invitations');

    const info = json(await call('GET', `/api/v1/invitations/${token}`));
    expect(info).toEqual({ organization: { id: a.organization.id, name: a.organization.name }, email: holder.body.email, expiresAt: expect.any(String), account: 'exists' });
    // A password cannot take over the existing account.
    const taken = await call('POST', `/api/v1/invitations/${token}/accept`, {}, { password: 'some-other-long-passphrase' });
    expect(json(taken).code).toBe('directory.sign_in_to_accept');
    // Someone else signed in cannot accept it.
    const stranger = await verifiedUser(t);
    expect(json(await call('POST', `/api/v1/invitations/${token}/accept`, stranger.auth, {})).code).toBe('directory.invitation_for_another_address');
    const ok = await call('POST', `/api/v1/invitations/${token}/accept`, holder.auth, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ status: 'active', orgId: a.organization.id });
    expect((await call('POST', `/api/v1/invitations/${token}/accept`, holder.auth, {})).statusCode).toBe(422);

    const email = uniqueEmail('newcomer');
    expect((await invite(a, email)).statusCode).toBe(201);
    const newToken = tokenFrom((await invitationMail(email)).text, '/invitations');
    expect(json(await call('GET', `/api/v1/invitations/${newToken}`)).account).toBe('none');
    const created = await call('POST', `/api/v1/invitations/${newToken}/accept`, {}, { password: GOOD_PASSWORD });
    expect(created.statusCode, created.body).toBe(200);
    expect(json(created)).toMatchObject({ email, status: 'active', emailVerified: true });
    expect((await signIn(t, email, GOOD_PASSWORD)).user).toMatchObject({ orgId: a.organization.id, orgRole: 'member' });
  });

  it('DIR-2: a pending invitation is sent again with a new link (the old one stops working), or withdrawn', async () => {
    const a = await verifiedUser(t);
    const email = uniqueEmail('resend');
    const invited = json(await invite(a, email));
    const first = tokenFrom((await invitationMail(email)).text, '/invitations');
    const again = await call('POST', `/api/v1/orgs/${a.organization.id}/users/${invited.id}/invitation`, a.auth);
    expect(again.statusCode, again.body).toBe(200);
    await t.smtp.waitFor((m) => m.to === email && m.subject.startsWith('Invitation to join') && !m.text.includes(first));
    expect((await call('GET', `/api/v1/invitations/${first}`)).statusCode).toBe(422);

    const withdrawn = await call('DELETE', `/api/v1/orgs/${a.organization.id}/users/${invited.id}/invitation`, a.auth);
    expect(withdrawn.statusCode).toBe(204);
    expect((await call('GET', `/api/v1/orgs/${a.organization.id}/users/${invited.id}`, a.auth)).statusCode).toBe(404);
    // An accepted member has no invitation to send or withdraw.
    const m = await acceptedMember(t, a);
    expect(json(await call('POST', `/api/v1/orgs/${a.organization.id}/users/${m.user.id}/invitation`, a.auth)).code).toBe('directory.not_invited');
    expect(json(await call('DELETE', `/api/v1/orgs/${a.organization.id}/users/${m.user.id}/invitation`, a.auth)).code).toBe('directory.not_invited');
  });

  it('DIR-4: invitations count toward the free plan’s 10 users; withdrawing one frees its seat', async () => {
    const a = await verifiedUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push(json(await invite(a, uniqueEmail('seat'))).id);
    const eleventh = await invite(a, uniqueEmail('seat'));
    expect(eleventh.statusCode).toBe(403);
    expect(json(eleventh).code).toBe('directory.user_limit_reached');
    expect((await call('DELETE', `/api/v1/orgs/${a.organization.id}/users/${ids[0]}/invitation`, a.auth)).statusCode).toBe(204);
    expect((await invite(a, uniqueEmail('seat'))).statusCode).toBe(201);
  });

  it('DIR-2: an address gets at most a few invitations a day, whoever sends them', async () => {
    const email = uniqueEmail('popular');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await invite(await verifiedUser(t), email)).statusCode);
    expect(codes.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(codes[5]).toBe(429);
  });

  it('DIR-2: the invitation mail quotes the organization’s and inviter’s names as names, never in the subject', async () => {
    const a = await verifiedUser(t, { companyName: 'Security team: your account is locked', name: 'IT\u202Edesk' });
    const email = uniqueEmail('phish');
    await invite(a, email);
    const mail = await invitationMail(email);
    expect(mail.subject).toBe('Invitation to join an organization on Castellan');
    expect(mail.text).toContain('Organization (its name is chosen by its administrators): “Security team: your account is locked”');
    expect(mail.text).not.toContain('\u202E');
    expect(mail.text).not.toMatch(/^Security team/m);
  });

  it('ACC-6, DIR-1: suspended in one organization, a person keeps their sessions for another and may do nothing in the first', async () => {
    const a = await verifiedUser(t);
    const b = await verifiedUser(t, { companyName: 'Bravo Consulting' });
    const m = await acceptedMember(t, a);
    // The member of A is invited to B too, and accepts signed in.
    expect((await invite(b, m.email)).statusCode).toBe(201);
    const mail = await t.smtp.waitFor((x) => x.to === m.email && x.text.includes('“Bravo Consulting”'));
    const token = tokenFrom(mail.text, '/invitations');
    const inB = json(await call('POST', `/api/v1/invitations/${token}/accept`, m.auth, {}));
    expect((await call('POST', `/api/v1/orgs/${a.organization.id}/users/${m.user.id}/suspend`, a.auth)).statusCode).toBe(200);
    // Still signed in: B's directory answers (its own entry), A's does not.
    expect((await call('GET', `/api/v1/orgs/${b.organization.id}/users/${inB.id}`, m.auth)).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/orgs/${a.organization.id}/users/${m.user.id}`, m.auth)).statusCode).toBe(404);
    expect((await signIn(t, m.email, GOOD_PASSWORD)).user.orgId).toBe(b.organization.id);
    // Suspended in B as well: no active organization is left, so every session ends and sign-in is refused.
    expect((await call('POST', `/api/v1/orgs/${b.organization.id}/users/${inB.id}/suspend`, b.auth)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/me', m.auth)).statusCode).toBe(401);
    expect(json(await call('POST', '/api/v1/sessions', {}, { email: m.email, password: GOOD_PASSWORD })).code).toBe('accounts.account_suspended');
  });

  it('DIR-4: a signed-in person starts another organization and is its admin', async () => {
    const m = await acceptedMember(t, await verifiedUser(t));
    const res = await call('POST', '/api/v1/orgs', m.auth, { companyName: 'Side Project' });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ organization: { name: 'Side Project', plan: 'free' }, user: { orgRole: 'admin', status: 'active' } });
    const me = json(await call('GET', '/api/v1/me', m.auth));
    expect(me.memberships).toHaveLength(2);
  });
});
