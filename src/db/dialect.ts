import { PostgresAdapter, type SelectQueryBuilder } from 'kysely';
import type { DialectName, Executor } from './schema.ts';

/**
 * Row locks, where the database has them. PostgreSQL serializes writers of a row only when the
 * row is read `FOR UPDATE`; SQLite has a single writer and no such clause. Repositories call these
 * helpers, so no service ever branches on the dialect.
 */
export const hasRowLocks = (ex: Executor): boolean => ex.getExecutor().adapter instanceof PostgresAdapter;

/** The query's rows, locked for the rest of the transaction on PostgreSQL. */
export function lockForUpdate<DB, TB extends keyof DB, O>(ex: Executor, q: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return hasRowLocks(ex) ? q.forUpdate() : q;
}

/** Claiming work several nodes share: rows another node holds are skipped, never waited for. */
export function lockSkipLocked<DB, TB extends keyof DB, O>(ex: Executor, q: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return hasRowLocks(ex) ? q.forUpdate().skipLocked() : q;
}

/** Which database the executor talks to, for the few queries each dialect writes its own way (full-text search, DISTINCT ON). */
export const dialectOf = (ex: Executor): DialectName => (hasRowLocks(ex) ? 'postgres' : 'sqlite');
