import { existsSync } from 'node:fs';
import { privateDir, privateFile } from '../core/files.ts';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, type RawBuilder, SqliteDialect } from 'kysely';
import pg from 'pg';
import { hasRowLocks } from './dialect.ts';
import { translateDbError, withErrorTranslation } from './errors.ts';
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
 * The statements every request makes (its session, the access decision, the
 * consent state, a sign-in's writes) are written once as SQL text and run
 * straight on the database driver, past Kysely's query building, compiling,
 * connection queue and result plumbing, which cost as much as the query
 * itself. On SQLite they are prepared once (the statement cache above).
 *
 * A direct runner answers undefined to decline, and the statement then goes
 * through Kysely the ordinary way: on SQLite, outside a transaction while
 * another request's transaction is open on the one connection (a read there
 * would see that transaction's uncommitted rows, so it queues behind it); on
 * PostgreSQL, inside a transaction, which has its own connection. Inside a
 * transaction on SQLite the connection is the transaction's own (Kysely holds
 * it until commit), so its statements run directly too.
 *
 * Runners are found by the executor's adapter, which a database and its
 * transactions share.
 */
/** `first`: only the first row is wanted (SQLite then stops at it). */
type DirectRunner = (ex: Executor, text: string, params: readonly unknown[], first?: boolean) => Promise<StatementResult> | StatementResult | undefined;
const directRunners = new WeakMap<object, DirectRunner>();

export interface StatementResult {
  rows: unknown[];
  /** Rows a write changed (0 for a read). */
  changes: number;
}

export interface Statement<R> {
  /** The rows of a read, or of a write with RETURNING. */
  all(ex: Executor, params: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  first(ex: Executor, params: readonly unknown[]): Promise<R | undefined>;
  /** Runs a write; answers how many rows it changed. */
  run(ex: Executor, params: readonly unknown[]): Promise<number>;
}

/** `?` placeholders become PostgreSQL's `$1`, `$2`...; the SQL text of a statement never holds a literal `?`. */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * A statement written once as SQL text with `?` placeholders, in the form both
 * dialects take (or one text for each), run directly where it can be (see
 * above). Parameters are bound as given: strings, numbers, null.
 */
export function statement<R = Record<string, unknown>>(sqlite: string, postgres?: string): Statement<R> {
  const pgText = numbered(postgres ?? sqlite);
  const reads = /^\s*select\b/i.test(sqlite);
  const exec = async (ex: Executor, params: readonly unknown[], first = false): Promise<StatementResult> => {
    const text = hasRowLocks(ex) ? pgText : sqlite;
    const direct = directRunners.get(ex.getExecutor().adapter);
    const done = direct?.(ex, text, params, first);
    if (done) return done;
    const r = await ex.executeQuery(CompiledQuery.raw(text, [...params]));
    return { rows: r.rows as unknown[], changes: Number(r.numAffectedRows ?? 0n) };
  };
  return {
    all: async (ex, params) => (await exec(ex, params)).rows as R[],
    // Only a read may stop at its first row: a write must run to its end.
    first: async (ex, params) => (await exec(ex, params, reads)).rows[0] as R | undefined,
    run: async (ex, params) => (await exec(ex, params)).changes,
  };
}

/** Runs a read-only statement built with Kysely's `sql` and returns its rows: directly where it can, else through Kysely. */
export async function readRows<R>(ex: Executor, query: RawBuilder<R>): Promise<R[]> {
  const direct = directRunners.get(ex.getExecutor().adapter);
  if (direct) {
    const q = query.compile(ex);
    const done = direct(ex, q.sql, q.parameters);
    if (done) return (await done).rows as R[];
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
    directRunners.set(db.getExecutor().adapter, (ex, text, params) => {
      if (ex.isTransaction) return undefined;
      return pool.query({ text, values: params as unknown[] }).then(
        (r) => ({ rows: r.rows as unknown[], changes: r.rowCount ?? 0 }),
        (e: unknown) => {
          throw translateDbError(e);
        },
      );
    });
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
  // Reads beyond the page cache come straight from the file's mapping (the kernel's page cache)
  // instead of a read() each: a random point lookup in a large table costs a third less.
  sqlite.pragma('mmap_size = 1073741824');
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: withErrorTranslation(new SqliteDialect({ database: statements })) });
  directRunners.set(db.getExecutor().adapter, (ex, text, params, first) => {
    if (!ex.isTransaction && sqlite.inTransaction) return undefined;
    try {
      const stmt = statements.prepare(text);
      if (stmt.reader && first) {
        const row = stmt.get(...params);
        return { rows: row === undefined ? [] : [row], changes: 0 };
      }
      if (stmt.reader) return { rows: stmt.all(...params), changes: 0 };
      return { rows: [], changes: stmt.run(...params).changes };
    } catch (e) {
      throw translateDbError(e);
    }
  });
  return { db, dialect: 'sqlite', description: `sqlite:${file}`, destroy: () => db.destroy() };
}
