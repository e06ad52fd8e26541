import { describe, expect, it } from 'vitest';
import { AppError, CommonErrors } from '../core/errors.ts';
import { dialects } from '../../test/helpers/databases.ts';
import { migrateToLatest } from './migrate.ts';

const org = (id: string) => ({
  id,
  name: 'Acme',
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
    const postgres = dialects.find((d) => d.name === 'postgres');
    if (!postgres) return;
    const first = await postgres.open();
    const second = await postgres.open();
    try {
      await migrateToLatest(first.handle.db);
      // The second schema is empty while the first holds Kysely's migration tables.
      const results = await migrateToLatest(second.handle.db);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((r) => r.status === 'Success')).toBe(true);
      await second.handle.db.insertInto('organizations').values(org('org_b')).execute();
      expect(await first.handle.db.selectFrom('organizations').select('id').execute()).toEqual([]);
    } finally {
      await second.cleanup();
      await first.cleanup();
    }
  });
});
