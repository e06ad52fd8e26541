import { type Kysely, type Migration, type MigrationResult, Migrator, PostgresAdapter, sql } from 'kysely';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-directory.ts';
import * as m0003 from './migrations/0003-privacy.ts';
import * as m0004 from './migrations/0004-access-covering.ts';
import * as m0005 from './migrations/0005-billing.ts';
import * as m0006 from './migrations/0006-knowledge-base.ts';
import * as m0007 from './migrations/0007-support-tickets.ts';
import * as m0008 from './migrations/0008-accounts-memberships.ts';
import * as m0009 from './migrations/0009-jobs.ts';
import { type AuditKeyContext, keyAuditChain } from './migrations/0010-audit-keyed.ts';
import * as m0011 from './migrations/0011-step-up.ts';
import * as m0012 from './migrations/0012-served-protocols.ts';
import * as m0013 from './migrations/0013-ldap-query.ts';
import * as m0014 from './migrations/0014-organization-slugs.ts';
import * as m0015 from './migrations/0015-service-accounts.ts';
import * as m0016 from './migrations/0016-imported-password-hashes.ts';
import * as m0017 from './migrations/0017-organization-mfa.ts';
import * as m0018 from './migrations/0018-privacy-requests.ts';
import * as m0019 from './migrations/0019-child-reports.ts';
import * as m0020 from './migrations/0020-request-verification.ts';
import * as m0021 from './migrations/0021-request-verification-agents.ts';
import * as m0022 from './migrations/0022-request-fulfilment.ts';
import * as m0023 from './migrations/0023-organization-deletion.ts';
import * as m0024 from './migrations/0024-shine-the-light.ts';
import * as m0025 from './migrations/0025-org-deletion-notice-cursor.ts';
import * as m0026 from './migrations/0026-oidc.ts';
import * as m0027 from './migrations/0027-saml.ts';
import * as m0028 from './migrations/0028-oidc-revocation.ts';
import * as m0029 from './migrations/0029-api-clients.ts';
import * as m0030 from './migrations/0030-radius.ts';
import * as m0031 from './migrations/0031-scim.ts';
import * as m0032 from './migrations/0032-governance.ts';
import * as m0033 from './migrations/0033-email-change-requests.ts';
import * as m0034 from './migrations/0034-integrations.ts';
import * as m0035 from './migrations/0035-google.ts';
import type { Database } from './schema.ts';

/** What some migrations need beyond the database: keys that never live in it. */
export type MigrationContext = AuditKeyContext;

/** Listed here, not read from a folder, so the same code runs from source and from a build. */
const migrations = (ctx: MigrationContext): Record<string, Migration> => ({
  '0001-foundation': m0001,
  '0002-directory': m0002,
  '0003-privacy': m0003,
  '0004-access-covering': m0004,
  '0005-billing': m0005,
  '0006-knowledge-base': m0006,
  '0007-support-tickets': m0007,
  '0008-accounts-memberships': m0008,
  '0009-jobs': m0009,
  '0010-audit-keyed': keyAuditChain(ctx),
  '0011-step-up': m0011,
  '0012-served-protocols': m0012,
  '0013-ldap-query': m0013,
  '0014-organization-slugs': m0014,
  '0015-service-accounts': m0015,
  '0016-imported-password-hashes': m0016,
  '0017-organization-mfa': m0017,
  '0018-privacy-requests': m0018,
  '0019-child-reports': m0019,
  '0020-request-verification': m0020,
  '0021-request-verification-agents': m0021,
  '0022-request-fulfilment': m0022,
  '0023-organization-deletion': m0023,
  '0024-shine-the-light': m0024,
  '0025-org-deletion-notice-cursor': m0025,
  '0026-oidc': m0026,
  '0027-saml': m0027,
  '0028-oidc-revocation': m0028,
  '0029-api-clients': m0029,
  '0030-radius': m0030,
  '0031-scim': m0031,
  '0032-governance': m0032,
  '0033-email-change-requests': m0033,
  '0034-integrations': m0034,
  '0035-google': m0035,
});

export async function migrateToLatest(
  db: Kysely<Database>,
  onStep: (r: MigrationResult) => void = () => {},
  ctx: MigrationContext = {},
): Promise<MigrationResult[]> {
  const migrator = await migratorFor(db, ctx);
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) onStep(r);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}

/** Migrates up (or down) to the named migration; tests use it to build a database as an older release left it. */
export async function migrateTo(db: Kysely<Database>, target: string, ctx: MigrationContext = {}): Promise<MigrationResult[]> {
  const { error, results } = await (await migratorFor(db, ctx)).migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}

async function migratorFor(db: Kysely<Database>, ctx: MigrationContext): Promise<Migrator> {
  // On PostgreSQL, Kysely looks for its own tables in every schema the user can see unless told
  // which one: name the schema Castellan's tables live in (the first of the search path), so
  // another schema's migration tables (a second instance, another application) are never taken
  // for ours.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return new Migrator({ db, provider: { getMigrations: async () => migrations(ctx) }, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
}
