/**
 * SUP-2: staff who work the desk find colleagues by name (GET /api/v1/staff/members), to pick an
 * organization's specialist without copying ids. Only desk roles may search; answers hold who the
 * colleague is and their role, never anything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp, staffMember, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

describe.each(dialects)('staff search on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string>) => t.app.http.inject({ method: 'GET', url, headers });

  it('SUP-2: support and owner staff find active staff by part of the name in any case, literally, or by the whole id, with the role', async () => {
    const tag = `Numbat${Date.now().toString(36)}`;
    const ann = await staffMember(t, 'support', { name: `${tag} Ann` });
    const bob = await staffMember(t, 'billing', { name: `${tag} Bob` });
    const gone = await staffMember(t, 'support', { name: `${tag} Gone` });
    await t.app.db.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', gone.id).execute();
    for (const role of ['support', 'owner'] as const) {
      const caller = await staffMember(t, role);
      const res = await get(`/api/v1/staff/members?q=${tag.toUpperCase()}`, caller.auth);
      expect(res.statusCode, role).toBe(200);
      expect(json(res).items).toEqual([
        { id: ann.id, name: `${tag} Ann`, email: ann.email, staffRole: 'support' },
        { id: bob.id, name: `${tag} Bob`, email: bob.email, staffRole: 'billing' },
      ]);
      expect(res.body).not.toMatch(/password|secret|totp/i);
      expect(json(await get(`/api/v1/staff/members?q=${ann.id}`, caller.auth)).items.map((m: { id: string }) => m.id)).toEqual([ann.id]);
      expect(json(await get(`/api/v1/staff/members?q=${encodeURIComponent(`${tag}%`)}`, caller.auth)).items).toEqual([]);
      expect(json(await get(`/api/v1/staff/members?q=${tag}&limit=1`, caller.auth)).items).toHaveLength(1);
    }
  });

  it('SUP-6: billing and privacy staff and org admins are refused (403); customers never appear', async () => {
    const admin = await verifiedUser(t);
    for (const auth of [(await staffMember(t, 'billing')).auth, (await staffMember(t, 'privacy')).auth, admin.auth]) {
      expect((await get('/api/v1/staff/members', auth)).statusCode).toBe(403);
    }
    const owner = await staffMember(t, 'owner');
    const all = json(await get(`/api/v1/staff/members?q=${encodeURIComponent(admin.body.email)}`, owner.auth));
    expect(all.items).toEqual([]);
  });
});
