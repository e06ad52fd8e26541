import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { PolicyAcknowledgementsTable, PolicyNoticesTable, PolicyVersionsTable } from './privacy.tables.ts';

// PRV-8: policy versions are the operator's, not an organization's: no organization id here.

const SUMMARY_COLUMNS = ['version', 'title', 'summary', 'material', 'effective_at', 'published_at', 'published_by'] as const;

export async function insertVersion(ex: Executor, row: PolicyVersionsTable): Promise<void> {
  await ex.insertInto('policy_versions').values(row).execute();
}

/** Inserts the version unless one with its number exists (another node was first); answers whether it did. */
export async function insertVersionIfAbsent(ex: Executor, row: PolicyVersionsTable): Promise<boolean> {
  const r = await ex.insertInto('policy_versions').values(row).onConflict((oc) => oc.column('version').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The newest version (highest number), without its text. */
export async function latestVersion(ex: Executor) {
  return ex.selectFrom('policy_versions').select(SUMMARY_COLUMNS).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function findVersion(ex: Executor, version: number): Promise<PolicyVersionsTable | undefined> {
  return ex.selectFrom('policy_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

/** The version after `version`, whose effective date ends it. */
export async function nextVersion(ex: Executor, version: number) {
  return ex
    .selectFrom('policy_versions')
    .select(['version', 'effective_at'])
    .where('version', '>', version)
    .orderBy('version')
    .limit(1)
    .executeTakeFirst();
}

/** Every version without its text, oldest first: the archive is small (a few versions a year). */
export async function listVersions(ex: Executor) {
  return ex.selectFrom('policy_versions').select(SUMMARY_COLUMNS).orderBy('version').execute();
}

/**
 * The version in force at `at`. Effective dates never go backwards from one
 * version to the next (the service refuses it), so it is the highest-numbered
 * version already effective, as consent events record it.
 */
export async function versionInForce(ex: Executor, at: string): Promise<PolicyVersionsTable | undefined> {
  return ex.selectFrom('policy_versions').selectAll().where('effective_at', '<=', at).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** The newest material version, without its text. */
export async function latestMaterialVersion(ex: Executor) {
  return ex.selectFrom('policy_versions').select(SUMMARY_COLUMNS).where('material', '=', 1).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function insertNotices(ex: Executor, rows: PolicyNoticesTable[]): Promise<void> {
  if (rows.length > 0) await ex.insertInto('policy_notices').values(rows).execute();
}

export async function findNotice(ex: Executor, userId: string, version: number): Promise<PolicyNoticesTable | undefined> {
  return ex.selectFrom('policy_notices').selectAll().where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
}

/** Records the first time the in-app notice was shown; a later showing changes nothing. */
export async function markNoticeShown(ex: Executor, userId: string, version: number, at: string): Promise<void> {
  await ex
    .insertInto('policy_notices')
    .values({ user_id: userId, version, emailed_at: null, first_shown_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'version']).doUpdateSet({ first_shown_at: at }).where('policy_notices.first_shown_at', 'is', null))
    .execute();
}

export async function acknowledgementsOf(ex: Executor, userId: string, version: number): Promise<PolicyAcknowledgementsTable[]> {
  return ex.selectFrom('policy_acknowledgements').selectAll().where('user_id', '=', userId).where('version', '=', version).execute();
}

export async function acknowledgementsOfUser(ex: Executor, userId: string): Promise<PolicyAcknowledgementsTable[]> {
  return ex.selectFrom('policy_acknowledgements').selectAll().where('user_id', '=', userId).orderBy('version', 'desc').orderBy('created_at').execute();
}

/** Inserts the record unless the user already has one of that kind for that version; true when inserted. */
export async function insertAcknowledgement(ex: Executor, row: PolicyAcknowledgementsTable): Promise<boolean> {
  const r = await ex
    .insertInto('policy_acknowledgements')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'version', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Material versions already in force at `at` of which `userId` was told (by
 * email or in the app) before `at`, with no acceptance of any kind recorded yet:
 * signing in now is continued use after the notice (PRV-8).
 */
// Asked on every sign-in (as a hook): one statement over the user's notices, which are few.
const noticed = statement<{ version: number }>(`
  select n.version from policy_notices n
  join policy_versions v on v.version = n.version
  where n.user_id = ? and v.material = 1 and v.effective_at <= ? and (n.emailed_at <= ? or n.first_shown_at <= ?)
    and not exists (select 1 from policy_acknowledgements a where a.user_id = n.user_id and a.version = n.version)`);

export async function noticedWithoutAcceptance(ex: Executor, userId: string, at: string): Promise<number[]> {
  return (await noticed.all(ex, [userId, at, at, at])).map((r) => Number(r.version));
}
