import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** For PostgreSQL: a URL whose search_path is this test's own schema (child processes use it). */
  url: string | undefined;
  /** For SQLite: the data directory holding the file. */
  dataDir: string;
  cleanup(): Promise<void>;
}

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  open(): Promise<TestDatabase>;
}

const pgBase = process.env.TEST_DATABASE_URL;

/** A fresh schema per test database, so test files can run side by side on one PostgreSQL. */
export async function createPgSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!pgBase) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(pgBase);
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const sep = pgBase.includes('?') ? '&' : '?';
  return {
    url: `${pgBase}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const c = new pg.Client(pgBase);
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export const tempDir = (prefix = 'castellan-test-') => mkdtempSync(path.join(tmpdir(), prefix));

const sqlite: TestDialect = {
  name: 'sqlite',
  async open() {
    const dataDir = tempDir();
    const handle = openDatabase({ dataDir });
    return {
      handle,
      url: undefined,
      dataDir,
      async cleanup() {
        await handle.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: TestDialect = {
  name: 'postgres',
  async open() {
    const { url, drop } = await createPgSchema();
    const dataDir = tempDir();
    const handle = openDatabase({ databaseUrl: url, poolSize: 5 });
    return {
      handle,
      url,
      dataDir,
      async cleanup() {
        await handle.destroy();
        await drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const dialects: TestDialect[] = pgBase ? [sqlite, postgres] : [sqlite];
export const hasPostgres = pgBase !== undefined;
