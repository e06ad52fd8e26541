import { existsSync } from 'node:fs';
import { privateDir, privateFile } from '../core/files.ts';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, PostgresDialect, type RawBuilder, SqliteDialect } from 'kysely';
import pg from 'pg';
import { withErrorTranslation } from './errors.ts';
import type { Database, DialectName, Executor } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, with any password removed: safe to log. */
  description: string;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when unset, SQLite at `sqlitePath` (or `<dataDir>/castellan.db`). */
  databaseUrl?: string | undefined;
  dataDir?: string;
  sqlitePath?: string;
  poolSize?: number;
}

// BIGINT (int8), e.g. count(*): numbers, as SQLite gives them.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
};

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every SQLite statement anew; preparing costs about as much as
 * running a small query. Castellan's queries are few and repeat, so prepared
 * statements are kept (least recently used out first). Castellan never streams
 * a query, so a cached statement is never busy when it is reused.
 */
function withStatementCache(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      const hit = cache.get(sql);
      if (hit) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = sqlite.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  };
}

/**
 * The reads every request makes (its session; the access decision) are run
 * straight on the database driver, past Kysely's connection queue and result
 * plumbing, which cost as much as the query itself. Only outside a transaction:
 * SQLite has one connection, and a read while another request's transaction is
 * open on it would see that transaction's uncommitted rows, so then the read
 * queues behind it the ordinary way. A direct reader answers undefined to decline.
 */
type DirectReader = (query: CompiledQuery) => Promise<unknown[]> | unknown[] | undefined;
const directReaders = new WeakMap<Executor, DirectReader>();

/** Runs a read-only statement and returns its rows: directly where it can, else through Kysely. */
export async function readRows<R>(ex: Executor, query: RawBuilder<R>): Promise<R[]> {
  const direct = directReaders.get(ex);
  if (direct) {
    const rows = direct(query.compile(ex));
    if (rows) return (await rows) as R[];
  }
  return (await query.execute(ex)).rows;
}

export function openDatabase(opts: DatabaseOptions): DatabaseHandle {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      types: pgTypes as pg.CustomTypesConfig,
    });
    // An idle client's error (the server restarted) must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: withErrorTranslation(new PostgresDialect({ pool })) });
    directReaders.set(db, async (q) => (await pool.query({ text: q.sql, values: q.parameters as unknown[] })).rows);
    return { db, dialect: 'postgres', description: redactUrl(opts.databaseUrl), destroy: () => db.destroy() };
  }
  const file = opts.sqlitePath ?? path.join(opts.dataDir ?? './data', 'castellan.db');
  if (file !== ':memory:') {
    privateDir(path.dirname(file));
    // SQLite gives its -wal and -shm files the database file's own mode: 0600 here makes all three private.
    privateFile(file);
    for (const extra of [`${file}-wal`, `${file}-shm`]) if (existsSync(extra)) privateFile(extra);
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // 64 MiB of page cache (the default is 2 MiB): a directory of 100,000 users stays in memory.
  sqlite.pragma('cache_size = -65536');
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: withErrorTranslation(new SqliteDialect({ database: statements })) });
  directReaders.set(db, (q) => (sqlite.inTransaction ? undefined : statements.prepare(q.sql).all(...q.parameters)));
  return { db, dialect: 'sqlite', description: `sqlite:${file}`, destroy: () => db.destroy() };
}
