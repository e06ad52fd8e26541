import type { Executor } from '../../db/schema.ts';

// The password hash an import kept on a membership (DIR-5); each query takes the organization id (DIR-1).

export async function findImportedPasswordHash(ex: Executor, orgId: string, membershipId: string): Promise<string | null | undefined> {
  const row = await ex.selectFrom('memberships').select('imported_password_hash_enc').where('org_id', '=', orgId).where('id', '=', membershipId).executeTakeFirst();
  return row?.imported_password_hash_enc;
}

/** Sets the kept hash; false when the membership is not there. */
export async function setImportedPasswordHash(ex: Executor, orgId: string, membershipId: string, sealed: string, now: string): Promise<boolean> {
  const r = await ex
    .updateTable('memberships')
    .set({ imported_password_hash_enc: sealed, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', membershipId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Drops the kept hash, touching only a membership that has one. */
export async function clearImportedPasswordHash(ex: Executor, orgId: string, membershipId: string, now: string): Promise<void> {
  await ex
    .updateTable('memberships')
    .set({ imported_password_hash_enc: null, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', membershipId)
    .where('imported_password_hash_enc', 'is not', null)
    .execute();
}
