import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialects } from '../../../test/helpers/databases.ts';
import { migrateTo, migrateToLatest } from '../migrate.ts';

const T = '2026-01-05T16:00:00.000Z';
const org = (id: string, name: string, at: string) => ({ id, name, plan: 'free', plan_ends_at: null, company_size: null, phone: null, address: null, created_at: at, updated_at: at });

describe.each(dialects)('migration 0014 on $name', (dialect) => {
  it('PRO-1: existing organizations get slugs from their names, oldest first, a number added where two collide', async () => {
    const tdb = await dialect.open();
    try {
      const db = tdb.handle.db as unknown as Parameters<typeof migrateTo>[0];
      await migrateTo(db, '0013-ldap-query');
      const old = db as never as Kysely<any>;
      await old
        .insertInto('organizations')
        .values([org('org_b', 'Acme, Inc.', '2026-01-02T00:00:00.000Z'), org('org_a', 'ACME inc', T), org('org_c', '東京', T)])
        .execute();
      await migrateToLatest(db);
      const rows = await old.selectFrom('organizations').select(['id', 'slug']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'org_a', slug: 'acme-inc-2' },
        { id: 'org_b', slug: 'acme-inc' },
        { id: 'org_c', slug: 'org' },
      ]);
    } finally {
      await tdb.cleanup();
    }
  });
});
