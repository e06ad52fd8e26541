import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Admin, GOOD_PASSWORD, type TestApp, acceptedMember, json, signIn, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { traces } from '../../../test/helpers/traces.ts';

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

  it('DSR-6: suspended members are told too, each once even when a page is retried after a crash; no one is invited or imported during the wait', async () => {
    const a = await verifiedUser(t, { companyName: 'Told Once' });
    const org = `/api/v1/orgs/${a.organization.id}`;
    const member = await acceptedMember(t, a);
    const suspended = await acceptedMember(t, a);
    await ok('POST', `${org}/users/${suspended.user.id}/suspend`, a.auth);
    expect((await call('POST', deletion(a), a.auth, { name: 'Told Once', password: GOOD_PASSWORD })).statusCode).toBe(202);
    await t.app.jobRunner.drain();
    const id = (await t.app.db.selectFrom('org_deletions').select('id').where('org_id', '=', a.organization.id).executeTakeFirstOrThrow()).id;
    const told = async (subject: string) => {
      const rows = await t.app.db.selectFrom('mail_outbox').select('to_address').where('to_address', 'in', [a.body.email, member.email, suspended.email].map((e) => e.toLowerCase())).where('subject', 'like', `%${subject}%`).execute();
      return rows.map((r) => r.to_address).sort();
    };
    const everyone = [a.body.email, member.email, suspended.email].map((e) => e.toLowerCase()).sort();
    expect(await told('scheduled for deletion')).toEqual(everyone);

    // A crash after the page's commit, before the job was marked done: the page runs again and mails no one.
    const notices = t.app.orgDeletion.jobHandlers.find((h) => h.kind === 'directory.org_deletion_notice');
    const rerun = (notice: 'scheduled' | 'cancelled') =>
      notices?.run({ id: 'job_rerun', kind: 'directory.org_deletion_notice', payload: { deletionId: id, notice, after: null }, attempts: 2, maxAttempts: 10, dedupeKey: null, runAt: '', createdAt: '' }, { nodeId: 'test', signal: new AbortController().signal, heartbeat: async () => {} });
    await rerun('scheduled');
    expect(await told('scheduled for deletion')).toEqual(everyone);

    // Someone added now would never be told: invitations and imports wait for a cancellation.
    for (const [url, payload] of [
      [`${org}/users`, { email: uniqueEmail('late'), name: 'Late Comer' }],
      [`${org}/users/import`, { format: 'csv', data: `email,name,username,groups\n${uniqueEmail('late')},Late Import,lateimport,\n` }],
    ] as const) {
      const res = await call('POST', url, a.auth, payload);
      expect([res.statusCode, json(res).code], url).toEqual([409, 'directory.organization_deletion_pending']);
    }
    expect((await call('DELETE', deletion(a), a.auth)).statusCode).toBe(204);
    await t.app.jobRunner.drain();
    await rerun('cancelled');
    expect(await told('was cancelled')).toEqual(everyone);
    expect((await call('POST', `${org}/users`, a.auth, { email: uniqueEmail('after'), name: 'After Cancel' })).statusCode).toBe(201);
  });

  const ldapOrg = async (orgId: string) => t.app.db.selectFrom('organizations').select(['id', 'name', 'slug', 'deleted_at']).where('id', '=', orgId).where('deleted_at', 'is', null).executeTakeFirst();

  /**
   * An organization with data in every module: a member in a group bound to an LDAP application, a
   * service account, an invitation, a card, an open ticket with an attachment that quotes the
   * member's name, username, address and DN, and disclosures about the member and the invitee.
   */
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
      body: `Hello, ${memberName} (${member.email}) cannot bind as uid=${member.user.username},ou=people,o=${a.organization.slug},dc=castellan; the user ${member.user.username} exists.`,
      environment: 'production',
      productionImpact: true,
      attachments: [{ filename: 'slapd.log', contentType: 'text/plain', contentBase64: Buffer.from(`bind dn=${member.email} failed`).toString('base64') }],
    });
    const memberAccount = (await t.app.db.selectFrom('accounts').select('id').where('email_normalized', '=', member.email.toLowerCase()).executeTakeFirstOrThrow()).id;
    const disclosure = (id: string, subject: { subject_type: string; subject_id: string | null; subject_email: string | null }) =>
      t.app.db
        .insertInto('disclosures')
        .values({ id, created_at: START, recipient_kind: 'integration', recipient_name: 'HR Sync', recipient_address: '1 Main St', categories: '["identifiers"]', purpose: 'provisioning', direct_marketing: 0, org_id: a.organization.id, recorded_by: null, reference: null, ...subject })
        .execute();
    const disclosures = { member: `dsc_m${memberAccount}`, invitee: `dsc_i${memberAccount}` };
    await disclosure(disclosures.member, { subject_type: 'user', subject_id: memberAccount, subject_email: null });
    await disclosure(disclosures.invitee, { subject_type: 'email', subject_id: null, subject_email: invited.toLowerCase() });
    return { a, member, invited, memberAccount, disclosures, slug: a.organization.slug as string };
  }

  const counts = async (orgId: string) => {
    const n = async (table: 'memberships' | 'groups' | 'group_members' | 'resources' | 'bindings' | 'service_accounts' | 'cards' | 'support_tickets' | 'support_attachments') =>
      Number((await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n);
    const out: Record<string, number> = {};
    for (const table of ['memberships', 'groups', 'group_members', 'resources', 'bindings', 'service_accounts', 'cards', 'support_tickets', 'support_attachments'] as const) out[table] = await n(table);
    return out;
  };

  it('DSR-6, DSR-9, DIR-1: after 7 days access stops, every module erases the organization, the admin gets the completion record, and nothing else changes', async () => {
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
    const byId = await traces(t.app.db, dialect.name, [orgId]);
    expect([...byId.keys()].filter((table) => !kept[table]), JSON.stringify([...byId])).toEqual([]);
    // Its name, its LDAP subtree's name and its people's names, usernames and addresses: only in the audit log and in the members' own accounts and mail.
    const byName = await traces(t.app.db, dialect.name, ['Doomed Widgets', `o=${doomed.slug}`, 'Quentin Marlowe', member.user.username, member.email]);
    expect([...byName.keys()].filter((table) => !['audit_log', 'accounts', 'mail_outbox'].includes(table)), JSON.stringify([...byName])).toEqual([]);
    // An invitee without an account has no account and no mail of their own: nothing of them is left but the audit log.
    const byInvitee = await traces(t.app.db, dialect.name, [doomed.invited]);
    expect([...byInvitee.keys()].filter((table) => table !== 'audit_log'), JSON.stringify([...byInvitee])).toEqual([]);
    const ticket = await t.app.db
      .selectFrom('support_tickets')
      .select(['subject', 'requester_name', 'opened_by', 'status', 'close_reason', 'first_response_due_at', 'next_response_due_at', 'resolution_due_at'])
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    expect(ticket).toEqual({
      subject: 'LDAP bind fails for [erased; kept under support_inquiry]',
      requester_name: '[erased; kept under support_inquiry]',
      opened_by: null,
      // Open tickets close with the organization: nothing is left in the queue, nothing comes due.
      status: 'closed',
      close_reason: 'organization_deleted',
      first_response_due_at: null,
      next_response_due_at: null,
      resolution_due_at: null,
    });
    // The ledger keeps the disclosures without the organization; the member's account stays, and so does its subject; the invitee's goes.
    const ledger = await t.app.db.selectFrom('disclosures').select(['id', 'subject_type', 'subject_id', 'subject_email', 'org_id']).where('id', 'in', [doomed.disclosures.member, doomed.disclosures.invitee]).orderBy('id').execute();
    expect(ledger).toEqual([
      { id: doomed.disclosures.invitee, subject_type: null, subject_id: null, subject_email: null, org_id: null },
      { id: doomed.disclosures.member, subject_type: 'user', subject_id: doomed.memberAccount, subject_email: null, org_id: null },
    ]);
    expect(await t.app.audit.verify()).toMatchObject({ ok: true });

    // The completion record, to the admin who asked.
    const record = await t.smtp.waitFor((m) => m.to === a.body.email.toLowerCase() && m.subject.startsWith('Organization deletion completed'));
    expect(record.text).toContain('“Doomed Widgets”');
    expect(record.text).toContain('directory.memberships: 3 removed');
    expect(record.text).toContain('support_inquiry: DSR-5: support inquiries may be kept for record keeping');
    expect(record.text).toContain(`Protocol access stopped: ${new Date(row.started_at as string).toUTCString()} (${row.started_at})`);
    expect(record.text).toContain(`Erasure completed: ${new Date(row.completed_at as string).toUTCString()} (${row.completed_at})`);

    // DSR-9: the members' own accounts are theirs: they still sign in; the other organization is untouched and still served.
    expect((await signIn(t, member.email, member.password)).token).toBeTruthy();
    expect(await counts(other.a.organization.id)).toEqual(before);
    expect(before.memberships).toBe(3);
    expect(await ldapBind(other.slug, other.member.user.username, other.member.password)).toBe(true);
    expect((await call('GET', `/api/v1/orgs/${other.a.organization.id}`, other.a.auth)).statusCode).toBe(200);

    // DIR-1: the name is free for a later organization, but the subtree's name is not: hosts still set up with the old DN bind into no one.
    const later = await verifiedUser(t, { companyName: 'Doomed Widgets' });
    expect(later.organization.slug).toBe(`${doomed.slug}-2`);
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
