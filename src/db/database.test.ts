import { describe, expect, it } from 'vitest';
import { AppError, CommonErrors } from '../core/errors.ts';
import { createPgSchema, dialects } from '../../test/helpers/databases.ts';
import { openDatabase, statement } from './database.ts';
import { migrateToLatest } from './migrate.ts';

const org = (id: string) => ({
  id,
  name: 'Acme',
  slug: id,
  require_mfa: 0,
  plan: 'free',
  company_size: null,
  phone: null,
  address: null,
  created_at: 'x',
  updated_at: 'x',
});

describe.each(dialects)('database on $name', (dialect) => {
  it('unique and foreign-key violations become the same common.conflict error on every dialect', async () => {
    const tdb = await dialect.open();
    try {
      const { db } = tdb.handle;
      await migrateToLatest(db);
      await db.insertInto('organizations').values(org('org_a')).execute();
      const unique = await db
        .insertInto('organizations')
        .values(org('org_a'))
        .execute()
        .catch((e) => e);
      expect(unique).toBeInstanceOf(AppError);
      expect((unique as AppError).is(CommonErrors.conflict)).toBe(true);
      expect((unique as AppError).details?.reason).toBe('unique');

      const fk = await db
        .insertInto('sessions')
        .values({
          id: 's',
          account_id: 'nobody',
          token_hash: 'h',
          created_at: 'x',
          last_seen_at: 'x',
          expires_at: 'x',
          ip: null,
          user_agent: null,
        })
        .execute()
        .catch((e) => e);
      expect(fk).toBeInstanceOf(AppError);
      expect((fk as AppError).code).toBe('common.conflict');
      expect((fk as AppError).details?.reason).toBe('foreign_key');

      // Inside a transaction too, and the transaction rolls back.
      const inTrx = await db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('organizations').values(org('org_b')).execute();
          await trx.insertInto('organizations').values(org('org_a')).execute();
        })
        .catch((e) => e);
      expect((inTrx as AppError).code).toBe('common.conflict');
      expect(await db.selectFrom('organizations').select('id').where('id', '=', 'org_b').executeTakeFirst()).toBeUndefined();
    } finally {
      await tdb.cleanup();
    }
  });

  it('a statement written once reads, writes and answers conflicts the same inside and outside transactions', async () => {
    const tdb = await dialect.open();
    try {
      const { db } = tdb.handle;
      await migrateToLatest(db);
      const insert = statement('insert into organizations (id, name, plan, created_at, updated_at) values (?, ?, ?, ?, ?)');
      const byId = statement<{ id: string; name: string }>('select id, name from organizations where id = ?');
      const rename = statement<{ id: string }>('update organizations set name = ? where name = ? returning id');

      expect(await insert.run(db, ['org_a', 'Acme', 'free', 'x', 'x'])).toBe(1);
      expect(await byId.first(db, ['org_a'])).toEqual({ id: 'org_a', name: 'Acme' });
      expect(await byId.first(db, ['org_none'])).toBeUndefined();
      expect(await byId.all(db, ['org_a'])).toEqual([{ id: 'org_a', name: 'Acme' }]);

      const conflict = await insert.run(db, ['org_a', 'Acme', 'free', 'x', 'x']).catch((e: unknown) => e);
      expect((conflict as AppError).is(CommonErrors.conflict)).toBe(true);

      // A transaction reads its own writes; a rolled-back one leaves nothing.
      const failed = await db
        .transaction()
        .execute(async (trx) => {
          await insert.run(trx, ['org_b', 'Beta', 'free', 'x', 'x']);
          expect(await byId.first(trx, ['org_b'])).toEqual({ id: 'org_b', name: 'Beta' });
          expect((await rename.all(trx, ['Gamma', 'Beta'])).map((r) => r.id)).toEqual(['org_b']);
          throw new Error('roll back');
        })
        .catch((e: unknown) => e);
      expect((failed as Error).message).toBe('roll back');
      expect(await byId.first(db, ['org_b'])).toBeUndefined();

      // A read outside a transaction never sees another transaction's uncommitted rows.
      let outside: unknown = 'not read';
      await db.transaction().execute(async (trx) => {
        await insert.run(trx, ['org_c', 'Gamma', 'free', 'x', 'x']);
        const read = byId.first(db, ['org_c']);
        outside = await Promise.race([read, new Promise((resolve) => setTimeout(() => resolve('waiting'), 50))]);
      });
      expect(outside === undefined || outside === 'waiting').toBe(true);
      expect(await byId.first(db, ['org_c'])).toEqual({ id: 'org_c', name: 'Gamma' });
    } finally {
      await tdb.cleanup();
    }
  });

  it('migrations are idempotent', async () => {
    const tdb = await dialect.open();
    try {
      expect((await migrateToLatest(tdb.handle.db)).length).toBeGreaterThan(0);
      expect(await migrateToLatest(tdb.handle.db)).toEqual([]);
    } finally {
      await tdb.cleanup();
    }
  });
});

describe.skipIf(!dialects.some((d) => d.name === 'postgres'))('migrations beside another schema on postgres', () => {
  it('a database whose other schema already holds migrated tables is still migrated in its own schema', async () => {
    const firstSchema = await createPgSchema();
    const secondSchema = await createPgSchema({ name: firstSchema.database });
    const first = { handle: openDatabase({ databaseUrl: firstSchema.url, poolSize: 1 }) };
    const second = { handle: openDatabase({ databaseUrl: secondSchema.url, poolSize: 1 }) };
    try {
      await migrateToLatest(first.handle.db);
      // The second schema is empty while the first holds Kysely's migration tables.
      const results = await migrateToLatest(second.handle.db);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((r) => r.status === 'Success')).toBe(true);
      await second.handle.db.insertInto('organizations').values(org('org_b')).execute();
      expect(await first.handle.db.selectFrom('organizations').select('id').execute()).toEqual([]);
    } finally {
      await second.handle.destroy();
      await first.handle.destroy();
      await secondSchema.drop();
      await firstSchema.drop();
    }
  });
});
