import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerOf } from '../../modules/governance/index.ts';
import { unzip } from '../../modules/rights/index.ts';
import { type Admin, type TestApp, acceptedMember, GOOD_PASSWORD, json, settleMail, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Auth = Record<string, string>;

/**
 * GOV-4: once an organization administers an account, an email change is a request its admins
 * approve or deny; each step is audited and told to the person (mail and in-app notice), and the
 * person's privacy rights keep working while it waits.
 */
describe.each(dialects)('email changes approved by the organization on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, auth: Auth, payload?: object) => t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const mailTo = (to: string, subject: string) => t.smtp.waitFor((m) => m.to === to && m.subject.startsWith(subject));
  const base = (admin: Admin) => `/api/v1/orgs/${admin.organization.id}/email-change-requests`;

  /** Test fixture: the organization administers the account (GOV-3), as a claim would record it. */
  async function control(accountId: string, orgId: string): Promise<void> {
    await t.app.db.insertInto('account_controls').values({ account_id: accountId, org_id: orgId, domain_id: null, asserted_by: null, asserted_at: t.clock.now().toISOString() }).execute();
  }

  /** An admin and a member of their organization whose account it administers. */
  async function controlledMember() {
    const admin = await verifiedUser(t);
    const member = await acceptedMember(t, admin);
    const accountId = (await t.app.accounts.factsByEmail(t.app.db, member.email))?.id as string;
    await control(accountId, admin.organization.id);
    return { admin, member: { ...member, accountId } };
  }

  const ask = (auth: Auth, email: string) => call('POST', '/api/v1/me/email', auth, { email, password: GOOD_PASSWORD });
  const noticesOf = async (accountId: string) => (await t.app.db.selectFrom('account_notices').select(['kind', 'body']).where('account_id', '=', accountId).orderBy('created_at').execute()).map((n) => n.kind);
  const actions = async (orgId: string, accountId: string) => (await t.app.audit.list({ orgId, targetId: accountId, limit: 50 })).items.map((e) => e.action);

  it('GOV-4: an account no organization administers still changes its address by the mailed link alone', async () => {
    const u = await verifiedUser(t);
    const res = await ask(u.auth, uniqueEmail('free'));
    expect([res.statusCode, res.body]).toEqual([202, '']);
    expect(json(await call('GET', '/api/v1/me/email', u.auth))).toEqual({ pending: true, approval: null });
    expect(json(await call('GET', `${base(u)}?state=pending`, u.auth)).items).toEqual([]);
  });

  it('GOV-4: a controlled account’s change waits for approval (admins mailed, audited, nothing changed); approval mails the link, and opening it changes the address', async () => {
    const { admin, member } = await controlledMember();
    const next = uniqueEmail('moved');
    const res = await ask(member.auth, next);
    expect(res.statusCode).toBe(202);
    const { requestId } = json(res);
    expect(json(res)).toEqual({ state: 'pending_approval', requestId: expect.any(String) });
    const status = json(await call('GET', '/api/v1/me/email', member.auth));
    expect(status).toEqual({ pending: false, approval: { requestId, state: 'pending_approval', orgId: admin.organization.id, orgName: admin.organization.name, createdAt: expect.any(String) } });
    const toAdmin = await mailTo(admin.body.email, 'Email change awaiting approval');
    expect(toAdmin.text).toContain(next);
    expect((await mailTo(member.email, 'Your email change is waiting for approval')).text).not.toContain(next);
    await settleMail(t);
    expect(t.smtp.messages.filter((m) => m.to === next)).toEqual([]);

    // Only the organization's admins see and decide it.
    expect((await call('GET', base(admin), member.auth)).statusCode).toBe(403);
    expect((await call('POST', `${base(admin)}/${requestId}/approve`, member.auth)).statusCode).toBe(403);
    const listed = json(await call('GET', `${base(admin)}?state=pending`, admin.auth));
    expect(listed).toEqual({ items: [expect.objectContaining({ id: requestId, state: 'pending', accountId: member.accountId, currentEmail: member.email, newEmail: next })], nextCursor: null });
    expect(json(await call('GET', `${base(admin)}/${requestId}`, admin.auth))).toMatchObject({ id: requestId, state: 'pending', decidedAt: null });
    expect(json(await call('GET', '/api/v1/me', member.auth)).account.email).toBe(member.email);

    const approved = await call('POST', `${base(admin)}/${requestId}/approve`, admin.auth);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json(approved)).toMatchObject({ state: 'approved', decidedBy: admin.user.id, reason: null });
    const again = await call('POST', `${base(admin)}/${requestId}/approve`, admin.auth);
    expect([again.statusCode, json(again).code]).toEqual([409, 'governance.email_change_decided']);
    await mailTo(member.email, 'Your email change was approved');
    const link = await mailTo(next, 'Confirm your new email address');
    expect(json(await call('GET', '/api/v1/me', member.auth)).account.email).toBe(member.email);

    const confirmed = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-changes/confirm', payload: { token: tokenFrom(link.text, '/change-email') } });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expect(json(await call('GET', '/api/v1/me', member.auth)).account).toMatchObject({ email: next, emailVerified: true });
    expect(json(await call('GET', `${base(admin)}/${requestId}`, admin.auth)).state).toBe('completed');
    // The new address is at no domain the organization verified: it no longer administers the account.
    expect(await controllerOf(t.app.db, member.accountId)).toBeNull();
    expect(await noticesOf(member.accountId)).toEqual(['governance.email_change_requested', 'governance.email_change_approved', 'governance.control_released']);
    expect(await actions(admin.organization.id, member.accountId)).toEqual(
      expect.arrayContaining(['governance.email_change_requested', 'governance.email_change_approved', 'governance.email_change_completed', 'account.email_changed', 'governance.control_released']),
    );
  });

  /** Test fixture: a domain the organization verified (GOV-2), as a verification would record it. */
  async function verifiedDomain(orgId: string, name: string): Promise<string> {
    const id = `dom_${name.replace(/\W/g, '')}`;
    const now = t.clock.now().toISOString();
    await t.app.db.insertInto('domains').values({ id, org_id: orgId, name, token: 'fixture', created_by: null, created_at: now, verified_at: now, last_checked_at: now, last_check_error: null, last_verified_at: now }).execute();
    return id;
  }

  /** Approves a change to `next` and opens the link mailed to it. */
  async function changeApproved(admin: Admin, member: { auth: Auth }, next: string): Promise<void> {
    const { requestId } = json(await ask(member.auth, next));
    expect((await call('POST', `${base(admin)}/${requestId}/approve`, admin.auth)).statusCode).toBe(200);
    const link = await t.smtp.waitFor((m) => m.to.toLowerCase() === next.toLowerCase() && m.subject.startsWith('Confirm your new email address'));
    const confirmed = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-changes/confirm', payload: { token: tokenFrom(link.text, '/change-email') } });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expect(json(await call('GET', '/api/v1/me', member.auth)).account.email).toBe(next);
  }

  it('GOV-3, GOV-4: an approved change to a personal address ends the control (told in the app, audited); one to another verified domain of the organization keeps it', async () => {
    const { admin, member } = await controlledMember();
    const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const work = `work-${stamp}.example`;
    const other = `other-${stamp}.example`;
    const workId = await verifiedDomain(admin.organization.id, work);
    const otherId = await verifiedDomain(admin.organization.id, other);
    await t.app.db.updateTable('account_controls').set({ domain_id: workId }).where('account_id', '=', member.accountId).execute();
    // A pending domain of the organization does not count: only a verified one keeps the control.
    const pendingName = `pending-${stamp}.example`;
    await t.app.db.insertInto('domains').values({ id: `dom_p${stamp.replace(/\W/g, '')}`, org_id: admin.organization.id, name: pendingName, token: 'fixture', created_by: null, created_at: t.clock.now().toISOString(), verified_at: null, last_checked_at: null, last_check_error: null, last_verified_at: null }).execute();

    // To another of the organization's verified domains (written in capitals): still administered.
    await changeApproved(admin, member, `Someone@${other.toUpperCase()}`);
    expect(await controllerOf(t.app.db, member.accountId)).toEqual({ orgId: admin.organization.id });
    expect(await noticesOf(member.accountId)).not.toContain('governance.control_released');
    // Controlled through the new address's domain from now on.
    expect((await t.app.db.selectFrom('account_controls').select('domain_id').where('account_id', '=', member.accountId).executeTakeFirstOrThrow()).domain_id).toBe(otherId);

    // To a personal address (here at a domain the organization only added): released, in the same transaction as the change.
    await changeApproved(admin, member, `me@${pendingName}`);
    expect(await controllerOf(t.app.db, member.accountId)).toBeNull();
    const released = await t.app.db.selectFrom('account_notices').select(['kind', 'org_id', 'body']).where('account_id', '=', member.accountId).where('kind', '=', 'governance.control_released').execute();
    expect(released).toEqual([expect.objectContaining({ org_id: admin.organization.id })]);
    expect(released[0]?.body).toContain(`me@${pendingName}`);
    expect(released[0]?.body).toMatch(/change your email address on your own again/);
    expect(await actions(admin.organization.id, member.accountId)).toContain('governance.control_released');
    // From now on a change needs no approval: the link goes at once.
    const free = uniqueEmail('free-again');
    const res = await ask(member.auth, free);
    expect([res.statusCode, res.body]).toEqual([202, '']);
    await mailTo(free, 'Confirm your new email address');
  });

  it('GOV-4: a denial keeps the address and tells the person why; the person may then ask again', async () => {
    const { admin, member } = await controlledMember();
    const next = uniqueEmail('denied');
    const { requestId } = json(await ask(member.auth, next));
    const denied = await call('POST', `${base(admin)}/${requestId}/deny`, admin.auth, { reason: 'Use your work address, please.' });
    expect(denied.statusCode, denied.body).toBe(200);
    expect(json(denied)).toMatchObject({ state: 'denied', reason: 'Use your work address, please.', decidedBy: admin.user.id });
    expect((await mailTo(member.email, 'Your email change was denied')).text).toContain('Use your work address, please.');
    expect(json(await call('GET', '/api/v1/me/email', member.auth)).approval).toBeNull();
    expect(await noticesOf(member.accountId)).toEqual(['governance.email_change_requested', 'governance.email_change_denied']);
    expect(await actions(admin.organization.id, member.accountId)).toEqual(expect.arrayContaining(['governance.email_change_requested', 'governance.email_change_denied']));
    expect(json(await call('POST', `${base(admin)}/${requestId}/approve`, admin.auth)).code).toBe('governance.email_change_decided');
    await settleMail(t);
    expect(t.smtp.messages.filter((m) => m.to === next)).toEqual([]);
    expect(json(await call('GET', `${base(admin)}?state=denied`, admin.auth)).items.map((r: { id: string }) => r.id)).toEqual([requestId]);
    expect((await ask(member.auth, uniqueEmail('again'))).statusCode).toBe(202);
  });

  it('GOV-4: one request waits at a time; the person cancels their own (audited), and admins can no longer decide it', async () => {
    const { admin, member } = await controlledMember();
    const { requestId } = json(await ask(member.auth, uniqueEmail('first')));
    const second = await ask(member.auth, uniqueEmail('second'));
    expect([second.statusCode, json(second).code]).toEqual([409, 'governance.email_change_pending']);
    expect((await call('DELETE', '/api/v1/me/email-change-request', member.auth)).statusCode).toBe(204);
    expect(json(await call('GET', '/api/v1/me/email', member.auth)).approval).toBeNull();
    expect(json(await call('DELETE', '/api/v1/me/email-change-request', member.auth)).code).toBe('common.not_found');
    expect(json(await call('POST', `${base(admin)}/${requestId}/deny`, admin.auth, {})).code).toBe('governance.email_change_decided');
    expect(json(await call('GET', `${base(admin)}/${requestId}`, admin.auth)).state).toBe('cancelled');
    expect(await actions(admin.organization.id, member.accountId)).toContain('governance.email_change_cancelled');
  });

  it('ACC-7, GOV-4: an address that has an account gets the same answer; on approval its owner is told, and no link is sent', async () => {
    const { admin, member } = await controlledMember();
    const other = await verifiedUser(t);
    await settleMail(t);
    const res = await ask(member.auth, other.body.email);
    expect(res.statusCode).toBe(202);
    expect(Object.keys(json(res)).sort()).toEqual(['requestId', 'state']);
    expect((await call('POST', `${base(admin)}/${json(res).requestId}/approve`, admin.auth)).statusCode).toBe(200);
    await mailTo(other.body.email, 'Someone asked to move an account to your address');
    await settleMail(t);
    expect(t.smtp.messages.filter((m) => m.to === other.body.email && m.subject.startsWith('Confirm'))).toEqual([]);
  });

  it('GOV-4: a link mailed before the organization took control no longer changes the address', async () => {
    const admin = await verifiedUser(t);
    const member = await acceptedMember(t, admin);
    const next = uniqueEmail('early');
    expect((await ask(member.auth, next)).statusCode).toBe(202);
    const link = await mailTo(next, 'Confirm your new email address');
    await control((await t.app.accounts.factsByEmail(t.app.db, member.email))?.id as string, admin.organization.id);
    const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-changes/confirm', payload: { token: tokenFrom(link.text, '/change-email') } });
    expect([res.statusCode, json(res).code]).toEqual([403, 'governance.email_change_needs_approval']);
    expect(json(await call('GET', '/api/v1/me', member.auth)).account.email).toBe(member.email);
  });

  it('GOV-2, GOV-4: once the organization lets go of the account, its waiting request holds nothing up: the change goes by link again', async () => {
    const { member } = await controlledMember();
    expect((await ask(member.auth, uniqueEmail('held'))).statusCode).toBe(202);
    // Test fixture: control released, as un-verifying the domain does.
    await t.app.db.deleteFrom('account_controls').where('account_id', '=', member.accountId).execute();
    expect(json(await call('GET', '/api/v1/me/email', member.auth)).approval).toBeNull();
    const free = uniqueEmail('free');
    const res = await ask(member.auth, free);
    expect([res.statusCode, res.body]).toEqual([202, '']);
    await mailTo(free, 'Confirm your new email address');
  });

  it('DIR-1, GOV-4: another organization’s admins neither see nor decide a request (404 on their own path, refused on the other’s)', async () => {
    const { admin, member } = await controlledMember();
    const stranger = await verifiedUser(t);
    const { requestId } = json(await ask(member.auth, uniqueEmail('private')));
    for (const [method, suffix] of [['GET', ''], ['POST', '/approve'], ['POST', '/deny']] as const) {
      const own = await call(method, `${base(stranger)}/${requestId}${suffix}`, stranger.auth, method === 'POST' ? {} : undefined);
      expect(own.statusCode, suffix).toBe(404);
      const theirs = await call(method, `${base(admin)}/${requestId}${suffix}`, stranger.auth, method === 'POST' ? {} : undefined);
      expect([403, 404], suffix).toContain(theirs.statusCode);
    }
    expect(json(await call('GET', base(stranger), stranger.auth)).items).toEqual([]);
    expect(json(await call('GET', `${base(admin)}/${requestId}`, admin.auth)).state).toBe('pending');
  });

  it('GOV-4, DSR-1: while a change waits, the person still gets a copy of their data (the request in it) and files a deletion request', async () => {
    const { member } = await controlledMember();
    const next = uniqueEmail('waiting');
    expect((await ask(member.auth, next)).statusCode).toBe(202);
    const access = await call('POST', '/api/v1/privacy/requests', member.auth, { kind: 'access', regime: 'gdpr' });
    expect(access.statusCode, access.body).toBe(201);
    expect((await call('POST', `/api/v1/privacy/requests/${json(access).id}/verify`, member.auth, { password: GOOD_PASSWORD })).statusCode).toBe(200);
    const ready = await mailTo(member.email, 'Your personal data is ready to download');
    const archive = await t.app.http.inject({ method: 'GET', url: `/api/v1/privacy/requests/${json(access).id}/archive?token=${tokenFrom(ready.text, `/api/v1/privacy/requests/${json(access).id}/archive`)}` });
    expect(archive.statusCode).toBe(200);
    const data = JSON.parse(unzip(archive.rawPayload).get('data.json')?.toString('utf8') as string);
    expect(data.modules.email_change_requests.email_change_requests).toEqual([expect.objectContaining({ state: 'pending', new_email: next })]);
    expect(JSON.stringify(data.modules.email_change_requests)).not.toContain('email_enc');

    const deletion = await call('POST', '/api/v1/privacy/requests', member.auth, { kind: 'delete', regime: 'gdpr' });
    expect(deletion.statusCode, deletion.body).toBe(201);
    expect((await call('POST', `/api/v1/privacy/requests/${json(deletion).id}/verify`, member.auth, { password: GOOD_PASSWORD })).statusCode).toBe(200);
  });
});
