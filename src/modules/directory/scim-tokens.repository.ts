import type { Executor } from '../../db/schema.ts';
import type { ScimTokensTable } from './directory.tables.ts';

// PRO-4: an organization's SCIM tokens. Every statement names the organization (DIR-1), except the
// lookup by the token's hash, which is how a token finds its organization.

export async function insertScimToken(ex: Executor, row: ScimTokensTable): Promise<void> {
  await ex.insertInto('scim_tokens').values(row).execute();
}

export async function countScimTokens(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.selectFrom('scim_tokens').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listScimTokens(ex: Executor, orgId: string): Promise<Omit<ScimTokensTable, 'token_hash'>[]> {
  return ex
    .selectFrom('scim_tokens')
    .select(['id', 'org_id', 'name', 'created_by', 'created_at', 'last_used_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function deleteScimToken(ex: Executor, orgId: string, id: string): Promise<{ name: string } | undefined> {
  return ex.deleteFrom('scim_tokens').where('org_id', '=', orgId).where('id', '=', id).returning(['name']).executeTakeFirst();
}

export async function findScimTokenByHash(ex: Executor, hash: string): Promise<Pick<ScimTokensTable, 'id' | 'org_id' | 'last_used_at'> | undefined> {
  return ex.selectFrom('scim_tokens').select(['id', 'org_id', 'last_used_at']).where('token_hash', '=', hash).executeTakeFirst();
}

export async function touchScimToken(ex: Executor, id: string, at: string): Promise<void> {
  await ex.updateTable('scim_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function scimTokenNames(ex: Executor, orgId: string, ids: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  if (ids.length === 0) return [];
  return ex.selectFrom('scim_tokens').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
}
