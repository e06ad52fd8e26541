import { type Kysely, sql } from 'kysely';

/**
 * Records every row written (inserted, updated or deleted) in the given tables of a test's own
 * database, with triggers installed there, so that a test can tell cheaply whether a request wrote
 * anything instead of dumping the tables before and after it.
 */
export interface WriteRecord {
  /** The tables written since the last call (one entry per row and operation), emptying the record. */
  take(): Promise<Array<{ tbl: string; op: string }>>;
}

export async function recordWrites(db: Kysely<any>, dialect: 'sqlite' | 'postgres', tables: string[]): Promise<WriteRecord> {
  await sql`create table test_writes (tbl text not null, op text not null)`.execute(db);
  if (dialect === 'postgres') {
    await sql
      .raw(
        `create function test_note_write() returns trigger language plpgsql as $$
        begin
          insert into test_writes (tbl, op) values (tg_table_name, lower(tg_op));
          return null;
        end $$`,
      )
      .execute(db);
    for (const table of tables) {
      await sql.raw(`create trigger test_note_write after insert or update or delete on ${table} for each row execute function test_note_write()`).execute(db);
    }
  } else {
    for (const table of tables) {
      for (const op of ['insert', 'update', 'delete']) {
        await sql.raw(`create trigger test_note_${op}_${table} after ${op} on ${table} begin insert into test_writes (tbl, op) values ('${table}', '${op}'); end`).execute(db);
      }
    }
  }
  return {
    async take() {
      const { rows } = await sql<{ tbl: string; op: string }>`delete from test_writes returning tbl, op`.execute(db);
      return rows;
    },
  };
}
