import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type { PrivacyRequestEventsTable, PrivacyRequestLogTable, PrivacyRequestsTable, ShineTheLightRequestsTable } from './rights.tables.ts';

/** Data-subject requests are the operator's, not an organization's: no query here is tenant-scoped. */

export async function insertRequest(ex: Executor, row: Insertable<PrivacyRequestsTable>): Promise<void> {
  await ex.insertInto('privacy_requests').values(row).execute();
}

export function findRequest(ex: Executor, id: string): Promise<PrivacyRequestsTable | undefined> {
  return ex.selectFrom('privacy_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Changes a request only while it is in `fromStates`; answers whether it did (two staff acting at once). */
export async function updateRequest(ex: Executor, id: string, fromStates: readonly string[], patch: Updateable<PrivacyRequestsTable>): Promise<boolean> {
  const r = await ex.updateTable('privacy_requests').set(patch).where('id', '=', id).where('state', 'in', fromStates).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Appends a step to the request's history, numbered after its last one. */
export async function insertEvent(ex: Executor, row: Omit<Insertable<PrivacyRequestEventsTable>, 'seq'>): Promise<void> {
  const last = await ex.selectFrom('privacy_request_events').select((eb) => eb.fn.max('seq').as('seq')).where('request_id', '=', row.request_id).executeTakeFirst();
  await ex.insertInto('privacy_request_events').values({ ...row, seq: Number(last?.seq ?? 0) + 1 }).execute();
}

export function listEvents(ex: Executor, requestId: string): Promise<PrivacyRequestEventsTable[]> {
  return ex.selectFrom('privacy_request_events').selectAll().where('request_id', '=', requestId).orderBy('seq').execute();
}

/** DSR-4: the staff queue, by due date (then id), after the cursor's (due_at, id). */
export function queue(ex: Executor, opts: { states: readonly string[]; after: { dueAt: string; id: string } | null; limit: number }): Promise<PrivacyRequestsTable[]> {
  const after = opts.after;
  return ex
    .selectFrom('privacy_requests')
    .selectAll()
    .where('state', 'in', opts.states)
    .$if(after !== null, (q) => q.where((eb) => eb.or([eb('due_at', '>', after?.dueAt as string), eb.and([eb('due_at', '=', after?.dueAt as string), eb('id', '>', after?.id as string)])])))
    .orderBy('due_at')
    .orderBy('id')
    .limit(opts.limit + 1)
    .execute();
}

/** DSR-4: unanswered requests past their due date that were not yet marked overdue. */
export function newlyOverdue(ex: Executor, now: string, limit: number): Promise<PrivacyRequestsTable[]> {
  return ex
    .selectFrom('privacy_requests')
    .selectAll()
    .where('state', '!=', 'completed')
    .where('due_at', '<', now)
    .where('overdue_at', 'is', null)
    .orderBy('due_at')
    .limit(limit)
    .execute();
}

export async function insertLog(ex: Executor, row: PrivacyRequestLogTable): Promise<void> {
  await ex.insertInto('privacy_request_log').values(row).execute();
}

export async function updateLog(ex: Executor, requestId: string, patch: Updateable<PrivacyRequestLogTable>): Promise<void> {
  await ex.updateTable('privacy_request_log').set(patch).where('request_id', '=', requestId).execute();
}

/** DSR-5: the log entries of requests received in [from, to). */
export function logBetween(ex: Executor, from: string, to: string): Promise<PrivacyRequestLogTable[]> {
  return ex.selectFrom('privacy_request_log').selectAll().where('received_at', '>=', from).where('received_at', '<', to).orderBy('received_at').execute();
}

/** The subject's requests: about their account, or sent from their address. */
export function requestsOf(ex: Executor, subject: { accountId: string | null; email: string | null }): Promise<PrivacyRequestsTable[]> {
  const { accountId, email } = subject;
  if (!accountId && !email) return Promise.resolve([]);
  return ex
    .selectFrom('privacy_requests')
    .selectAll()
    .where((eb) => eb.or([...(accountId ? [eb('account_id', '=', accountId)] : []), ...(email ? [eb('email_normalized', '=', email)] : [])]))
    .orderBy('received_at')
    .execute();
}

export function eventsOf(ex: Executor, requestIds: readonly string[]): Promise<PrivacyRequestEventsTable[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('privacy_request_events').selectAll().where('request_id', 'in', requestIds).orderBy('seq').execute();
}

/** Clears a request's personal columns; the request, its history and its log entry stay. */
export async function deidentifyRequest(ex: Executor, id: string, mark: string, at: string): Promise<number> {
  const r = await ex
    .updateTable('privacy_requests')
    .set({ email: mark, email_normalized: `${mark}:${id}`, account_id: null, details: null, updated_at: at })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** DSR-7: the fields and answer of a Shine the Light request. */
export async function insertShineTheLight(ex: Executor, row: Insertable<ShineTheLightRequestsTable>): Promise<void> {
  await ex.insertInto('shine_the_light_requests').values(row).execute();
}

export function findShineTheLight(ex: Executor, requestId: string): Promise<ShineTheLightRequestsTable | undefined> {
  return ex.selectFrom('shine_the_light_requests').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

/** DSR-7: whether the person (by address or account) made another Shine the Light request since `since`. */
export async function hasShineTheLightSince(ex: Executor, who: { email: string; accountId: string | null; since: string; before: string }): Promise<boolean> {
  const row = await ex
    .selectFrom('privacy_requests')
    .select('id')
    .where('kind', '=', 'shine_the_light')
    .where('received_at', '>=', who.since)
    .where('id', '!=', who.before)
    .where((eb) => (who.accountId ? eb.or([eb('email_normalized', '=', who.email), eb('account_id', '=', who.accountId)]) : eb('email_normalized', '=', who.email)))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function shineTheLightOf(ex: Executor, requestIds: readonly string[]): Promise<ShineTheLightRequestsTable[]> {
  if (requestIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('shine_the_light_requests').selectAll().where('request_id', 'in', requestIds).execute();
}

export async function deidentifyShineTheLight(ex: Executor, requestId: string, mark: string): Promise<number> {
  const r = await ex
    .updateTable('shine_the_light_requests')
    .set({ name: mark, street: mark, city: mark, state: mark, zip: mark, answer: null })
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
