import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../src/core/context.ts';
import { erasedMark, type PersonalDataHandler } from '../src/modules/rights/index.ts';
import { acceptedMember, type Admin, type TestApp, startTestApp, uniqueEmail, verifiedUser } from './helpers/app.ts';
import { dialects } from './helpers/databases.ts';
import { tableNames, traces } from './helpers/traces.ts';
import { untilMailSettled } from './helpers/outbox.ts';

/**
 * DESIGN.md, "Personal-data registry"; DSR-1, DSR-5. Every table whose type marks a column
 * `@personal` has a handler in the registry, so no table is forgotten by an access or deletion
 * request; and on each database, one person with data in every module gets all of it in an export,
 * without a secret, and after erasure none of it is left but records kept under a named exception.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const MODULES = path.join(ROOT, 'src', 'modules');

/** Table name → its columns marked `@personal`, read from every `*.tables.ts` (a `*Tables` interface maps tables to row types). */
function personalTables(): Map<string, string[]> {
  const personal = new Map<string, string[]>();
  for (const m of readdirSync(MODULES)) {
    for (const f of readdirSync(path.join(MODULES, m)).filter((n) => n.endsWith('.tables.ts'))) {
      const text = readFileSync(path.join(MODULES, m, f), 'utf8');
      const marked = markedColumns(text);
      for (const block of text.matchAll(/export interface \w+Tables \{([^}]*)\}/g)) {
        for (const t of (block[1] ?? '').matchAll(/^\s*(\w+):\s*(\w+)/gm)) {
          const columns = marked.get(t[2] as string) ?? [];
          if (columns.length > 0) personal.set(t[1] as string, columns);
        }
      }
    }
  }
  return personal;
}

/** Row type → the columns whose doc comment carries `@personal`. Read line by line: comments may hold braces. */
function markedColumns(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | null = null;
  let comment = '';
  let inComment = false;
  for (const line of text.split('\n')) {
    const opened = /^export interface (\w+) \{/.exec(line);
    if (opened) {
      current = opened[1] as string;
      comment = '';
      continue;
    }
    if (line.startsWith('}')) current = null;
    if (!current) continue;
    if (line.trim().startsWith('/**')) inComment = true;
    if (inComment) {
      comment += line;
      if (line.includes('*/')) inComment = false;
      continue;
    }
    const column = /^\s*(\w+)\??:/.exec(line);
    if (column) {
      if (/@personal\b/.test(comment)) out.set(current, [...(out.get(current) ?? []), column[1] as string]);
      comment = '';
    }
  }
  return out;
}

/** Every table the schema declares (the `*Tables` interfaces), as test/table-ownership.test.ts reads them. */
function declaredTables(): Set<string> {
  const out = new Set<string>();
  for (const m of readdirSync(MODULES)) {
    for (const f of readdirSync(path.join(MODULES, m)).filter((n) => n.endsWith('.tables.ts'))) {
      for (const block of readFileSync(path.join(MODULES, m, f), 'utf8').matchAll(/export interface \w+Tables \{([^}]*)\}/g)) {
        for (const t of (block[1] ?? '').matchAll(/^\s*(\w+):/gm)) out.add(t[1] as string);
      }
    }
  }
  return out;
}

const SECRET_COLUMNS = ['password_hash', 'totp_secret_enc', 'token_hash', 'code_hash', 'token', 'body_enc', 'detail_enc', 'imported_password_hash_enc', 'invite_token_hash', 'secret_hash'];
const NAME = 'Zebedee Quillfeather';

