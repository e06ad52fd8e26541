import type { Executor } from '../../db/schema.ts';
import type { EmailChangeRequestState, EmailChangeRequestsTable } from './email-change-requests.tables.ts';

/** GOV-4: the only queries on `email_change_requests`; every one names the organization or the account. */

export async function insertRequest(ex: Executor, row: EmailChangeRequestsTable): Promise<void> {
  await ex.insertInto('email_change_requests').values(row).execute();
}

export async function findRequest(ex: Executor, orgId: string, id: string): Promise<EmailChangeRequestsTable | undefined> {
  return ex.selectFrom('email_change_requests').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** The account's request in one state (at most one is pending; the newest approved one otherwise). */
export async function findOfAccount(ex: Executor, accountId: string, state: EmailChangeRequestState): Promise<EmailChangeRequestsTable | undefined> {
  return ex
    .selectFrom('email_change_requests')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('state', '=', state)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** An organization's requests, newest first, after the cursor (the last row's `created_at` and id). */
export async function listRequests(
  ex: Executor,
  orgId: string,
  opts: { state?: EmailChangeRequestState | undefined; after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<EmailChangeRequestsTable[]> {
  let q = ex.selectFrom('email_change_requests').selectAll().where('org_id', '=', orgId);
  if (opts.state) q = q.where('state', '=', opts.state);
  const after = opts.after;
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

/** Moves a request on from `from` only (two admins deciding at once: one wins); answers whether it moved. */
export async function moveRequest(
  ex: Executor,
  id: string,
  from: EmailChangeRequestState,
  patch: Partial<Pick<EmailChangeRequestsTable, 'state' | 'decided_by' | 'decided_at' | 'reason'>>,
): Promise<boolean> {
  const res = await ex.updateTable('email_change_requests').set(patch).where('id', '=', id).where('state', '=', from).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function requestsOfAccount(ex: Executor, accountId: string): Promise<EmailChangeRequestsTable[]> {
  return ex.selectFrom('email_change_requests').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
}

export async function deleteRequestsOfAccount(ex: Executor, accountId: string): Promise<number> {
  const res = await ex.deleteFrom('email_change_requests').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function deleteRequestsOfOrg(ex: Executor, orgId: string): Promise<number> {
  const res = await ex.deleteFrom('email_change_requests').where('org_id', '=', orgId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
