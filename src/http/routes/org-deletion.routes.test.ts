import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Admin, GOOD_PASSWORD, type TestApp, acceptedMember, json, signIn, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

type Auth = Record<string, string>;
const DAY = 86_400_000;
const START = '2026-11-16T17:00:00.000Z';
const deletion = (a: Admin) => `/api/v1/orgs/${a.organization.id}/deletion`;

describe.each(dialects)('organization deletion on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let ldaps: string;
  let ca: Buffer;
  beforeAll(async () => {
    clock = new ManualClock(START);
    t = await startTestApp(dialect, { clock, env: { CASTELLAN_SESSION_TTL_SECONDS: String(365 * 86_400), CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0' } });
    ldaps = `ldaps://127.0.0.1:${(await t.app.startLdap()).ldapsPort}`;
    ca = readFileSync(path.join(t.db.dataDir, 'ldap-ca.pem'));
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, headers: Auth, payload?: object) => t.app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const ok = async (method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, headers: Auth, payload?: object) => {
    const res = await call(method, url, headers, payload);
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body ? json(res) : {};
  };
  const pendingErasures = async (orgId: string) =>
    (await t.app.db.selectFrom('org_deletions').select('id').where('org_id', '=', orgId).where('state', '=', 'scheduled').execute()).length;
  const ldapBind = async (slug: string, username: string, password: string) => {
    const client = new Client({ url: ldaps, tlsOptions: { ca: [ca] }, timeout: 10_000, connectTimeout: 10_000 });
    try {
      await client.bind(`uid=${username},ou=people,o=${slug},dc=castellan`, password);
      return true;
    } catch {
      return false;
    } finally {
      await client.unbind().catch(() => {});
    }
  };

  it('DSR-6: only its admins may ask, re-authenticated, with the name typed exactly; another organization answers 404', async () => {
    const a = await verifiedUser(t, { companyName: 'Exact Name Ltd' });
    const b = await verifiedUser(t);
    const member = await acceptedMember(t, a);
    expect(json(await call('GET', deletion(a), a.auth))).toEqual({ state: 'none', requestedAt: null, deleteAt: null });

    // A stale session is not enough (DSR-2): the password, or a re-auth just before.
    const stale = await call('POST', deletion(a), a.auth, { name: 'Exact Name Ltd' });
    expect([stale.statusCode, json(stale).code]).toEqual([403, 'accounts.reauthentication_required']);
    const wrongPassword = await call('POST', deletion(a), a.auth, { name: 'Exact Name Ltd', password: 'not-the-password-at-all' });
    expect([wrongPassword.statusCode, json(wrongPassword).code]).toEqual([403, 'accounts.reauthentication_failed']);
    for (const name of ['exact name ltd', 'Exact Name Ltd ', 'Exact Name']) {
      const wrong = await call('POST', deletion(a), a.auth, { name, password: GOOD_PASSWORD });
      expect([wrong.statusCode, json(wrong).code]).toEqual([422, 'directory.org_name_mismatch']);
    }
    // A plain member may not; another organization's admin is told nothing.
    expect((await call('POST', deletion(a), member.auth, { name: 'Exact Name Ltd', password: member.password })).statusCode).toBe(403);
    expect((await call('GET', deletion(a), member.auth)).statusCode).toBe(403);
    for (const method of ['GET', 'DELETE'] as const) expect((await call(method, deletion(a), b.auth)).statusCode).toBe(404);
    expect((await call('POST', deletion(a), b.auth, { name: 'Exact Name Ltd', password: GOOD_PASSWORD })).statusCode).toBe(404);
    expect(await pendingErasures(a.organization.id)).toBe(0);

    // After a re-authentication on the session, the password may be left out.
    expect((await call('POST', '/api/v1/me/reauth', a.auth, { password: GOOD_PASSWORD })).statusCode).toBe(200);
    const scheduled = await call('POST', deletion(a), a.auth, { name: 'Exact Name Ltd' });
    expect(scheduled.statusCode, scheduled.body).toBe(202);
    expect(await pendingErasures(a.organization.id)).toBe(1);
    expect((await call('DELETE', deletion(a), a.auth)).statusCode).toBe(204);
  });

  it('DSR-6: every member, active and invited, is mailed the date; a second request is a 409; a cancel stops the job and tells them', async () => {
    const a = await verifiedUser(t, { companyName: 'Cancel Co' });
    const member = await acceptedMember(t, a);
    const invited = uniqueEmail('invited');
    await ok('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email: invited, name: 'Ivy Invited' });
    const res = await call('POST', deletion(a), a.auth, { name: 'Cancel Co', password: GOOD_PASSWORD });
    expect(res.statusCode, res.body).toBe(202);
    const body = json(res);
    expect(body).toEqual({ state: 'scheduled', requestedAt: t.clock.now().toISOString(), deleteAt: new Date(t.clock.now().getTime() + 7 * DAY).toISOString() });
    expect(json(await call('GET', deletion(a), a.auth))).toEqual(body);

    await t.app.jobRunner.drain();
    for (const to of [a.body.email, member.email, invited]) {
      const m = await t.smtp.waitFor((x) => x.to === to.toLowerCase() && x.subject.includes('scheduled for deletion'));
      expect(m.text).toContain('“Cancel Co”');
      expect(m.text).toContain(body.deleteAt);
    }
    const again = await call('POST', deletion(a), a.auth, { name: 'Cancel Co', password: GOOD_PASSWORD });
    expect([again.statusCode, json(again).code]).toEqual([409, 'directory.org_deletion_scheduled']);

    expect((await call('DELETE', deletion(a), a.auth)).statusCode).toBe(204);
    expect(json(await call('GET', deletion(a), a.auth))).toEqual({ state: 'none', requestedAt: null, deleteAt: null });
    expect(await t.app.db.selectFrom('jobs').select('id').where('kind', '=', 'directory.org_deletion').where('status', '=', 'queued').where('dedupe_key', 'in', t.app.db.selectFrom('org_deletions').select('id').where('org_id', '=', a.organization.id)).execute()).toEqual([]);
    const again2 = await call('DELETE', deletion(a), a.auth);
    expect([again2.statusCode, json(again2).code]).toEqual([409, 'directory.org_deletion_not_scheduled']);
    await t.app.jobRunner.drain();
    for (const to of [a.body.email, member.email, invited]) await t.smtp.waitFor((x) => x.to === to.toLowerCase() && x.subject.includes('was cancelled'));
    const audit = await t.app.db.selectFrom('audit_log').select('action').where('org_id', '=', a.organization.id).where('action', 'like', 'directory.organization_deletion%').orderBy('seq').execute();
    expect(audit.map((r) => r.action)).toEqual(['directory.organization_deletion_requested', 'directory.organization_deletion_cancelled']);

    // The wait passes: nothing happens to a cancelled deletion.
    clock.advance(8 * DAY);
    await t.app.jobRunner.drain();
    expect((await call('GET', `/api/v1/orgs/${a.organization.id}`, a.auth)).statusCode).toBe(200);
    expect(await ldapOrg(a.organization.id)).toBeDefined();
  });

  const ldapOrg = async (orgId: string) => t.app.db.selectFrom('organizations').select(['id', 'name', 'slug', 'deleted_at']).where('id', '=', orgId).where('deleted_at', 'is', null).executeTakeFirst();

  /** An organization with data in every module: a member in a group bound to an LDAP application, a service account, an invitation, a card and a ticket with an attachment. */
  async function populated(companyName: string, memberName: string) {
    const a = await verifiedUser(t, { companyName });
    const org = `/api/v1/orgs/${a.organization.id}`;
    const member = await acceptedMember(t, a, { name: memberName, username: `m${Date.now() % 100000}` });
    const invited = uniqueEmail('pending');
    await ok('POST', `${org}/users`, a.auth, { email: invited, name: `${memberName} Junior` });
    const app = await ok('POST', `${org}/resources`, a.auth, { kind: 'application', name: 'Linux hosts', settings: { protocol: 'ldap' } });
    const group = await ok('POST', `${org}/groups`, a.auth, { name: 'engineers' });
    await ok('POST', `${org}/groups/${group.id}/members`, a.auth, { userId: member.user.id });
    await ok('POST', `${org}/resources/${app.id}/bindings`, a.auth, { groupId: group.id });
    await ok('POST', `${org}/resources/${app.id}/service-accounts`, a.auth, { name: 'jenkins' });
    await ok('PUT', `${org}/billing/card`, a.auth, { number: '4242424242424242', cvc: '737', expMonth: 6, expYear: 2031, holderName: a.body.name });
    await ok('POST', `${org}/support/tickets`, a.auth, {
      subject: `LDAP bind fails for ${memberName}`,
      body: `Hello, ${memberName} (${member.email}) cannot bind.`,
      environment: 'production',
      productionImpact: true,
      attachments: [{ filename: 'slapd.log', contentType: 'text/plain', contentBase64: Buffer.from(`bind dn=${member.email} failed`).toString('base64') }],
    });
    return { a, member, invited, slug: a.organization.slug as string };
  }

  /** Every text cell of every table that holds one of the needles, as table → cells. */
  async function traces(needles: string[]): Promise<Map<string, string[]>> {
    const q =
      dialect.name === 'sqlite'
        ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
        : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`;
    const tables = (await q.execute(t.app.db)).rows.map((r) => r.name).filter((n) => !n.startsWith('kysely_'));
    const found = new Map<string, string[]>();
    const lower = needles.map((n) => n.toLowerCase());
    for (const table of tables) {
      for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.app.db)).rows) {
        const cells = Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v)).filter((v): v is string => typeof v === 'string');
        const hits = cells.filter((c) => lower.some((n) => c.toLowerCase().includes(n)));
        if (hits.length > 0) found.set(table, [...(found.get(table) ?? []), ...hits]);
      }
    }
    return found;
  }

  const counts = async (orgId: string) => {
    const n = async (table: 'memberships' | 'groups' | 'group_members' | 'resources' | 'bindings' | 'service_accounts' | 'cards' | 'support_tickets' | 'support_attachments') =>
      Number((await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n);
    const out: Record<string, number> = {};
    for (const table of ['memberships', 'groups', 'group_members', 'resources', 'bindings', 'service_accounts', 'cards', 'support_tickets', 'support_attachments'] as const) out[table] = await n(table);
    return out;
  };

  it('DSR-6, DSR-9: after 7 days access stops, every module erases the organization, the admin gets the completion record, and nothing else changes', async () => {
    const doomed = await populated('Doomed Widgets', 'Quentin Marlowe');
    const other = await populated('Lasting Gadgets', 'Rosalind Fairweather');
    const { a, member } = doomed;
    const orgId = a.organization.id as string;
    const before = await counts(other.a.organization.id);
    expect(await ldapBind(doomed.slug, member.user.username, member.password)).toBe(true);
    // A connection bound before the end of the wait.
    const bound = new Client({ url: ldaps, tlsOptions: { ca: [ca] }, timeout: 10_000, connectTimeout: 10_000 });
    await bound.bind(`uid=${member.user.username},ou=people,o=${doomed.slug},dc=castellan`, member.password);
    expect((await bound.search(`o=${doomed.slug},dc=castellan`, { filter: `(uid=${member.user.username})` })).searchEntries).toHaveLength(1);

    const res = await call('POST', deletion(a), a.auth, { name: 'Doomed Widgets', password: GOOD_PASSWORD });
    expect(res.statusCode, res.body).toBe(202);
    await t.app.jobRunner.drain();

    // Not a minute before the wait is over.
    clock.advance(7 * DAY - 60_000);
    await t.app.jobRunner.drain();
    expect(await ldapBind(doomed.slug, member.user.username, member.password)).toBe(true);
    clock.advance(120_000);
    await t.app.jobRunner.drain();

    // Protocol access has stopped: binds, searches on a connection bound before, the console and the API.
    expect(await ldapBind(doomed.slug, member.user.username, member.password)).toBe(false);
    await expect(bound.search(`o=${doomed.slug},dc=castellan`, { filter: `(uid=${member.user.username})` })).rejects.toThrow();
    await bound.unbind().catch(() => {});
    for (const url of [`/api/v1/orgs/${orgId}`, deletion(a), `/api/v1/orgs/${orgId}/users`]) expect((await call('GET', url, a.auth)).statusCode).toBe(404);
    const me = json(await call('GET', '/api/v1/me', member.auth));
    expect(JSON.stringify(me)).not.toContain(orgId);

    // Every module erased it: nothing of the organization outside the records kept under a named exception.
    const row = await t.app.db.selectFrom('org_deletions').selectAll().where('org_id', '=', orgId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'completed', requested_by_email: null, requested_by: a.accountId });
    const outcome = JSON.parse(row.outcome as string) as { modules: Record<string, Record<string, { deleted: number; deidentified: number; kept: number; exception: string | null }>> };
    expect(outcome.modules.directory).toMatchObject({
      memberships: { deleted: 3 },
      groups: { deleted: 1 },
      group_members: { deleted: 1 },
      resources: { deleted: 1 },
      bindings: { deleted: 1 },
      service_accounts: { deleted: 1 },
      organizations: { kept: 1, exception: 'deletion_record' },
      org_deletions: { kept: 1, exception: 'deletion_record' },
    });
    expect(outcome.modules.billing?.cards).toMatchObject({ deleted: 1 });
    expect(outcome.modules.support?.support_tickets).toMatchObject({ kept: 1, exception: 'support_inquiry' });
    expect(outcome.modules.support?.support_attachments).toMatchObject({ deleted: 1 });
    expect(outcome.modules.audit?.audit_log).toMatchObject({ exception: 'security_audit' });
    const kept: Record<string, string> = {};
    for (const tables of Object.values(outcome.modules)) for (const [table, e] of Object.entries(tables)) if (e.kept > 0 && e.exception) kept[table] = e.exception;
    const byId = await traces([orgId]);
    expect([...byId.keys()].filter((table) => !kept[table]), JSON.stringify([...byId])).toEqual([]);
    // Its name, its LDAP subtree's name and its people's names and addresses: only in the audit log and in the members' own accounts and mail.
    const byName = await traces(['Doomed Widgets', `o=${doomed.slug}`, 'Quentin Marlowe', doomed.invited]);
    expect([...byName.keys()].filter((table) => !['audit_log', 'accounts', 'mail_outbox'].includes(table)), JSON.stringify([...byName])).toEqual([]);
    const ticket = await t.app.db.selectFrom('support_tickets').select(['subject', 'requester_name', 'opened_by']).where('org_id', '=', orgId).executeTakeFirstOrThrow();
    expect(ticket).toEqual({ subject: 'LDAP bind fails for [erased; kept under support_inquiry]', requester_name: '[erased; kept under support_inquiry]', opened_by: null });
    expect(await t.app.audit.verify()).toMatchObject({ ok: true });

    // The completion record, to the admin who asked.
    const record = await t.smtp.waitFor((m) => m.to === a.body.email.toLowerCase() && m.subject.startsWith('Organization deletion completed'));
    expect(record.text).toContain('“Doomed Widgets”');
    expect(record.text).toContain('directory.memberships: 3 removed');
    expect(record.text).toContain('support_inquiry: DSR-5: support inquiries may be kept for record keeping');
    expect(record.text).toContain(row.completed_at as string);

    // DSR-9: the members' own accounts are theirs: they still sign in; the other organization is untouched and still served.
    expect((await signIn(t, member.email, member.password)).token).toBeTruthy();
    expect(await counts(other.a.organization.id)).toEqual(before);
    expect(before.memberships).toBe(3);
    expect(await ldapBind(other.slug, other.member.user.username, other.member.password)).toBe(true);
    expect((await call('GET', `/api/v1/orgs/${other.a.organization.id}`, other.a.auth)).statusCode).toBe(200);

    // The name and the subtree's name are free for a later organization, and show nothing of the old one.
    const later = await verifiedUser(t, { companyName: 'Doomed Widgets' });
    expect(later.organization.slug).toBe(doomed.slug);
    expect((await call('GET', `/api/v1/orgs/${later.organization.id}/users`, later.auth)).json().items).toHaveLength(1);
  });

  it('DSR-1, DSR-5: the admin who asked finds the request in their access export; erasing them clears their account and address from it', async () => {
    const a = await verifiedUser(t, { companyName: 'Exported Deletions' });
    expect((await call('POST', deletion(a), a.auth, { name: 'Exported Deletions', password: GOOD_PASSWORD })).statusCode).toBe(202);
    const subject = await t.app.rights.subjectOf({ accountId: a.accountId });
    const exported = await t.app.rights.registry.exportAll(subject);
    expect(exported.modules.directory?.org_deletions).toEqual([expect.objectContaining({ org_id: a.organization.id, state: 'scheduled', requested_by: a.accountId, requested_by_email: a.body.email.toLowerCase() })]);
    const outcome = await t.app.rights.registry.eraseAll(subject, { basis: 'deletion_request', reference: null });
    expect(outcome.directory?.org_deletions).toMatchObject({ deidentified: 1 });
    expect(await t.app.db.selectFrom('org_deletions').select(['state', 'requested_by', 'requested_by_email']).where('org_id', '=', a.organization.id).executeTakeFirst()).toEqual({
      state: 'scheduled',
      requested_by: null,
      requested_by_email: null,
    });
  });
});
