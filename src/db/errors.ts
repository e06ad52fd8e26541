import type { DatabaseConnection, Dialect, Driver, QueryResult, CompiledQuery } from 'kysely';
import { AppError, CommonErrors } from '../core/errors.ts';

const SQLITE_CONFLICT = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
// unique_violation, foreign_key_violation
const PG_CONFLICT = new Set(['23505', '23503']);

/** Which constraint was broken, as far as the driver tells: used by services to pick a precise error. */
function constraintOf(e: { constraint?: unknown; message?: unknown }): string | undefined {
  if (typeof e.constraint === 'string') return e.constraint;
  const m = typeof e.message === 'string' ? /constraint failed: (.+)$/.exec(e.message) : null;
  return m?.[1];
}

/** A unique or foreign-key violation from either dialect becomes the same `common.conflict` error. */
export function translateDbError(e: unknown): unknown {
  if (!e || typeof e !== 'object' || e instanceof AppError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (SQLITE_CONFLICT.has(code) || PG_CONFLICT.has(code))) {
    const foreignKey = code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
    return new AppError(CommonErrors.conflict, undefined, {
      details: { constraint: constraintOf(e as object), reason: foreignKey ? 'foreign_key' : 'unique' },
      cause: e,
    });
  }
  return e;
}

class TranslatingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (e) {
      throw translateDbError(e);
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

const unwrap = (c: DatabaseConnection): DatabaseConnection => (c instanceof TranslatingConnection ? c.inner : c);

class TranslatingDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init() {
    return this.inner.init();
  }
  async acquireConnection() {
    return new TranslatingConnection(await this.inner.acquireConnection());
  }
  beginTransaction(c: DatabaseConnection, s: Parameters<Driver['beginTransaction']>[1]) {
    return this.inner.beginTransaction(unwrap(c), s);
  }
  commitTransaction(c: DatabaseConnection) {
    return this.inner.commitTransaction(unwrap(c));
  }
  rollbackTransaction(c: DatabaseConnection) {
    return this.inner.rollbackTransaction(unwrap(c));
  }
  async savepoint(c: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    await this.inner.savepoint?.(unwrap(c), name, compile);
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    await this.inner.rollbackToSavepoint?.(unwrap(c), name, compile);
  }
  async releaseSavepoint(c: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    await this.inner.releaseSavepoint?.(unwrap(c), name, compile);
  }
  releaseConnection(c: DatabaseConnection) {
    return this.inner.releaseConnection(unwrap(c));
  }
  destroy() {
    return this.inner.destroy();
  }
}

/** Wraps a dialect so every query error passes through `translateDbError`, whatever the entry point. */
export function withErrorTranslation(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new TranslatingDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
