import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

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
  /** An empty database (for tests of the migrations themselves, and of opening a database). */
  open(): Promise<TestDatabase>;
  /**
   * A database with every migration applied, copied from a template migrated once per machine
   * for this set of migrations (SQLite: a copy of a migrated file; PostgreSQL: CREATE DATABASE
   * ... TEMPLATE), so that a test app starts without running the migrations.
   */
  openMigrated(): Promise<TestDatabase>;
}

const pgBase = process.env.TEST_DATABASE_URL;

/**
 * Test databases do not wait for their commits to reach the disk (`synchronous_commit=off`): a
 * crash of PostgreSQL itself could lose the last moments of a test database, which nothing needs,
 * and every commit saves an fsync. Castellan's own transactions behave the same either way.
 */
const TEST_OPTIONS = '-c synchronous_commit=off';

/**
 * A fresh schema, in a fresh database of its own unless `inDatabase` names one (the database is
 * dropped with the schema then). Kysely's migrator looks at the tables of every schema of its
 * database, which fails when another test drops its schema meanwhile: test files running side by
 * side never share a database.
 */
export async function createPgSchema(inDatabase?: { name: string }): Promise<{ url: string; database: string; drop(): Promise<void> }> {
  if (!pgBase) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = inDatabase?.name ?? schema;
  const admin = new pg.Client(pgBase);
  await admin.connect();
  try {
    if (!inDatabase) await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  const inside = new pg.Client(databaseUrl(pgBase, database));
  await inside.connect();
  try {
    await inside.query(`create schema ${schema}`);
  } finally {
    await inside.end();
  }
  const u = new URL(pgBase);
  u.pathname = `/${database}`;
  u.searchParams.set('options', `-c search_path=${schema} ${TEST_OPTIONS}`);
  return {
    url: u.toString(),
    database,
    async drop() {
      const c = new pg.Client(inDatabase ? databaseUrl(pgBase, database) : pgBase);
      await c.connect();
      try {
        await c.query(inDatabase ? `drop schema if exists ${schema} cascade` : `drop database if exists ${database} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const tempDir = (prefix = 'castellan-test-') => mkdtempSync(path.join(tmpdir(), prefix));

// ---- migrated templates -------------------------------------------------------------

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../src/db/migrations');

/** Names the templates after the migrations' sources: a change to any of them makes new ones. */
const migrationsKey = (() => {
  let key: string | undefined;
  return () => {
    if (key) return key;
    const h = createHash('sha256');
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const f of [...files.map((x) => path.join(MIGRATIONS_DIR, x)), path.join(MIGRATIONS_DIR, '../migrate.ts')]) {
      h.update(`${path.basename(f)}\0`).update(readFileSync(f)).update('\0');
    }
    key = h.digest('hex').slice(0, 16);
    return key;
  };
})();

let sqliteTemplate: Promise<string> | undefined;

/** The path of a migrated SQLite file to copy (made by the first worker that needs it, moved into place whole). */
function sqliteTemplateFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = path.join(tmpdir(), `castellan-test-template-${migrationsKey()}.db`);
    if (existsSync(file)) return file;
    const dir = tempDir('castellan-template-');
    try {
      const handle = openDatabase({ dataDir: dir });
      await migrateToLatest(handle.db);
      // Closing the only connection checkpoints the write-ahead log into the file and removes it.
      await handle.destroy();
      if (existsSync(path.join(dir, 'castellan.db-wal'))) throw new Error('the template database kept its write-ahead log');
      renameSync(path.join(dir, 'castellan.db'), file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return file;
  })();
  return sqliteTemplate;
}

const databaseUrl = (base: string, name: string) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  u.searchParams.set('options', TEST_OPTIONS);
  return u.toString();
};

let pgTemplate: Promise<string> | undefined;

/**
 * The name of a migrated PostgreSQL database to copy. Made once per machine (under an advisory
 * lock, so that workers starting together make it once) and never connected to again: CREATE
 * DATABASE ... TEMPLATE refuses a template that has connections.
 */
function pgTemplateName(): Promise<string> {
  pgTemplate ??= (async () => {
    if (!pgBase) throw new Error('TEST_DATABASE_URL is not set');
    const name = `castellan_template_${migrationsKey()}`;
    const admin = new pg.Client(pgBase);
    await admin.connect();
    try {
      await admin.query(`select pg_advisory_lock(hashtext('castellan test template'))`);
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        const building = `${name}_building`;
        await admin.query(`drop database if exists ${building} with (force)`);
        await admin.query(`create database ${building}`);
        const handle = openDatabase({ databaseUrl: databaseUrl(pgBase, building), poolSize: 1 });
        try {
          await migrateToLatest(handle.db);
        } finally {
          await handle.destroy();
        }
        await admin.query(`alter database ${building} rename to ${name}`);
      }
    } finally {
      await admin.query(`select pg_advisory_unlock(hashtext('castellan test template'))`).catch(() => {});
      await admin.end();
    }
    return name;
  })();
  return pgTemplate;
}

/** A fresh PostgreSQL database copied from the migrated template; `drop()` removes it. */
export async function createPgDatabaseFromTemplate(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!pgBase) throw new Error('TEST_DATABASE_URL is not set');
  const template = await pgTemplateName();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(pgBase);
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(pgBase, name),
    async drop() {
      const c = new pg.Client(pgBase);
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

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
  async openMigrated() {
    const template = await sqliteTemplateFile();
    const dataDir = tempDir();
    copyFileSync(template, path.join(dataDir, 'castellan.db'));
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

/** A test database on PostgreSQL at `url`, which `drop` removes after the handle closes. */
function pgTestDatabase({ url, drop }: { url: string; drop(): Promise<void> }): TestDatabase {
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
}

const postgres: TestDialect = {
  name: 'postgres',
  open: async () => pgTestDatabase(await createPgSchema()),
  openMigrated: async () => pgTestDatabase(await createPgDatabaseFromTemplate()),
};

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const dialects: TestDialect[] = pgBase ? [sqlite, postgres] : [sqlite];
export const hasPostgres = pgBase !== undefined;
