import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, signIn, signup, startTestApp, verifiedUser, verifiedUserByMail, staffMember, totpCode } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

describe.each(dialects)('audit log access on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const get = (url: string, auth: Record<string, string>) => t.app.http.inject({ method: 'GET', url, headers: auth });

  async function staff(role: string) {
    return (await staffMember(t, role as StaffRole)).auth;
  }

  it('SEC-1: an org admin reads their organization’s security events, filtered and paginated', async () => {
    const u = await verifiedUserByMail(t);
    await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: u.body.email, password: 'wrong-password-1' },
    });
    const all = json(await get(`/api/v1/orgs/${u.organization.id}/audit`, u.auth));
    const actions = all.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['auth.signin_failed', 'auth.signin', 'account.email_verified', 'directory.organization_created', 'account.signup']);
    expect(all.items.every((e: { orgId: string }) => e.orgId === u.organization.id)).toBe(true);
    const failed = json(await get(`/api/v1/orgs/${u.organization.id}/audit?action=auth.signin_failed`, u.auth));
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]).toMatchObject({ actor: { type: 'anonymous', id: null }, details: { reason: 'invalid_credentials' } });
    const page1 = json(await get(`/api/v1/orgs/${u.organization.id}/audit?limit=2`, u.auth));
    expect(page1.items).toHaveLength(2);
    const page2 = json(await get(`/api/v1/orgs/${u.organization.id}/audit?limit=2&cursor=${page1.nextCursor}`, u.auth));
    expect(page2.items[0].seq).toBeLessThan(page1.items[1].seq);
    const since = json(await get(`/api/v1/orgs/${u.organization.id}/audit?since=2999-01-01T00:00:00Z`, u.auth));
    expect(since.items).toEqual([]);
  });

  it('DIR-1: another organization’s audit log answers 404', async () => {
    const a = await verifiedUser(t);
    const b = await verifiedUser(t);
    const res = await get(`/api/v1/orgs/${b.organization.id}/audit`, a.auth);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(b.user.id);
    expect((await get('/api/v1/orgs/org_doesnotexist/audit', a.auth)).statusCode).toBe(404);
  });

  it('ACC-3: an admin whose email is not verified yet cannot read the audit log', async () => {
    const s = await signup(t);
    const session = await signIn(t, s.body.email, s.body.password);
    const res = await get(`/api/v1/orgs/${s.organization.id}/audit`, { authorization: `Bearer ${session.token}` });
    expect(res.statusCode).toBe(403);
  });

  it('staff: the role decides; owner and privacy read the whole log, support and billing do not', async () => {
    const u = await verifiedUser(t);
    for (const role of ['owner', 'privacy']) {
      const auth = await staff(role);
      const all = await get('/api/v1/staff/audit?limit=200', auth);
      expect(all.statusCode, role).toBe(200);
      expect(json(all).items.some((e: { action: string }) => e.action === 'staff.added')).toBe(true);
      const one = json(await get(`/api/v1/staff/audit?orgId=${u.organization.id}`, auth));
      expect(one.items.length).toBeGreaterThan(0);
      expect(one.items.every((e: { orgId: string }) => e.orgId === u.organization.id)).toBe(true);
      expect((await get(`/api/v1/orgs/${u.organization.id}/audit`, auth)).statusCode).toBe(200);
    }
    for (const role of ['support', 'billing']) {
      const auth = await staff(role);
      expect((await get('/api/v1/staff/audit', auth)).statusCode, role).toBe(403);
      expect((await get(`/api/v1/orgs/${u.organization.id}/audit`, auth)).statusCode, role).toBe(403);
    }
    expect((await get('/api/v1/staff/audit', u.auth)).statusCode).toBe(403);
  });

  it('SEC-1: owner and privacy staff read nothing until they turn MFA on; enrolling it opens their capabilities', async () => {
    for (const role of ['owner', 'privacy'] as const) {
      const staff = await staffMember(t, role, { mfa: false });
      const refused = await get('/api/v1/staff/audit', staff.auth);
      expect(refused.statusCode, role).toBe(403);
      expect(json(refused).code, role).toBe('staff.mfa_required');
      expect((await get('/api/v1/me', staff.auth)).statusCode).toBe(200);
      const enrol = await t.app.http.inject({ method: 'POST', url: '/api/v1/me/mfa/totp', headers: staff.auth, payload: { password: staff.password } });
      expect(enrol.statusCode).toBe(201);
      const confirm = await t.app.http.inject({ method: 'POST', url: '/api/v1/me/mfa/totp/confirm', headers: staff.auth, payload: { code: totpCode(json(enrol).secret, t.clock) } });
      expect(confirm.statusCode).toBe(200);
      expect((await get('/api/v1/staff/audit', staff.auth)).statusCode, role).toBe(200);
    }
  });

  it('staff sign in the same way, and /me shows their role and no organization', async () => {
    const auth = await staff('support');
    const me = json(await get('/api/v1/me', auth));
    expect(me.user).toMatchObject({ kind: 'staff', staffRole: 'support', orgId: null, emailVerified: true });
    expect(me.organization).toBeNull();
  });
});
