import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema.ts';

/** Every table of the database the app uses (its own migration tables left out). */
export async function tableNames(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const q =
    dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`;
  return (await q.execute(db)).rows.map((r) => r.name).filter((n) => !n.startsWith('kysely_'));
}

/**
 * DSR-5, DSR-6: every text cell of every table that holds one of the needles (any case), as table →
 * cells: what a scan after an erasure must find only in the tables kept under a named exception.
 */
export async function traces(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', needles: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const lower = needles.map((n) => n.toLowerCase());
  for (const table of await tableNames(db, dialect)) {
    for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows) {
      const hits = Object.values(row)
        .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v))
        .filter((v): v is string => typeof v === 'string' && lower.some((n) => v.toLowerCase().includes(n)));
      if (hits.length > 0) found.set(table, [...(found.get(table) ?? []), ...hits]);
    }
  }
  return found;
}
