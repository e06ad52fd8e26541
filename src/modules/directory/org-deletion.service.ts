import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { OrgDeletion, RequestOrgDeletionBody } from '../../contracts/org-deletion.ts';
import { ORG_DELETION_JOB, ORG_DELETION_NOTICE_JOB, ORG_DELETION_WAIT_MS, type OrgDeletionDeps, type OrgDeletionNoticePayload, type OrgDeletionPayload } from './org-deletion.deps.ts';
import { DirectoryErrors } from './directory.errors.ts';
import { OrgDeletionErrors } from './org-deletion.errors.ts';
import * as repo from './org-deletion.repository.ts';
import type { OrgDeletionsTable } from './org-deletion.tables.ts';

/**
 * DSR-6: during the waiting period no one joins the organization (an invitation, an import): every
 * member is told of the deletion when it is scheduled, and someone added later would never be.
 * Called in the adding transaction, with the organization's row locked.
 */
export async function assertNoDeletionPending(ex: Executor, orgId: string): Promise<void> {
  if (await repo.findOpenDeletion(ex, orgId)) throw new AppError(DirectoryErrors.deletionPending);
}

const NONE: OrgDeletion = { state: 'none', requestedAt: null, deleteAt: null };
const view = (row: OrgDeletionsTable | undefined): OrgDeletion =>
  row?.state === 'scheduled' ? { state: 'scheduled', requestedAt: row.requested_at, deleteAt: row.delete_at } : NONE;

/**
 * DSR-6: an organization's admin asks for its deletion: re-authenticated, confirming with the
 * organization's name. The deletion waits ORG_DELETION_WAIT_MS, during which any admin may cancel
 * it; every member is told at the start (and told of a cancellation). At the end, the deletion job
 * (org-deletion.job.ts) stops access and erases the organization everywhere.
 */
export function createOrgDeletionRequests(deps: OrgDeletionDeps) {
  const { db, clock, audit, jobs } = deps;

  /** Only the organization's own active admins: anyone else gets 404 (DIR-1) or 403; staff never delete an organization (SUP-6). */
  function requireAdmin(caller: Caller, orgId: string): string {
    requireCapability(caller, 'directory.manage', { orgId });
    const accountId = accountIdOf(caller);
    if (caller.kind !== 'member' || !accountId) throw new AppError(CommonErrors.forbidden);
    return accountId;
  }

  async function get(caller: Caller, orgId: string): Promise<OrgDeletion> {
    requireAdmin(caller, orgId);
    return view(await repo.findOpenDeletion(db, orgId));
  }

  /** Starts telling every member, a page per job run (org-deletion.job.ts), in the caller's transaction. */
  const notify = (ex: Executor, deletionId: string, notice: OrgDeletionNoticePayload['notice']) =>
    jobs.enqueue<OrgDeletionNoticePayload>(ex, { kind: ORG_DELETION_NOTICE_JOB, payload: { deletionId, notice, after: null }, dedupeKey: `${deletionId}:${notice}:`, maxAttempts: 10 });

  async function request(ctx: RequestContext, caller: Caller, orgId: string, input: RequestOrgDeletionBody): Promise<OrgDeletion> {
    const accountId = requireAdmin(caller, orgId);
    const org = await repo.lockLiveOrganization(db, orgId);
    if (!org) throw new AppError(CommonErrors.notFound);
    // Exactly the name, as the console shows it: no trimming, no case folding.
    if (input.name !== org.name) throw new AppError(OrgDeletionErrors.nameMismatch, undefined, { details: { field: 'name' } });
    if (await repo.findOpenDeletion(db, orgId)) throw new AppError(OrgDeletionErrors.alreadyScheduled);
    const account = await deps.stepUp(ctx, caller, { password: input.password, code: input.code });
    const row = await db.transaction().execute(async (trx) => {
      if (!(await repo.lockLiveOrganization(trx, orgId))) throw new AppError(CommonErrors.notFound);
      if (await repo.findOpenDeletion(trx, orgId)) throw new AppError(OrgDeletionErrors.alreadyScheduled);
      const now = clock.now();
      const at = now.toISOString();
      const next: OrgDeletionsTable = {
        id: newId('odl'),
        org_id: orgId,
        state: 'scheduled',
        requested_by: accountId,
        requested_by_email: account.email,
        requested_at: at,
        delete_at: new Date(now.getTime() + ORG_DELETION_WAIT_MS).toISOString(),
        cancelled_by: null,
        cancelled_at: null,
        started_at: null,
        completed_at: null,
        outcome: null,
        notice_cursor: null,
        updated_at: at,
      };
      await repo.insertDeletion(trx, next);
      await jobs.enqueue<OrgDeletionPayload>(trx, { kind: ORG_DELETION_JOB, payload: { deletionId: next.id }, runAt: new Date(next.delete_at), dedupeKey: next.id, maxAttempts: 20 });
      await notify(trx, next.id, 'scheduled');
      await audit.record(trx, ctx, { action: 'directory.organization_deletion_requested', orgId, target: { type: 'organization', id: orgId }, details: { deletionId: next.id, deleteAt: next.delete_at } });
      return next;
    });
    jobs.wake();
    return view(row);
  }

  /** During the wait, any of its admins cancels: the erasure job goes, and every member is told. */
  async function cancel(ctx: RequestContext, caller: Caller, orgId: string): Promise<void> {
    const accountId = requireAdmin(caller, orgId);
    await db.transaction().execute(async (trx) => {
      const row = await repo.findOpenDeletion(trx, orgId);
      const at = clock.now().toISOString();
      if (!row || !(await repo.updateDeletion(trx, row.id, ['scheduled'], { state: 'cancelled', cancelled_by: accountId, cancelled_at: at, requested_by_email: null, updated_at: at }))) {
        throw new AppError(OrgDeletionErrors.notScheduled);
      }
      const cancelled = await jobs.cancel(trx, ORG_DELETION_JOB, row.id);
      if (!cancelled) throw new AppError(OrgDeletionErrors.notScheduled);
      await notify(trx, row.id, 'cancelled');
      await audit.record(trx, ctx, { action: 'directory.organization_deletion_cancelled', orgId, target: { type: 'organization', id: orgId }, details: { deletionId: row.id } });
    });
    jobs.wake();
  }

  return { get, request, cancel };
}
