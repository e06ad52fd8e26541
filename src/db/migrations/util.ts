import { type Kysely, SqliteAdapter } from 'kysely';

/** Migrations are frozen in time: they take Kysely<any> and never import application code. */
export const isSqlite = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof SqliteAdapter;
