import type { Page } from '../../contracts/common.ts';
import type { Notice } from '../../contracts/governance.ts';
import { accountIdOf, type Caller } from '../../core/caller.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { GovernanceDeps } from './governance.deps.ts';
import { GovernanceErrors } from './governance.errors.ts';
import type { AccountNoticesTable } from './governance.tables.ts';
import * as repo from './notices.repository.ts';

const toNotice = (r: AccountNoticesTable): Notice => ({ id: r.id, kind: r.kind, orgId: r.org_id, title: r.title, body: r.body, createdAt: r.created_at, readAt: r.read_at });

/** The cursor is the last notice's id and time, base64url-encoded. */
const encode = (r: AccountNoticesTable) => Buffer.from(`${r.created_at}|${r.id}`, 'utf8').toString('base64url');
function decode(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || rest.length > 0 || Number.isNaN(Date.parse(createdAt))) throw new AppError(GovernanceErrors.invalidCursor, undefined, { details: { field: 'cursor' } });
  return { createdAt, id };
}

/** GOV-3: the signed-in person's own in-app notices, newest first; they mark them read. */
export function createNotices(deps: GovernanceDeps) {
  const { db, clock } = deps;

  function self(caller: Caller): string {
    const id = accountIdOf(caller);
    if (!id) throw new AppError(CommonErrors.unauthenticated);
    return id;
  }

  async function list(caller: Caller, opts: { limit: number; cursor?: string | undefined; unread?: boolean | undefined }): Promise<Page<Notice>> {
    const accountId = self(caller);
    const rows = await repo.listNotices(db, accountId, { limit: opts.limit + 1, unread: opts.unread, before: decode(opts.cursor) });
    const page = rows.slice(0, opts.limit);
    return { items: page.map(toNotice), nextCursor: rows.length > opts.limit ? encode(page.at(-1) as AccountNoticesTable) : null };
  }

  /** Marks one of the person's notices read (again: no change); another person's notice is not found. */
  async function markRead(caller: Caller, noticeId: string): Promise<Notice> {
    const accountId = self(caller);
    await repo.markNoticeRead(db, accountId, noticeId, clock.now().toISOString());
    const row = await repo.findNotice(db, accountId, noticeId);
    if (!row) throw new AppError(CommonErrors.notFound);
    return toNotice(row);
  }

  return { list, markRead };
}

export type Notices = ReturnType<typeof createNotices>;
