import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import type { AccountNoticesTable } from './governance.tables.ts';

/** In-app notices on a person's account page (GOV-3, GOV-4), shown until marked read. */

export interface NewNotice {
  accountId: string;
  /** The organization the notice is about, if any. */
  orgId: string | null;
  /** A short machine name, e.g. `governance.control_asserted`. */
  kind: string;
  title: string;
  body: string;
  /** When it happened; now when absent (pass the service's clock). */
  at?: Date;
}

/** Adds a notice; call it inside the transaction that makes the change it tells about. */
export async function addNotice(ex: Executor, notice: NewNotice): Promise<string> {
  const id = newId('ntc');
  await ex
    .insertInto('account_notices')
    .values({
      id,
      account_id: notice.accountId,
      org_id: notice.orgId,
      kind: notice.kind,
      title: notice.title,
      body: notice.body,
      created_at: (notice.at ?? new Date()).toISOString(),
      read_at: null,
    })
    .execute();
  return id;
}

export async function listNotices(ex: Executor, accountId: string, opts: { limit: number; unread?: boolean | undefined; before?: { createdAt: string; id: string } | undefined }): Promise<AccountNoticesTable[]> {
  let q = ex.selectFrom('account_notices').selectAll().where('account_id', '=', accountId);
  if (opts.unread) q = q.where('read_at', 'is', null);
  const before = opts.before;
  if (before) {
    q = q.where((eb) => eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function findNotice(ex: Executor, accountId: string, noticeId: string): Promise<AccountNoticesTable | undefined> {
  return ex.selectFrom('account_notices').selectAll().where('account_id', '=', accountId).where('id', '=', noticeId).executeTakeFirst();
}

export async function markNoticeRead(ex: Executor, accountId: string, noticeId: string, at: string): Promise<void> {
  await ex.updateTable('account_notices').set({ read_at: at }).where('account_id', '=', accountId).where('id', '=', noticeId).where('read_at', 'is', null).execute();
}

export async function noticesOfAccount(ex: Executor, accountId: string): Promise<AccountNoticesTable[]> {
  return ex.selectFrom('account_notices').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
}

export async function deleteNoticesOfAccount(ex: Executor, accountId: string): Promise<number> {
  const res = await ex.deleteFrom('account_notices').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
