import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp, verifiedUser } from '../../test/helpers/app.ts';
import { dialects } from '../../test/helpers/databases.ts';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { until } from '../../test/helpers/process.ts';

type User = Awaited<ReturnType<typeof verifiedUser>>;
const PUBLIC_URL = 'https://mail.castellan.test';

/**
 * The CLI runs against the database of a running Castellan (the test app, on
 * the real clock): the command queues, the app's mail worker sends, and the
 * links the command signed work on the app, because both read the same keys.
 */
describe.each(dialects)('castellan mail campaign / export contacts on $name', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { realClock: true, env: { CASTELLAN_PUBLIC_URL: PUBLIC_URL } });
  });
  afterEach(() => t.close());

  const cli = (args: string[]) => runCliInProcess([...args, '--data-dir', t.db.dataDir], { env: { DATABASE_URL: t.db.url, CASTELLAN_PUBLIC_URL: PUBLIC_URL, CASTELLAN_LOG_LEVEL: 'warn' } });

  async function choose(u: User, purpose: string, granted: boolean) {
    const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/consent', headers: u.auth, payload: { purpose, granted } });
    expect(res.statusCode, res.body).toBe(200);
  }

  const outbox = (subject: string) => t.app.db.selectFrom('mail_outbox').selectAll().where('subject', '=', subject).execute();

  it('PRV-7: `castellan mail campaign` queues one message per person who allows marketing email, and its one-click links work', async () => {
    const ada = await verifiedUser(t);
    const bob = await verifiedUser(t);
    await choose(bob, 'marketing_email', false);
    const body = path.join(t.db.dataDir, 'body.txt');
    writeFileSync(body, 'Our spring release is out.\n');

    const r = await cli(['mail', 'campaign', '--list', 'newsletter', '--subject', 'CLI news', '--body-file', body]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^queued 1 message\(s\) for list newsletter \(campaign cmp_[A-Za-z0-9_-]+\)\n$/);

    // The running app's worker sends what the command queued.
    const m = await t.smtp.waitFor((x) => x.to === ada.body.email && x.subject === 'CLI news');
    await until(async () => (await outbox('CLI news')).every((row) => row.status === 'sent'), 10_000, 'the campaign to be sent');
    expect(t.smtp.messages.filter((x) => x.to === bob.body.email && x.subject === 'CLI news')).toEqual([]);
    expect(m.text).toContain('Our spring release is out.');
    expect(m.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const url = /unsubscribe\?token=([A-Za-z0-9_-]+)/.exec(m.raw)?.[1];
    const res = await t.app.http.inject({ method: 'POST', url: `/unsubscribe?token=${url}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await t.app.privacy.consent.allows({ type: 'user', id: ada.user.accountId }, 'marketing_email')).toBe(false);

    const campaigns = await t.app.db.selectFrom('mail_campaigns').selectAll().execute();
    expect(campaigns).toEqual([expect.objectContaining({ list: 'newsletter', subject: 'CLI news', created_by: null, recipients: 1 })]);
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'privacy.campaign_sent').execute();
    expect(audit).toEqual([expect.objectContaining({ actor_type: 'system', target_id: campaigns[0]?.id })]);
  });

  it('PRV-7: `castellan mail campaign` refuses missing flags (exit 2), a missing body file and a bad list (exit 1), and queues nothing', async () => {
    await verifiedUser(t);
    const body = path.join(t.db.dataDir, 'body.txt');
    writeFileSync(body, 'x\n');
    const noBody = await cli(['mail', 'campaign', '--list', 'newsletter', '--subject', 'Nope']);
    expect(noBody.code).toBe(2);
    expect(noBody.stderr).toMatch(/^castellan: .*--body-file/);
    const missing = await cli(['mail', 'campaign', '--list', 'newsletter', '--subject', 'Nope', '--body-file', path.join(t.db.dataDir, 'nope.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^castellan: .*no such file/i);
    const badList = await cli(['mail', 'campaign', '--list', 'Spring Sale!', '--subject', 'Nope', '--body-file', body]);
    expect(badList.code).toBe(1);
    expect(badList.stderr).toBe('castellan: A list name is 1 to 40 lowercase letters, digits and dashes.\n');
    expect(await outbox('Nope')).toEqual([]);
    expect(await t.app.db.selectFrom('mail_campaigns').selectAll().execute()).toEqual([]);
  });

  it('PRV-7: `castellan export contacts` lists only people with a recorded opt-in for the purpose', async () => {
    const address = '1 Main St, Denver, CO 80202';
    const phone = '+1 303 555 0100';
    // A leading + would make a spreadsheet read the cell as a formula: it is written as text.
    const phoneCell = `'${phone}`;
    const optedIn = await verifiedUser(t, { phone, address });
    const never = await verifiedUser(t, { phone, address });
    const changedMind = await verifiedUser(t);
    const callsOnly = await verifiedUser(t, { phone });
    await choose(optedIn, 'direct_mail', true);
    await choose(changedMind, 'direct_mail', true);
    await choose(changedMind, 'direct_mail', false);
    await choose(callsOnly, 'telemarketing', true);
    // Opt-out purposes allowed by default do not count for anything here.
    await choose(never, 'marketing_email', true);

    const mail = await cli(['export', 'contacts', '--purpose', 'direct_mail']);
    expect(mail.code, mail.stderr).toBe(0);
    expect(mail.stdout).toBe(
      `id,name,email,organization_name,organization_address,phone\n${optedIn.user.accountId},Ada Lovelace,${optedIn.body.email},Analytical Engines Ltd,"${address}",${phoneCell}\n`,
    );
    const out = path.join(t.db.dataDir, 'calls.csv');
    const calls = await cli(['export', 'contacts', '--purpose', 'telemarketing', '--format', 'csv', '--out', out]);
    expect(calls.code, calls.stderr).toBe(0);
    expect(calls.stderr).toBe(`exported 1 contact(s) to ${out}\n`);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'id,name,email,organization_name,organization_address,phone',
      `${callsOnly.user.accountId},Ada Lovelace,${callsOnly.body.email},Analytical Engines Ltd,,${phoneCell}`,
    ]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const audit = await t.app.db.selectFrom('audit_log').select('details').where('action', '=', 'privacy.contacts_exported').orderBy('seq').execute();
    expect(audit.map((a) => JSON.parse(a.details))).toEqual([
      { purpose: 'direct_mail', format: 'csv', contacts: 1 },
      { purpose: 'telemarketing', format: 'csv', contacts: 1 },
    ]);

    for (const args of [['--purpose', 'marketing_email'], ['--purpose', 'partner_sharing'], [], ['--purpose', 'direct_mail', '--format', 'xml']]) {
      const bad = await cli(['export', 'contacts', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/^castellan: .*(--purpose|--format)/);
      expect(bad.stdout).toBe('');
    }
  });
});
