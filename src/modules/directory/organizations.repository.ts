import { sql } from 'kysely';
import { lockForUpdate } from '../../db/dialect.ts';
import type { Executor } from '../../db/schema.ts';
import type { OrganizationsTable } from './directory.tables.ts';

export async function insertOrganization(ex: Executor, row: OrganizationsTable): Promise<void> {
  await ex.insertInto('organizations').values(row).execute();
}

export async function findOrganizationBySlug(ex: Executor, slug: string): Promise<OrganizationsTable | undefined> {
  // DSR-6: a deleted organization's subtree answers nothing; its tombstone keeps the slug, so no later organization takes it.
  return ex.selectFrom('organizations').selectAll().where('slug', '=', slug).where('deleted_at', 'is', null).executeTakeFirst();
}

/**
 * The slug itself when free, else the first free one of `slug-2`, `slug-3`, … (read in the creating
 * transaction). DSR-6, DIR-1: a deleted organization's tombstone keeps its slug, so it stays taken:
 * hosts still configured with the old `o=<slug>` must never bind into a new tenant.
 */
export async function freeSlug(ex: Executor, slug: string): Promise<string> {
  const taken = new Set(
    (await ex.selectFrom('organizations').select('slug').where((eb) => eb.or([eb('slug', '=', slug), eb('slug', 'like', `${slug}-%`)])).execute()).map((r) => r.slug),
  );
  let candidate = slug;
  for (let n = 2; taken.has(candidate); n++) candidate = `${slug}-${n}`;
  return candidate;
}

export async function findOrganization(ex: Executor, orgId: string): Promise<OrganizationsTable | undefined> {
  return ex.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirst();
}

/** DSR-6: a deleted organization is changed by no one but its deletion: false when it is gone or deleted. */
export async function updateOrganization(ex: Executor, orgId: string, patch: Partial<Pick<OrganizationsTable, 'name' | 'require_mfa' | 'scim_remove_after_days' | 'updated_at'>>): Promise<boolean> {
  const r = await ex.updateTable('organizations').set(patch).where('id', '=', orgId).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function findOrganizations(ex: Executor, orgIds: readonly string[]): Promise<OrganizationsTable[]> {
  if (orgIds.length === 0) return [];
  return ex.selectFrom('organizations').selectAll().where('id', 'in', [...orgIds]).execute();
}

/**
 * The organization's row, locked for the rest of the transaction, so that plan limits hold when
 * several requests add members at once. DSR-6: undefined once its deletion began (the access stop
 * takes the same lock), so a write in flight (an import, a card, a plan) answers 404 instead of
 * landing in a deleted organization.
 */
export async function lockOrganization(ex: Executor, orgId: string): Promise<OrganizationsTable | undefined> {
  const org = await lockForUpdate(ex, ex.selectFrom('organizations').selectAll().where('id', '=', orgId)).executeTakeFirst();
  return org && !org.deleted_at ? org : undefined;
}

export async function setPlan(ex: Executor, orgId: string, plan: string, endsAt: string | null, at: string): Promise<void> {
  await ex.updateTable('organizations').set({ plan, plan_ends_at: endsAt, updated_at: at }).where('id', '=', orgId).execute();
}

/** A search term taken literally by LIKE: its own % and _ match only themselves. */
const likeTerm = (q: string) => `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

/**
 * Organizations whose name contains `q` (any case), or whose id is `q`, by name: for staff who
 * look an organization up (every organization, so only through a staff capability).
 */
export async function searchOrganizations(ex: Executor, opts: { q: string; offset: number; limit: number }): Promise<OrganizationsTable[]> {
  const q = opts.q.trim();
  return ex
    .selectFrom('organizations')
    .selectAll()
    .$if(q.length > 0, (b) => b.where((eb) => eb.or([sql<boolean>`lower(name) like ${likeTerm(q)} escape '!'`, eb('id', '=', q)])))
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .offset(opts.offset)
    .limit(opts.limit)
    .execute();
}
