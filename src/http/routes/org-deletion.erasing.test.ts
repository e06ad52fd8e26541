import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { createOrgDeletion } from '../../modules/directory/index.ts';
import type { Job } from '../../modules/jobs/index.ts';
import { type TestApp, GOOD_PASSWORD, acceptedMember, callerOfToken, inviteTokenFor, json, signIn, staffMember, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

/**
 * DSR-6: the window between the access stop and the end of the erasure. The deletion job is run
 * here with a lapsed lease, so it stops access and then gives up at its first erasure step: the
 * organization is marked deleted while every row of it is still there.
 */
describe.each(dialects)('organization deletion while erasing on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const ctx = anonymousContext('127.0.0.1', null);
  const handler = (kind: string) => {
    const h = t.app.orgDeletion.jobHandlers.find((x) => x.kind === kind);
    if (!h) throw new Error(`no handler ${kind}`);
    return h;
  };
  const jobOf = (payload: object): Job<any> => ({ id: 'job_test', kind: 'directory.org_deletion', payload, attempts: 1, maxAttempts: 20, dedupeKey: null, runAt: '', createdAt: '' });
  const lapsed = () => ({ nodeId: 'test', signal: AbortSignal.abort(), heartbeat: async () => {} });

  /** Schedules the organization's deletion and runs its job with a lapsed lease: access stops, the erasure is rolled back. */
  async function stopAccessOnly(a: Awaited<ReturnType<typeof verifiedUser>>, name: string) {
    const res = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/deletion`, headers: a.auth, payload: { name, password: GOOD_PASSWORD } });
    expect(res.statusCode, res.body).toBe(202);
    const row = await t.app.db.selectFrom('org_deletions').select('id').where('org_id', '=', a.organization.id).executeTakeFirstOrThrow();
    await expect(handler('directory.org_deletion').run(jobOf({ deletionId: row.id }), lapsed())).rejects.toThrow(/lease/);
    return row.id;
  }

  const deletionRow = (id: string) => t.app.db.selectFrom('org_deletions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const count = async (table: 'memberships' | 'cards', orgId: string) =>
    Number((await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n);

  it('DSR-6: a run whose lease lapsed stops at its first erasure step, which rolls back; the next run finishes and counts every row once', async () => {
    const a = await verifiedUser(t, { companyName: 'Lapsed Lease Ltd' });
    await acceptedMember(t, a);
    const id = await stopAccessOnly(a, 'Lapsed Lease Ltd');
    const row = await deletionRow(id);
    expect(row.state).toBe('erasing');
    expect(JSON.parse(row.outcome as string)).toMatchObject({ done: [], transactions: 1 });
    expect(await count('memberships', a.organization.id)).toBe(2);

    await handler('directory.org_deletion').run(jobOf({ deletionId: id }), { nodeId: 'test', signal: new AbortController().signal, heartbeat: async () => {} });
    const done = await deletionRow(id);
    expect(done.state).toBe('completed');
    expect(JSON.parse(done.outcome as string).modules.directory.memberships).toMatchObject({ deleted: 2 });
    expect(await count('memberships', a.organization.id)).toBe(0);
  });

  it('DSR-6: a module another run finished meanwhile is not counted twice', async () => {
    const a = await verifiedUser(t, { companyName: 'Counted Once' });
    const id = await stopAccessOnly(a, 'Counted Once');
    const finishedElsewhere = { audit_log: { deleted: 0, deidentified: 0, kept: 7, exception: 'security_audit', keptAs: 'unchanged' } };
    // This run read the modules done before another run finished the audit module (its row records it).
    const racing = createOrgDeletion({
      db: t.app.db,
      clock: t.app.clock,
      audit: t.app.audit,
      mail: t.app.mail,
      jobs: { wake() {} } as never,
      config: { siteName: 'Castellan' },
      stepUp: async () => ({ email: '' }),
      async eraseOrganization(orgId, opts) {
        const row = await deletionRow(id);
        const progress = JSON.parse(row.outcome as string);
        progress.modules.audit = finishedElsewhere;
        progress.done.push('audit');
        await t.app.db.updateTable('org_deletions').set({ outcome: JSON.stringify(progress) }).where('id', '=', id).execute();
        return t.app.rights.registry.eraseOrganization(orgId, opts);
      },
    }).jobHandlers.find((h) => h.kind === 'directory.org_deletion');
    await racing?.run(jobOf({ deletionId: id }), { nodeId: 'test', signal: new AbortController().signal, heartbeat: async () => {} });
    const done = await deletionRow(id);
    expect(done.state).toBe('completed');
    expect(JSON.parse(done.outcome as string).modules.audit).toEqual(finishedElsewhere);
  });

  it("DSR-6, DIR-1: the mail to the organization's invitees goes with it, but not another organization's invitation to the same address", async () => {
    const a = await verifiedUser(t, { companyName: 'Mail Owner' });
    const b = await verifiedUser(t, { companyName: 'Other Inviter' });
    const [shared, only] = [uniqueEmail('shared'), uniqueEmail('only')];
    const inviteInto = async (admin: typeof a, email: string) => t.app.directory.users.invite(ctx, await callerOfToken(t, admin.token, admin.organization.id), admin.organization.id, { email, name: 'Pat Pending' });
    await inviteInto(a, shared);
    await inviteInto(a, only);
    await inviteInto(b, shared);
    const mailTo = async (email: string) => (await t.app.db.selectFrom('mail_outbox').select('id').where('to_address', '=', email.toLowerCase()).execute()).length;
    expect([await mailTo(shared), await mailTo(only)]).toEqual([2, 1]);
    const id = await stopAccessOnly(a, 'Mail Owner');
    await handler('directory.org_deletion').run(jobOf({ deletionId: id }), { nodeId: 'test', signal: new AbortController().signal, heartbeat: async () => {} });
    expect((await deletionRow(id)).state).toBe('completed');
    expect(await mailTo(only)).toBe(0);
    expect(await mailTo(shared)).toBeGreaterThanOrEqual(1);
  });

  it('DSR-6: once access stopped, writes in flight (an invitation, an import, a card, a plan, a rename) answer 404 and change nothing', async () => {
    const a = await verifiedUser(t, { companyName: 'In Flight Inc' });
    const orgId = a.organization.id as string;
    const admin = await callerOfToken(t, a.token, orgId);
    const billing = await staffMember(t, 'billing');
    const staff = await callerOfToken(t, billing.token);
    await stopAccessOnly(a, 'In Flight Inc');
    const before = await t.app.db.selectFrom('organizations').select(['name', 'plan', 'slug']).where('id', '=', orgId).executeTakeFirstOrThrow();

    const writes: Array<[string, () => Promise<unknown>]> = [
      ['invite', () => t.app.directory.users.invite(ctx, admin, orgId, { email: uniqueEmail('late'), name: 'Late Invitee' })],
      ['import', () => t.app.directory.transfer.importUsers(ctx, admin, orgId, { format: 'csv', text: `email,name,username,groups\n${uniqueEmail('imp')},Late Import,lateimport,\n` })],
      ['card', () => t.app.billing.cards.add(ctx, admin, orgId, { number: '4242424242424242', cvc: '737', expMonth: 6, expYear: 2031, holderName: 'Late Card' })],
      ['plan', () => t.app.directory.plans.setPlan(ctx, staff, orgId, { plan: 'paid' })],
      ['rename', () => t.app.directory.organizations.update(ctx, admin, orgId, { name: 'Renamed Too Late' })],
    ];
    for (const [what, write] of writes) await expect(write(), what).rejects.toMatchObject({ kind: 'not_found' });
    expect(await count('memberships', orgId)).toBe(1);
    expect(await count('cards', orgId)).toBe(0);
    expect(await t.app.db.selectFrom('organizations').select(['name', 'plan', 'slug']).where('id', '=', orgId).executeTakeFirstOrThrow()).toEqual(before);
  });

  it('DSR-6: an invitation link to an organization whose access stopped is invalid: it names nothing and accepts no one', async () => {
    const a = await verifiedUser(t, { companyName: 'Secretive Widgets' });
    const orgId = a.organization.id as string;
    const admin = await callerOfToken(t, a.token, orgId);
    const invited = await t.app.directory.users.invite(ctx, admin, orgId, { email: uniqueEmail('link'), name: 'Linda Link' });
    const holderEmail = uniqueEmail('holder');
    const holder = await verifiedUser(t, { email: holderEmail });
    const holderInvite = await t.app.directory.users.invite(ctx, admin, orgId, { email: holderEmail, name: 'Holder' });
    const token = await inviteTokenFor(t, invited.id);
    const holderToken = await inviteTokenFor(t, holderInvite.id);
    expect(json(await t.app.http.inject({ method: 'GET', url: `/api/v1/invitations/${token}` })).organization.name).toBe('Secretive Widgets');
    await stopAccessOnly(a, 'Secretive Widgets');

    const lookup = await t.app.http.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    expect([lookup.statusCode, json(lookup).code]).toEqual([422, 'directory.invalid_invitation']);
    expect(lookup.body).not.toContain('Secretive');
    const created = await t.app.http.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: GOOD_PASSWORD } });
    expect([created.statusCode, json(created).code]).toEqual([422, 'directory.invalid_invitation']);
    const signedIn = await t.app.http.inject({ method: 'POST', url: `/api/v1/invitations/${holderToken}/accept`, headers: holder.auth, payload: {} });
    expect([signedIn.statusCode, json(signedIn).code]).toEqual([422, 'directory.invalid_invitation']);
    const statuses = await t.app.db.selectFrom('memberships').select('status').where('org_id', '=', orgId).where('account_id', 'is', null).execute();
    expect(statuses.map((s) => s.status)).toEqual(['invited', 'invited']);
  });

  it('DSR-6: a membership of an organization whose access stopped neither blocks sign-in nor receives its audit entries', async () => {
    const a = await verifiedUser(t, { companyName: 'Suspending Org' });
    const orgId = a.organization.id as string;
    const member = await acceptedMember(t, a);
    const suspended = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/users/${member.user.id}/suspend`, headers: a.auth });
    expect(suspended.statusCode, suspended.body).toBe(200);
    await expect(signIn(t, member.email, member.password)).rejects.toThrow();
    await stopAccessOnly(a, 'Suspending Org');

    const entries = async () => (await t.app.db.selectFrom('audit_log').select('seq').where('org_id', '=', orgId).execute()).length;
    const before = await entries();
    expect((await signIn(t, member.email, member.password)).token).toBeTruthy();
    expect((await signIn(t, a.body.email, GOOD_PASSWORD)).token).toBeTruthy();
    expect(await entries()).toBe(before);
  });
});
