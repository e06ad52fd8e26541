import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, acceptedMember, json, settleMail, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { PATCH_OP, scimHelpers } from '../../../test/helpers/scim.ts';

/**
 * GOV-1: an organization's admins end a member's access (suspension, instant everywhere) or remove
 * them; both are audited, and the person is told by mail and by an in-app notice. SCIM's own
 * changes (an HR system's push) stay silent.
 */
describe.each(dialects)('termination by an organization’s admins on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());
  const { scim, makeToken } = scimHelpers(() => t);

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, auth: Record<string, string>) => t.app.http.inject({ method, url, headers: auth });
  const mailTo = (to: string, subject: string) => t.smtp.waitFor((m) => m.to === to && m.subject === subject);
  const noticesOf = async (accountId: string) => (await t.app.db.selectFrom('account_notices').select(['kind', 'org_id']).where('account_id', '=', accountId).orderBy('created_at').execute()).map((n) => n.kind);
  const actions = async (orgId: string, userId: string) => (await t.app.audit.list({ orgId, targetId: userId, limit: 50 })).items.map((e) => e.action);
  const accountOf = async (email: string) => (await t.app.accounts.factsByEmail(t.app.db, email))?.id as string;

  it('GOV-1: suspension and reactivation by an admin are audited, mailed to the person and shown as in-app notices', async () => {
    const admin = await verifiedUser(t);
    const member = await acceptedMember(t, admin);
    const accountId = await accountOf(member.email);
    const users = `/api/v1/orgs/${admin.organization.id}/users/${member.user.id}`;
    const org = admin.organization.name as string;

    expect((await call('POST', `${users}/suspend`, admin.auth)).statusCode).toBe(200);
    // ACC-6: at once, everywhere: the person's own session no longer works in the organization.
    expect((await call('GET', users, member.auth)).statusCode).not.toBe(200);
    expect((await mailTo(member.email, `Your access to ${org} was suspended`)).text).toContain('privacy requests');
    expect(await noticesOf(accountId)).toEqual(['governance.member_suspended']);
    // A second suspension changes nothing and tells nobody again.
    expect((await call('POST', `${users}/suspend`, admin.auth)).statusCode).toBe(200);

    expect((await call('POST', `${users}/reactivate`, admin.auth)).statusCode).toBe(200);
    await mailTo(member.email, `Your access to ${org} is back`);
    expect(await noticesOf(accountId)).toEqual(['governance.member_suspended', 'governance.member_reactivated']);
    expect(await actions(admin.organization.id, member.user.id)).toEqual(expect.arrayContaining(['directory.user_suspended', 'directory.user_reactivated']));
    await settleMail(t);
    expect(t.smtp.messages.filter((m) => m.to === member.email && m.subject.includes(org))).toHaveLength(2);
  });

  it('GOV-1: removal by an admin is audited, mailed and noticed; the account stays the person’s', async () => {
    const admin = await verifiedUser(t);
    const member = await acceptedMember(t, admin);
    const accountId = await accountOf(member.email);
    expect((await call('DELETE', `/api/v1/orgs/${admin.organization.id}/users/${member.user.id}`, admin.auth)).statusCode).toBe(204);
    await mailTo(member.email, `You were removed from ${admin.organization.name}`);
    const notices = await t.app.db.selectFrom('account_notices').selectAll().where('account_id', '=', accountId).execute();
    expect(notices).toEqual([expect.objectContaining({ kind: 'governance.member_removed', org_id: admin.organization.id, read_at: null })]);
    expect(await actions(admin.organization.id, member.user.id)).toContain('directory.user_deleted');
    // ACC-6: the sessions end with the last active membership; the account itself is kept.
    expect((await call('GET', '/api/v1/me', member.auth)).statusCode).toBe(401);
    expect(await accountOf(member.email)).toBe(accountId);
  });

  it('GOV-1: the mail is queued in the transaction of the change (a refused change queues nothing)', async () => {
    const admin = await verifiedUser(t);
    const member = await acceptedMember(t, admin);
    await settleMail(t);
    const before = await t.app.db.selectFrom('mail_outbox').select('id').execute();
    // An admin cannot suspend themselves: refused, and nothing is queued or noticed.
    expect((await call('POST', `/api/v1/orgs/${admin.organization.id}/users/${admin.user.id}/suspend`, admin.auth)).statusCode).toBe(403);
    expect(await t.app.db.selectFrom('mail_outbox').select('id').execute()).toHaveLength(before.length);
    expect(await noticesOf(admin.accountId)).toEqual([]);
    expect((await call('POST', `/api/v1/orgs/${admin.organization.id}/users/${member.user.id}/suspend`, admin.auth)).statusCode).toBe(200);
    expect(await t.app.db.selectFrom('mail_outbox').select('id').execute()).toHaveLength(before.length + 1);
  });

  it('GOV-1, PRO-4: a suspension SCIM pushes stays silent (audited, no mail, no notice)', async () => {
    const admin = await verifiedUser(t);
    const member = await acceptedMember(t, admin);
    const accountId = await accountOf(member.email);
    const { token } = await makeToken(admin);
    const res = await scim(token, 'PATCH', `/Users/${member.user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).active).toBe(false);
    // The termination mail would be queued in the change's transaction: the outbox holds none.
    const queued = await t.app.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', member.email).execute();
    expect(queued.map((m) => m.subject).filter((subject) => /^(Your access to|You were removed from) /.test(subject))).toEqual([]);
    expect(await noticesOf(accountId)).toEqual([]);
    expect(await actions(admin.organization.id, member.user.id)).toContain('directory.user_suspended');
    // The same check finds the mail an admin's reactivation queues.
    expect((await call('POST', `/api/v1/orgs/${admin.organization.id}/users/${member.user.id}/reactivate`, admin.auth)).statusCode).toBe(200);
    const after = await t.app.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', member.email).execute();
    expect(after.map((m) => m.subject)).toContain(`Your access to ${admin.organization.name} is back`);
  });
});
