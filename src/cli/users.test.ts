import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, startTestApp, uniqueEmail, verifiedUser } from '../../test/helpers/app.ts';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { dialects } from '../../test/helpers/databases.ts';

/**
 * DIR-2, DIR-4: `castellan users list|invite|resend|revoke`, the operator acting on an
 * organization's memberships through the directory's own use cases, on the database of a
 * running Castellan. The command sends the invitation mail itself (to the test's SMTP sink).
 */
describe.each(dialects)('castellan users on $name', (dialect) => {
  let t: TestApp;
  let admin: Admin;
  let orgId: string;
  // One server for the file; each test gets an organization of its own.
  beforeAll(async () => {
    t = await startTestApp(dialect, { realClock: true });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    admin = await verifiedUser(t);
    orgId = admin.organization.id as string;
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCliInProcess([...args, '--data-dir', t.db.dataDir], {
      env: { ...(t.db.url ? { DATABASE_URL: t.db.url } : {}), CASTELLAN_SMTP_URL: t.smtp.url, CASTELLAN_PUBLIC_URL: 'http://castellan.test', CASTELLAN_LOG_LEVEL: 'warn', ...env },
    });
  const membership = (id: string) => t.app.db.selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirst();
  const invitedId = (stdout: string) => /\((usr_[A-Za-z0-9_-]+)\)\n$/.exec(stdout)?.[1] as string;
  const invite = async (email: string, extra: string[] = []) => {
    const r = await cli(['users', 'invite', '--org', orgId, '--email', email, '--name', 'Grace Hopper', ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return { ...r, id: invitedId(r.stdout) };
  };

  it('DIR-2: invite answers the same for an address with an account and one without, and mails each an invitation', async () => {
    const elsewhere = await verifiedUser(t); // has an account, in another organization
    const fresh = uniqueEmail('fresh');
    const a = await invite(elsewhere.body.email, ['--username', 'grace']);
    const b = await invite(fresh, ['--username', 'hopper']);
    expect(a.stdout).toBe(`invited ${elsewhere.body.email} as grace (${a.id})\n`);
    expect(b.stdout).toBe(`invited ${fresh} as hopper (${b.id})\n`);
    // Same shape, nothing else: the answer does not tell whether the address has an account.
    expect(a.stdout.replace(elsewhere.body.email, 'X').replace('grace', 'U').replace(a.id, 'ID')).toBe(b.stdout.replace(fresh, 'X').replace('hopper', 'U').replace(b.id, 'ID'));
    expect(a.stderr).toBe(b.stderr);
    for (const id of [a.id, b.id]) expect(await membership(id)).toMatchObject({ org_id: orgId, status: 'invited', account_id: null, role: 'member' });

    for (const to of [elsewhere.body.email, fresh]) {
      const m = await t.smtp.waitFor((x) => x.to === to && x.subject.startsWith('Invitation'));
      expect(m.text).toMatch(/http:\/\/castellan\.test\/invitations\/[A-Za-z0-9_-]+/);
    }
    const audit = await t.app.db.selectFrom('audit_log').select(['actor_type', 'target_id']).where('action', '=', 'directory.user_invited').orderBy('seq').execute();
    expect(audit).toEqual([
      { actor_type: 'system', target_id: a.id },
      { actor_type: 'system', target_id: b.id },
    ]);

    // Inviting the same address twice is about this organization only.
    const again = await cli(['users', 'invite', '--org', orgId, '--email', fresh, '--name', 'Again']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('castellan: This address is already a member of, or invited to, this organization.\n');
  });

  it('DIR-2: list shows every membership as a table or JSON, filtered by status', async () => {
    const one = await invite(uniqueEmail('one'), ['--username', 'one']);
    const two = await invite(uniqueEmail('two'), ['--username', 'two']);
    const suspended = await invite(uniqueEmail('three'), ['--username', 'three']);
    await t.app.directory.users.suspend(
      { actor: { type: 'system', id: null }, ip: null, requestId: null, userAgent: null },
      await t.app.directory.callers.callerFor({ accountId: admin.accountId, sessionId: 'x', staffRole: null, emailVerified: true, mfa: false }, orgId),
      orgId,
      suspended.id,
    );

    const all = await cli(['users', 'list', '--org', orgId]);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+ROLE\s+USERNAME\s+EMAIL\s+NAME\s+LAST SIGN-IN$/);
    expect(lines).toHaveLength(5);
    expect(all.stdout).toMatch(new RegExp(`^${admin.user.id}\\s+active\\s+admin\\s+`, 'm'));
    expect(all.stdout).toMatch(new RegExp(`^${one.id}\\s+invited\\s+member\\s+one\\s+`, 'm'));
    expect(all.stdout).toMatch(new RegExp(`^${suspended.id}\\s+suspended\\s+member\\s+three\\s+`, 'm'));
    expect(all.stderr).toBe('4 user(s)\n');

    const invited = await cli(['users', 'list', '--org', orgId, '--status', 'invited', '--json']);
    expect(invited.code, invited.stderr).toBe(0);
    const items = JSON.parse(invited.stdout) as Array<{ id: string; status: string; email: string }>;
    expect(items.map((u) => u.id).sort()).toEqual([one.id, two.id].sort());
    expect(items.every((u) => u.status === 'invited')).toBe(true);
    const active = await cli(['users', 'list', '--org', orgId, '--status', 'active', '--json']);
    expect((JSON.parse(active.stdout) as Array<{ id: string }>).map((u) => u.id)).toEqual([admin.user.id]);

    const none = await cli(['users', 'list', '--org', (await verifiedUser(t)).organization.id as string, '--status', 'suspended']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: '0 user(s)\n' });
  });

  it('DIR-2: resend mails a new link (the old one stops working); revoke withdraws the invitation and frees its seat', async () => {
    const email = uniqueEmail('again');
    const { id } = await invite(email);
    const firstHash = (await membership(id))?.invite_token_hash;
    await t.smtp.waitFor((x) => x.to === email);

    const resent = await cli(['users', 'resend', '--org', orgId, '--user', id]);
    expect(resent).toEqual({ code: 0, stdout: `sent the invitation to ${email} again (${id})\n`, stderr: '' });
    await t.smtp.waitFor(() => t.smtp.messages.filter((x) => x.to === email).length === 2);
    expect((await membership(id))?.invite_token_hash).not.toBe(firstHash);

    const revoked = await cli(['users', 'revoke', '--org', orgId, '--user', id]);
    expect(revoked).toEqual({ code: 0, stdout: `withdrew the invitation to ${email} (${id})\n`, stderr: '' });
    expect(await membership(id)).toBeUndefined();
    const actions = await t.app.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['directory.user_invited', 'directory.invitation_resent', 'directory.invitation_revoked']);

    const gone = await cli(['users', 'revoke', '--org', orgId, '--user', id]);
    expect(gone).toEqual({ code: 1, stdout: '', stderr: `castellan: no user ${id} in organization ${orgId}\n` });
  });

  it('DIR-2: an accepted membership has no invitation to re-send or withdraw', async () => {
    for (const verb of ['resend', 'revoke']) {
      const r = await cli(['users', verb, '--org', orgId, '--user', admin.user.id as string]);
      expect(r.code, verb).toBe(1);
      expect(r.stderr).toBe('castellan: This user has already accepted, or the invitation was withdrawn.\n');
    }
    expect(await membership(admin.user.id as string)).toMatchObject({ status: 'active' });
  });

  it('DIR-4: the free plan limit holds for the operator too: invited users count, the 11th is refused', async () => {
    for (let i = 0; i < 9; i++) await invite(uniqueEmail(`seat${i}`));
    const eleventh = await cli(['users', 'invite', '--org', orgId, '--email', uniqueEmail('eleventh'), '--name', 'Too Many']);
    expect(eleventh.code).toBe(1);
    expect(eleventh.stderr).toBe('castellan: The free plan allows at most 10 users (active or invited). Upgrade to add more.\n');
    // The operator's way past it.
    expect((await cli(['org', 'plan', '--org', orgId, '--plan', 'paid'])).code).toBe(0);
    await invite(uniqueEmail('eleventh'));
  });

  it('ACC-7: invitations are rate-limited per address for the operator too, saying when to try again', async () => {
    const env = { CASTELLAN_INVITATIONS_PER_ADDRESS_DAY: '2' };
    const email = uniqueEmail('limited');
    const first = await cli(['users', 'invite', '--org', orgId, '--email', email, '--name', 'Limited'], env);
    expect(first.code, first.stderr).toBe(0);
    const id = invitedId(first.stdout);
    expect((await cli(['users', 'resend', '--org', orgId, '--user', id], env)).code).toBe(0);
    const third = await cli(['users', 'resend', '--org', orgId, '--user', id], env);
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(/^castellan: Too many invitations were sent\. Try again later\. \(try again in \d+ minute\(s\)\)\n$/);
  });

  it('DIR-1: an unknown organization is named (exit 1); an unknown user too', async () => {
    for (const args of [
      ['users', 'list', '--org', 'org_nope'],
      ['users', 'invite', '--org', 'org_nope', '--email', uniqueEmail(), '--name', 'N'],
      ['users', 'resend', '--org', 'org_nope', '--user', 'usr_nope'],
      ['users', 'revoke', '--org', 'org_nope', '--user', 'usr_nope'],
    ]) {
      const r = await cli(args);
      expect(r, args.join(' ')).toEqual({ code: 1, stdout: '', stderr: 'castellan: no organization org_nope\n' });
    }
    // Another organization's user is not this organization's.
    const other = await verifiedUser(t);
    const r = await cli(['users', 'revoke', '--org', orgId, '--user', other.user.id as string]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `castellan: no user ${other.user.id} in organization ${orgId}\n` });
    expect(await membership(other.user.id as string)).toMatchObject({ status: 'active' });
  });

  it.each([
    ['a bad email', ['users', 'invite', '--email', 'not-an-address', '--name', 'N'], /email/i],
    ['a missing name', ['users', 'invite', '--email', 'x@example.com'], /--name/],
    ['a bad username', ['users', 'invite', '--email', 'x@example.com', '--name', 'N', '--username', 'Has Spaces'], /username/i],
    ['an unknown status', ['users', 'list', '--status', 'gone'], /--status.*gone/],
    ['a missing user', ['users', 'resend'], /--user/],
  ])('SEC-3: %s exits 2 with one line and invites nobody', async (_what, args, message) => {
    const r = await cli([...args, '--org', orgId]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^castellan: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
    expect(await t.app.db.selectFrom('memberships').select('id').where('org_id', '=', orgId).execute()).toHaveLength(1);
  });
});