describe.each(dialects)('personal-data registry on $name', (dialect) => {
  let t: TestApp;
  let handlers: readonly PersonalDataHandler[];
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_MAIL_PROVIDER_NAME: 'Mail Relay Inc.', CASTELLAN_MAIL_PROVIDER_ADDRESS: '1 Relay Way, Denver, CO 80202' } });
    handlers = t.app.rights.registry.handlers();
  });
  afterAll(() => t.close());

  it('DSR-5: every table with a column marked @personal has a handler, and every handled table exists', () => {
    const personal = personalTables();
    expect(personal.size).toBeGreaterThanOrEqual(15);
    expect(personal.get('accounts')).toEqual(expect.arrayContaining(['email', 'name']));
    const handled = new Set(handlers.flatMap((h) => h.tables));
    const forgotten = [...personal.keys()].filter((table) => !handled.has(table)).map((table) => `${table} (${personal.get(table)?.join(', ')}) has no personal-data handler`);
    expect(forgotten).toEqual([]);
    const declared = declaredTables();
    expect([...handled].filter((table) => !declared.has(table)).map((table) => `a handler lists ${table}, which no module declares`)).toEqual([]);
    // Each handler covers tables of its own module only (DESIGN.md, module rules), and withholds only columns of them.
    for (const h of handlers) for (const w of h.withheld) expect(h.tables, `${h.module} withholds ${w.table}.${w.column}`).toContain(w.table);
  });

  it('DSR-6: every table with an org_id column is erased with its organization by its module’s handler', async () => {
    const withOrg: string[] = [];
    for (const table of await tableNames(t.app.db, dialect.name)) {
      const columns =
        dialect.name === 'sqlite'
          ? (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(t.app.db)).rows
          : (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(t.app.db)).rows;
      if (columns.some((c) => c.name === 'org_id')) withOrg.push(table);
    }
    expect(withOrg).toEqual(expect.arrayContaining(['memberships', 'support_tickets', 'audit_log', 'cards']));
    const erasing = new Set(handlers.filter((h) => h.eraseOrganization).flatMap((h) => h.tables));
    expect(withOrg.filter((table) => !erasing.has(table)).map((table) => `${table} holds organizations' rows, but no handler that erases an organization lists it`)).toEqual([]);
  });

  it('DSR-5: the reader finds a @personal column in a comment that holds braces, and ignores unmarked ones', () => {
    const text = 'export interface XTable {\n  id: string;\n  /**\n   * @personal A {braced} note.\n   */\n  email: string;\n  /** Not personal. */\n  plan: string;\n}\n';
    expect(markedColumns(text).get('XTable')).toEqual(['email']);
  });

  describe('one person with data in every module', () => {
    let a: Admin;
    let email: string;
    let visitorId: string;
    let member: Awaited<ReturnType<typeof acceptedMember>>;
    beforeAll(async () => {
      email = uniqueEmail('subject');
      // A visitor who allows profile combination browses, then signs up (PRV-6 links the visit).
      const first = await t.app.http.inject({ method: 'GET', url: '/api/v1/consent' });
      visitorId = first.cookies.find((c) => c.name === 'castellan_visitor')?.value as string;
      const cookies = { castellan_visitor: visitorId };
      expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/consent', cookies, payload: { purpose: 'profile_combination', granted: true } })).statusCode).toBeLessThan(300);
      expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/analytics/events', cookies, payload: { path: '/pricing', searchTerms: 'ldap' } })).statusCode).toBe(202);
      a = await verifiedUser(t, { email, name: NAME });
      expect(await t.app.privacy.analytics.linkVisitor(t.app.db, visitorId, a.accountId)).toBe(true);
      const call = (method: 'POST' | 'PUT', url: string, payload: object) => t.app.http.inject({ method, url, headers: { ...a.auth, 'user-agent': 'Subject Browser/1.0' }, payload });
      expect((await call('POST', '/api/v1/consent', { purpose: 'marketing_email', granted: false })).statusCode).toBeLessThan(300);
      expect((await call('POST', '/api/v1/analytics/events', { path: '/console' })).statusCode).toBe(202);
      const year = new Date().getUTCFullYear() + 2;
      expect((await call('PUT', `/api/v1/orgs/${a.organization.id}/billing/card`, { number: '4242424242424242', cvc: '737', expMonth: 6, expYear: year, holderName: NAME })).statusCode).toBe(200);
      const ticket = await call('POST', `/api/v1/orgs/${a.organization.id}/support/tickets`, {
        subject: `Bind fails for ${NAME}`,
        body: `Hello, I am ${NAME} (${email}); ldapsearch refuses my bind.`,
        environment: 'production',
        productionImpact: true,
        attachments: [{ filename: 'slapd.log', contentType: 'text/plain', contentBase64: Buffer.from(`bind dn=${email} failed`).toString('base64') }],
      });
      expect(ticket.statusCode, ticket.body).toBe(201);
      // A privacy question: its request, and the intake's rate-limit counter named after the address.
      expect((await call('POST', '/api/v1/privacy/requests', { kind: 'question', regime: 'other', details: `Who sees the data of ${NAME}?` })).statusCode).toBe(201);
      await t.app.accounts.sessions.signIn(anonymousContext('192.0.2.10', null), { email, password: a.body.password });
      // Someone the person invited: their membership names the person as its inviter.
      member = await acceptedMember(t, a);
      await t.app.jobRunner.drain();
      // The background runner may still be handing a message over; its delivery is then recorded in the ledger (PRV-9).
      await untilMailSettled({ dataDir: t.db.dataDir, databaseUrl: t.db.url }, [t.smtp]);
    });

    it('DSR-1: the export holds the person’s rows from every module, and no secret', async () => {
      const subject = await t.app.rights.subjectOf({ email: email.toUpperCase() });
      expect(subject).toMatchObject({ accountId: a.accountId, email: email.toLowerCase(), membershipIds: [a.user.id] });
      const exported = await t.app.rights.registry.exportAll(subject);
      const count = (module: string, table: string) => exported.modules[module]?.[table]?.length ?? 0;
      for (const [module, table] of [
        ['accounts', 'accounts'],
        ['accounts', 'sessions'],
        ['directory', 'memberships'],
        ['privacy', 'consent_events'],
        ['privacy', 'analytics_events'],
        ['privacy', 'visitor_links'],
        ['privacy', 'disclosures'],
        ['billing', 'cards'],
        ['support', 'support_tickets'],
        ['support', 'support_messages'],
        ['support', 'support_attachments'],
        ['audit', 'audit_log'],
        ['mail', 'mail_outbox'],
      ] as const) {
        expect(count(module, table), `${module}.${table}`).toBeGreaterThan(0);
      }
      expect(count('accounts', 'sessions')).toBeGreaterThanOrEqual(2);
      // The visitor's page view from before the sign-up, and the account's own.
      expect(count('privacy', 'analytics_events')).toBe(2);
      expect(exported.modules.accounts?.accounts?.[0]).toMatchObject({ id: a.accountId, name: NAME });
      const keys = Object.values(exported.modules).flatMap((tables) => Object.values(tables).flatMap((rows) => rows.flatMap((r) => Object.keys(r))));
      expect(keys.filter((k) => SECRET_COLUMNS.includes(k))).toEqual([]);
      expect(exported.withheld.map((w) => `${w.table}.${w.column}`)).toEqual(expect.arrayContaining(['accounts.password_hash', 'accounts.totp_secret_enc', 'sessions.token_hash', 'cards.token', 'mail_outbox.body_enc']));
      // Portable: plain JSON, attachments as base64.
      const attachment = exported.modules.support?.support_attachments?.[0];
      expect(Buffer.from(attachment?.content as string, 'base64').toString()).toContain(email);
      expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
    });

    it('DSR-1: the export holds the rate-limit counters named after the person’s address or account, which erasure removes', async () => {
      const subject = await t.app.rights.subjectOf({ accountId: a.accountId });
      const named = (key: string) => key.endsWith(`:${email.toLowerCase()}`) || key.endsWith(`:${a.accountId}`);
      const held = (await t.app.db.selectFrom('throttles').select('key').execute()).map((r) => r.key).filter(named);
      expect(held.length).toBeGreaterThan(0);
      const exported = await t.app.rights.registry.exportAll(subject);
      expect((exported.modules.accounts?.throttles ?? []).map((r) => r.key).sort()).toEqual(held.sort());
    });

    it('DSR-5: erasure leaves nothing of the person but records kept under a named exception, de-identified where they can be', async () => {
      const subject = await t.app.rights.subjectOf({ accountId: a.accountId });
      expect((await traces(t.app.db, dialect.name, [email, NAME, a.accountId])).size).toBeGreaterThan(5);
      const outcome = await t.app.rights.registry.eraseAll(subject, { basis: 'deletion_request', reference: null });

      expect(outcome.accounts?.accounts).toMatchObject({ deleted: 1 });
      expect(outcome.accounts?.sessions?.deleted).toBeGreaterThanOrEqual(2);
      // The person's own membership, and the one they invited (whose inviter reference goes).
      expect(outcome.directory?.memberships).toMatchObject({ deidentified: 2 });
      expect(outcome.privacy?.analytics_events).toMatchObject({ deleted: 2 });
      expect(outcome.privacy?.consent_events).toMatchObject({ exception: 'consent_proof', keptAs: 'unchanged' });
      expect(outcome.billing?.cards).toMatchObject({ kept: 1, exception: 'sales_transaction', keptAs: 'deidentified' });
      expect(outcome.support?.support_tickets).toMatchObject({ kept: 1, exception: 'support_inquiry', keptAs: 'deidentified' });
      expect(outcome.support?.support_attachments).toMatchObject({ deleted: 1 });
      expect(outcome.audit?.audit_log).toMatchObject({ exception: 'security_audit', keptAs: 'unchanged' });
      expect(outcome.audit?.audit_log?.kept).toBeGreaterThan(0);

      // Only the records the database keeps unchangeable still name the person; each outcome names its exception.
      const left = await traces(t.app.db, dialect.name, [email, NAME, a.accountId]);
      expect([...left.keys()].sort(), JSON.stringify([...left])).toEqual(['audit_log', 'consent_events']);
      // The kept sales and support records carry the exception they are kept under.
      const card = await t.app.db.selectFrom('cards').select(['holder_name', 'created_by', 'last4']).where('org_id', '=', a.organization.id).executeTakeFirstOrThrow();
      expect(card).toEqual({ holder_name: erasedMark('sales_transaction'), created_by: null, last4: '4242' });
      const ticket = await t.app.db.selectFrom('support_tickets').select(['requester_name', 'subject', 'opened_by']).where('org_id', '=', a.organization.id).executeTakeFirstOrThrow();
      expect(ticket).toEqual({ requester_name: erasedMark('support_inquiry'), subject: `Bind fails for ${erasedMark('support_inquiry')}`, opened_by: null });
      // SEC-1: the audit chain still verifies.
      expect(await t.app.audit.verify()).toMatchObject({ ok: true });
      // Nothing is left to export but the kept records.
      const after = await t.app.rights.registry.exportAll(await t.app.rights.subjectOf({ email }));
      expect(after.modules.accounts?.accounts).toEqual([]);
      expect(after.modules.directory?.memberships).toEqual([]);
      // The member the person invited is still there, and still theirs.
      expect(await t.app.db.selectFrom('memberships').select(['email', 'status', 'invited_by']).where('id', '=', member.user.id).executeTakeFirst()).toEqual({ email: member.email, status: 'active', invited_by: null });
    });
  });
});
