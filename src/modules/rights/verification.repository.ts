import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type { PrivacyRequestAgentsTable, PrivacyRequestVerificationsTable } from './verification.tables.ts';

/** DSR-2, DSR-3: queries on the verification and agent tables. Requests are the operator's: nothing here is tenant-scoped. */

export function findVerification(ex: Executor, requestId: string): Promise<PrivacyRequestVerificationsTable | undefined> {
  return ex.selectFrom('privacy_request_verifications').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

/** The request's verification row, made on its first step. */
export async function ensureVerification(ex: Executor, requestId: string, at: string): Promise<PrivacyRequestVerificationsTable> {
  const found = await findVerification(ex, requestId);
  if (found) return found;
  const row: PrivacyRequestVerificationsTable = {
    request_id: requestId,
    email_confirmed_at: null,
    attempts: 0,
    failed_attempts: 0,
    points_required: null,
    points_matched: null,
    matched_keys: null,
    declaration_name: null,
    declared_at: null,
    residence: null,
    residence_attested_at: null,
    identity_verified_at: null,
    identity_verified_by: null,
    subject_confirmed_at: null,
    decided_by: null,
    decision: null,
    decision_method: null,
    decision_note: null,
    decided_at: null,
    created_at: at,
    updated_at: at,
  };
  await ex.insertInto('privacy_request_verifications').values(row).onConflict((oc) => oc.column('request_id').doNothing()).execute();
  return (await findVerification(ex, requestId)) ?? row;
}

export async function updateVerification(ex: Executor, requestId: string, patch: Updateable<PrivacyRequestVerificationsTable>): Promise<void> {
  await ex.updateTable('privacy_request_verifications').set(patch).where('request_id', '=', requestId).execute();
}

/** Counts one attempt, atomically (two attempts at once both count); answers the counts after it. */
export async function countAttempt(ex: Executor, requestId: string, failed: boolean, at: string): Promise<{ attempts: number; failed: number }> {
  await ex
    .updateTable('privacy_request_verifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), failed_attempts: eb('failed_attempts', '+', failed ? 1 : 0), updated_at: at }))
    .where('request_id', '=', requestId)
    .execute();
  const row = await findVerification(ex, requestId);
  return { attempts: row?.attempts ?? 0, failed: row?.failed_attempts ?? 0 };
}

export async function insertAgent(ex: Executor, row: Insertable<PrivacyRequestAgentsTable>): Promise<void> {
  await ex.insertInto('privacy_request_agents').values(row).execute();
}

/** The agent of a request, without the authorization's bytes. */
export function findAgent(ex: Executor, requestId: string): Promise<Omit<PrivacyRequestAgentsTable, 'content'> | undefined> {
  return ex
    .selectFrom('privacy_request_agents')
    .select(['request_id', 'name', 'email', 'email_normalized', 'token_hash', 'filename', 'content_type', 'size', 'sha256', 'created_at', 'updated_at'])
    .where('request_id', '=', requestId)
    .executeTakeFirst();
}

export function findAuthorization(ex: Executor, requestId: string): Promise<Pick<PrivacyRequestAgentsTable, 'filename' | 'content_type' | 'content'> | undefined> {
  return ex.selectFrom('privacy_request_agents').select(['filename', 'content_type', 'content']).where('request_id', '=', requestId).executeTakeFirst();
}

/** Verification rows of these requests (an access export, an erasure). */
export function verificationsOf(ex: Executor, requestIds: readonly string[]): Promise<PrivacyRequestVerificationsTable[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('privacy_request_verifications').selectAll().where('request_id', 'in', requestIds).orderBy('request_id').execute();
}

/** Agent rows of these requests, or where the agent is the person at `email`. */
export function agentsOf(ex: Executor, requestIds: readonly string[], email: string | null): Promise<PrivacyRequestAgentsTable[]> {
  if (requestIds.length === 0 && !email) return Promise.resolve([]);
  return ex
    .selectFrom('privacy_request_agents')
    .selectAll()
    .where((eb) => eb.or([...(requestIds.length ? [eb('request_id', 'in', requestIds)] : []), ...(email ? [eb('email_normalized', '=', email)] : [])]))
    .orderBy('request_id')
    .execute();
}

/** Clears the declaration and residence a request's verification recorded; the steps and counts stay. */
export async function deidentifyVerification(ex: Executor, requestId: string, at: string): Promise<number> {
  const r = await ex.updateTable('privacy_request_verifications').set({ declaration_name: null, residence: null, decision_note: null, updated_at: at }).where('request_id', '=', requestId).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** What an erased agent's name and address read as: the request they made stays the subject's, and no mail goes to them any more. */
export const ERASED_AGENT = '[erased]';

/** Clears the agent's name and address on a request about someone else (the agent's own erasure); the authorization stays with that request. */
export async function deidentifyAgent(ex: Executor, requestId: string, at: string): Promise<number> {
  const r = await ex
    .updateTable('privacy_request_agents')
    .set({ name: ERASED_AGENT, email: ERASED_AGENT, email_normalized: ERASED_AGENT, updated_at: at })
    .where('request_id', '=', requestId)
    .where('email', '!=', ERASED_AGENT)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteAgent(ex: Executor, requestId: string): Promise<number> {
  const r = await ex.deleteFrom('privacy_request_agents').where('request_id', '=', requestId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Moves a request's verification on from `pending`, only while it is pending and open; answers whether it did (two steps at once). */
export async function settleVerification(ex: Executor, requestId: string, patch: { verification: 'verified' | 'failed'; verification_method: string | null; verified_at: string | null; updated_at: string }): Promise<boolean> {
  const r = await ex
    .updateTable('privacy_requests')
    .set(patch)
    .where('id', '=', requestId)
    .where('verification', '=', 'pending')
    .where('state', '!=', 'completed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
