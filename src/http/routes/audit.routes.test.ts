import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvValue } from '../../core/csv.ts';
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

  const post = (url: string, auth: Record<string, string>, payload: object) => t.app.http.inject({ method: 'POST', url, headers: auth, payload });

  it('SEC-1: entries name their actor and target inside the organization, with the ids kept', async () => {
    const u = await verifiedUser(t);
    const g = await post(`/api/v1/orgs/${u.organization.id}/groups`, u.auth, { name: 'Night shift' });
    expect(g.statusCode).toBe(201);
    const page = json(await get(`/api/v1/orgs/${u.organization.id}/audit?action=directory.group_created`, u.auth));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ target: { type: 'group', id: json(g).id }, targetName: 'Night shift', actor: { type: 'user' } });
    expect(typeof page.items[0].actorName).toBe('string');
    expect(page.items[0].actorName.length).toBeGreaterThan(0);
  });

  it('SEC-1: filters by action prefix (action=directory. or actionPrefix) and by actor', async () => {
    const u = await verifiedUser(t);
    await post(`/api/v1/orgs/${u.organization.id}/groups`, u.auth, { name: 'Ops' });
    await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: u.user.email, password: 'wrong-password-1' } });
    for (const q of ['action=directory.', 'actionPrefix=directory.', 'actionPrefix=directory.group']) {
      const items = json(await get(`/api/v1/orgs/${u.organization.id}/audit?${q}`, u.auth)).items as { action: string }[];
      expect(items.length, q).toBeGreaterThan(0);
      expect(items.every((e) => e.action.startsWith(q.split('=')[1] as string)), q).toBe(true);
    }
    // A prefix is not a pattern: "%" and "_" match themselves only.
    expect(json(await get(`/api/v1/orgs/${u.organization.id}/audit?actionPrefix=%25`, u.auth)).items).toEqual([]);
    // Without a trailing dot, action stays an exact match.
    expect(json(await get(`/api/v1/orgs/${u.organization.id}/audit?action=directory`, u.auth)).items).toEqual([]);
    const me = json(await get(`/api/v1/orgs/${u.organization.id}/audit?action=directory.group_created`, u.auth)).items[0].actor.id as string;
    const mine = json(await get(`/api/v1/orgs/${u.organization.id}/audit?actorId=${me}`, u.auth)).items as { actor: { id: string } }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actor.id === me)).toBe(true);
    const all = json(await get(`/api/v1/orgs/${u.organization.id}/audit?limit=200`, u.auth)).items as { actor: { id: string | null } }[];
    expect(mine.length).toBeLessThan(all.length);
  });

  it('SEC-1: the CSV export holds the filtered log, as an attachment, with formula cells neutralised', async () => {
    const u = await verifiedUser(t);
    const g = await post(`/api/v1/orgs/${u.organization.id}/groups`, u.auth, { name: '=HYPERLINK("http://evil.example","x")' });
    expect(g.statusCode).toBe(201);
    for (const url of [`/api/v1/orgs/${u.organization.id}/audit.csv?action=directory.`, `/api/v1/orgs/${u.organization.id}/audit.csv?actionPrefix=directory.`]) {
      const res = await get(url, u.auth);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit\.csv"$/);
      const lines = res.body.trim().split('\r\n');
      expect(lines[0]).toBe('seq,at,action,actor_type,actor_id,actor_name,target_type,target_id,target_name,ip,request_id,org_id,details');
      const rows = lines.slice(1);
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.every((r) => r.split(',')[2]?.startsWith('directory.'))).toBe(true);
      const row = rows.find((r) => r.includes('directory.group_created'));
      expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
      expect(csvValue(`'=HYPERLINK("http://evil.example","x")`)).toBe('=HYPERLINK("http://evil.example","x")');
      expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
    }
    const signins = (await get(`/api/v1/orgs/${u.organization.id}/audit.csv?action=auth.signin`, u.auth)).body.trim().split('\r\n');
    expect(signins.slice(1).every((r) => r.split(',')[2] === 'auth.signin')).toBe(true);
  });

  it('DIR-1: no names leak across organizations; another organization’s CSV answers 404', async () => {
    const a = await verifiedUser(t);
    const b = await verifiedUser(t);
    await post(`/api/v1/orgs/${b.organization.id}/groups`, b.auth, { name: 'Secret project B' });
    const res = await get(`/api/v1/orgs/${b.organization.id}/audit.csv`, a.auth);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Secret project B');
    // An entry of a's organization that names b's objects by id gets no name for them.
    const names = await t.app.directory.organizations.namesIn(t.app.db, a.organization.id, [b.user.id, b.organization.id]);
    expect(names.size).toBe(0);
    const own = await t.app.directory.organizations.namesIn(t.app.db, b.organization.id, [b.user.id, b.organization.id]);
    expect(own.size).toBe(2);
    const mine = await get(`/api/v1/orgs/${a.organization.id}/audit.csv`, a.auth);
    expect(mine.body).not.toContain('Secret project B');
    expect(mine.body).not.toContain(b.organization.id);
  });

  it('SEC-1: staff read the whole log with names, and export it as CSV filtered by organization', async () => {
    const u = await verifiedUser(t);
    await post(`/api/v1/orgs/${u.organization.id}/groups`, u.auth, { name: 'Staff-visible group' });
    const auth = await staff('owner');
    const page = json(await get(`/api/v1/staff/audit?orgId=${u.organization.id}&actionPrefix=directory.group`, auth));
    expect(page.items[0]).toMatchObject({ targetName: 'Staff-visible group' });
    const added = json(await get('/api/v1/staff/audit?action=staff.added&limit=1', auth)).items[0];
    expect(added.actorName === null || typeof added.actorName === 'string').toBe(true);
    const res = await get(`/api/v1/staff/audit.csv?orgId=${u.organization.id}&action=directory.`, auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.body).toContain('Staff-visible group');
    expect((await get('/api/v1/staff/audit.csv', await staff('support'))).statusCode).toBe(403);
    expect((await get('/api/v1/staff/audit.csv', u.auth)).statusCode).toBe(403);
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
