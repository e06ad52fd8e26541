import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp, verifiedUser } from './helpers/app.ts';
import { dialects } from './helpers/databases.ts';

/**
 * PRV-10: after cards are added (and attempts refused), no table, row, log
 * line or database file holds a full card number or a CVC.
 */
const SUBMITTED = [
  { number: '4242424242424242', cvc: '737', ok: true },
  { number: '378282246310005', cvc: '8413', ok: true },
  { number: '5555555555554444', cvc: '592', ok: true },
  { number: '4000000000000002', cvc: '416', ok: false },
  { number: '4242424242424241', cvc: '381', ok: false },
  { number: '6011111111111117', cvc: '29', ok: false },
] as const;

/**
 * A CVC is a few digits, which random ids and hashes contain by chance; it is
 * looked for as a value of its own (a JSON string or number, or a word), which
 * is how it would appear if it were stored or logged.
 */
const holdsCvc = (text: string, cvc: string) => new RegExp(`(^|["'\\s,=:\\[])${cvc}($|["'\\s,\\]}])`).test(text);

const stringify = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('latin1') : v));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe.each(dialects)('card data on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // The most verbose level: whatever could be logged, is.
    t = await startTestApp(dialect, { env: { CASTELLAN_LOG_LEVEL: 'trace' } });
  });
  afterAll(() => t.close());

  async function tableNames(): Promise<string[]> {
    const q =
      dialect.name === 'sqlite'
        ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
        : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`;
    return (await q.execute(t.app.db)).rows.map((r) => r.name);
  }

  it('PRV-10: after adding a card, a scan of every table and the logs finds no card number or CVC', async () => {
    const a = await verifiedUser(t);
    const url = `/api/v1/orgs/${a.organization.id}/billing/card`;
    const year = new Date().getUTCFullYear() + 2;
    for (const c of SUBMITTED) {
      const res = await t.app.http.inject({
        method: 'PUT',
        url,
        headers: a.auth,
        payload: { number: c.number, cvc: c.cvc, expMonth: 6, expYear: year, holderName: 'Ada Lovelace' },
      });
      expect(res.statusCode, res.body).toBe(c.ok ? 200 : c.cvc.length < 3 ? 400 : 422);
    }
    expect(json(await t.app.http.inject({ method: 'GET', url, headers: a.auth }))).toMatchObject({ brand: 'mastercard', last4: '4444' });
    await t.app.jobRunner.drain();

    const tables = await tableNames();
    expect(tables).toEqual(expect.arrayContaining(['cards', 'audit_log', 'organizations', 'accounts', 'memberships', 'mail_outbox']));
    const dump: string[] = [];
    for (const table of tables) {
      const rows = (await sql`select * from ${sql.table(table)}`.execute(t.app.db)).rows;
      for (const row of rows) {
        dump.push(stringify(row));
        for (const cell of Object.values(row as Record<string, unknown>)) if (typeof cell === 'string') dump.push(cell);
      }
    }
    // The scan sees what is stored: the token and what may be shown.
    const all = dump.join('\n');
    expect(all).toContain('tok_test_');
    expect(all).toContain('"last4":"4444"');
    expect(all).toContain('billing.card_replaced');
    expect(t.logs.length).toBeGreaterThan(10);
    expect(t.logs.join('\n')).toContain(`/api/v1/orgs/${a.organization.id}/billing/card`);

    // On SQLite the database files themselves, WAL included; the data directory also holds sent mail.
    const files = filesUnder(t.db.dataDir).map((f) => readFileSync(f).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);

    for (const c of SUBMITTED) {
      for (const [where, texts] of [['tables', dump], ['logs', t.logs], ['files', files]] as const) {
        for (const text of texts) {
          expect(text.includes(c.number), `${where} hold the number ${c.number}`).toBe(false);
          if (where !== 'files') expect(holdsCvc(text, c.cvc), `${where} hold the CVC ${c.cvc}: ${text.slice(0, 300)}`).toBe(false);
        }
      }
    }
    for (const text of [...dump, ...t.logs]) expect(text).not.toMatch(/"(cvc|cvv|number)"\s*:\s*"[0-9]/);
  });
});
