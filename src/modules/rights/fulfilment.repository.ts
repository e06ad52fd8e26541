import type { Updateable } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type { PrivacyRequestFulfilmentsTable, PrivacyRequestLinksTable } from './fulfilment.tables.ts';

/** Fulfilment rows belong to requests, which are the operator's: no query here is tenant-scoped. */

export function findFulfilment(ex: Executor, requestId: string): Promise<PrivacyRequestFulfilmentsTable | undefined> {
  return ex.selectFrom('privacy_request_fulfilments').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

/** Creates the request's row, or changes it (an empty patch leaves an existing row as it is: its `updated_at` dates a claim). */
export async function saveFulfilment(ex: Executor, requestId: string, patch: Updateable<PrivacyRequestFulfilmentsTable>, at: string): Promise<void> {
  const found = await findFulfilment(ex, requestId);
  if (found && Object.keys(patch).length === 0) return;
  if (found) {
    await ex.updateTable('privacy_request_fulfilments').set({ ...patch, updated_at: at }).where('request_id', '=', requestId).execute();
    return;
  }
  await ex
    .insertInto('privacy_request_fulfilments')
    .values({
      request_id: requestId,
      status: null,
      correction_field: null,
      correction_value: null,
      answer: null,
      certificate: null,
      certificate_digest: null,
      sweep_at: null,
      created_at: at,
      updated_at: at,
      ...(patch as Partial<PrivacyRequestFulfilmentsTable>),
    })
    .execute();
}

/**
 * How long a claimed status (`erasing`, `deciding`) holds. The row's `updated_at` is the claim's
 * time (a run moves it on as it goes); a claim older than this was left by a run that died (a
 * crash, a restart), and another run may take it over.
 */
export const CLAIM_LEASE_MS = 10 * 60 * 1000;

/**
 * Sets the status only while it is `from` (two staff acting at once), and, with `staleBefore`, only
 * when the row was last changed before it (an expired claim); answers whether it did.
 */
export async function claimStatus(ex: Executor, requestId: string, from: string | null, to: string, at: string, staleBefore?: string): Promise<boolean> {
  let q = ex
    .updateTable('privacy_request_fulfilments')
    .set({ status: to, updated_at: at })
    .where('request_id', '=', requestId)
    .where((eb) => (from === null ? eb('status', 'is', null) : eb('status', '=', from)));
  if (staleBefore !== undefined) q = q.where('updated_at', '<', staleBefore);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function fulfilmentsOf(ex: Executor, requestIds: readonly string[]): Promise<PrivacyRequestFulfilmentsTable[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('privacy_request_fulfilments').selectAll().where('request_id', 'in', requestIds).execute();
}

/** Clears the personal columns of the requests' rows; answers how many changed. */
export async function clearCorrections(ex: Executor, requestIds: readonly string[], at: string): Promise<number> {
  if (requestIds.length === 0) return 0;
  const r = await ex
    .updateTable('privacy_request_fulfilments')
    .set({ correction_value: null, updated_at: at })
    .where('request_id', 'in', requestIds)
    .where('correction_value', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertLink(ex: Executor, row: PrivacyRequestLinksTable): Promise<void> {
  await ex.insertInto('privacy_request_links').values(row).execute();
}

export function findLink(ex: Executor, requestId: string, purpose: string, tokenHash: string): Promise<PrivacyRequestLinksTable | undefined> {
  return ex.selectFrom('privacy_request_links').selectAll().where('request_id', '=', requestId).where('purpose', '=', purpose).where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks a link used, once: answers false when it already was (a second download racing the first). */
export async function useLink(ex: Executor, id: string, at: string): Promise<boolean> {
  const r = await ex.updateTable('privacy_request_links').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Retires the request's unused links of `purpose` (a new one replaces them). */
export async function retireLinks(ex: Executor, requestId: string, purpose: string, at: string): Promise<void> {
  await ex.updateTable('privacy_request_links').set({ used_at: at }).where('request_id', '=', requestId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}

export async function deleteLinks(ex: Executor, requestIds: readonly string[], purpose: string): Promise<number> {
  if (requestIds.length === 0) return 0;
  const r = await ex.deleteFrom('privacy_request_links').where('request_id', 'in', requestIds).where('purpose', '=', purpose).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function linksOf(ex: Executor, requestIds: readonly string[]): Promise<PrivacyRequestLinksTable[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('privacy_request_links').selectAll().where('request_id', 'in', requestIds).orderBy('created_at').execute();
}
