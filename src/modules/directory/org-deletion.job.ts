import { systemContext } from '../../core/context.ts';
import type { Job, JobContext, JobHandler } from '../jobs/index.ts';
import { JobLeaseLost, PermanentJobError } from '../jobs/index.ts';
import type { Executor } from '../../db/schema.ts';
import { addErasure, emptyErasure, type ErasureOutcome, keptErasure, type OrganizationErasure, type OrganizationErasureStep } from '../rights/index.ts';
import { cancelledNotice, completionRecord, scheduledNotice } from './org-deletion.mail.ts';
import { ORG_DELETION_JOB, ORG_DELETION_NOTICE_JOB, type OrgDeletionDeps, type OrgDeletionNoticePayload, type OrgDeletionPayload } from './org-deletion.deps.ts';
import * as repo from './org-deletion.repository.ts';

const NOTICE_PAGE = 200;
/** What stays of the organization's name: a tombstone names no one. Its slug stays, so no later organization takes its LDAP subtree (DIR-1). */
export const TOMBSTONE_NAME = '[deleted organization]';

/**
 * The running account of a deletion, kept on its row (`outcome`): what the access stop did, then
 * each erasure step, each written in the step's own transaction, so a resumed run counts every row
 * once and the completion record is exact.
 */
interface Progress {
  closing?: { bindings: number; service_accounts: number };
  modules: Record<string, ErasureOutcome>;
  /** The modules whose erasure is over. */
  done: string[];
  transactions: number;
}

const progressOf = (outcome: string | null): Progress => ({ modules: {}, done: [], transactions: 0, ...(JSON.parse(outcome ?? '{}') as Partial<Progress>) });

/**
 * DSR-6: the members' notices, a page per run: each page's mail is queued in one transaction with
 * the job for the next page and the move of the deletion's notice cursor (a compare-and-set), so a
 * retry of a page already sent (a crash between its commit and the job being marked done) mails
 * nothing. Notices of a scheduled deletion stop once it is cancelled.
 */
export function orgDeletionNoticeJob(deps: OrgDeletionDeps): JobHandler<OrgDeletionNoticePayload> {
  const { db, mail, jobs, config } = deps;
  const page = deps.noticePage ?? NOTICE_PAGE;
  return {
    kind: ORG_DELETION_NOTICE_JOB,
    async run(job: Job<OrgDeletionNoticePayload>) {
      const p = job.payload;
      if (typeof p?.deletionId !== 'string' || (p.notice !== 'scheduled' && p.notice !== 'cancelled')) throw new PermanentJobError('the payload names no deletion');
      await db.transaction().execute(async (trx) => {
        const row = await repo.findDeletion(trx, p.deletionId);
        if (!row || (p.notice === 'scheduled' && row.state !== 'scheduled')) return;
        const org = await repo.findOrganizationName(trx, row.org_id);
        if (!org) return;
        const members = await repo.noticeRecipients(trx, row.org_id, p.after, page);
        const last = members.at(-1);
        const full = members.length === page && last !== undefined;
        if (!(await repo.advanceNoticeCursor(trx, p.deletionId, p.notice, p.after, full ? last.id : 'end'))) return;
        for (const m of members) {
          await mail.enqueue(trx, p.notice === 'scheduled' ? scheduledNotice(m.email, { siteName: config.siteName, orgName: org, deleteAt: row.delete_at }) : cancelledNotice(m.email, { siteName: config.siteName, orgName: org }));
        }
        if (full) {
          await jobs.enqueue<OrgDeletionNoticePayload>(trx, { kind: ORG_DELETION_NOTICE_JOB, payload: { ...p, after: last.id }, dedupeKey: `${p.deletionId}:${p.notice}:${last.id}`, maxAttempts: 10 });
        }
      });
      jobs.wake();
    },
  };
}

/**
 * DSR-6: the end of the waiting period. First, in one transaction, access stops: the deletion
 * moves to `erasing`, the organization is marked deleted (its slug kept, so no one else gets it), its
 * grants and service accounts removed (org-deletion.repository.ts, closeOrganization). Then every
 * module erases the organization through the registry, in batches; then, in one transaction, the
 * organization's row becomes a tombstone, the deletion is completed with its outcome, and the
 * completion record is mailed to the admin who asked (whose address is then cleared). A cancelled
 * deletion has no job left; a retry after the access stop resumes the erasure. A run whose lease
 * lapsed stops at its next step (the step rolls back); each step locks the deletion's row to add
 * its counts, and a module another run already finished is not counted again.
 */
export function orgDeletionJob(deps: OrgDeletionDeps): JobHandler<OrgDeletionPayload> {
  const { db, clock, audit, mail, jobs, config } = deps;

  async function stopAccess(id: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const row = await repo.findDeletion(trx, id);
      if (!row || row.state !== 'scheduled') return;
      const at = clock.now().toISOString();
      if (!(await repo.updateDeletion(trx, id, ['scheduled'], { state: 'erasing', started_at: at, updated_at: at }))) return;
      const closing = await repo.closeOrganization(trx, row.org_id, at);
      const progress: Progress = { closing, modules: { directory: { bindings: { ...emptyErasure(), deleted: closing.bindings }, service_accounts: { ...emptyErasure(), deleted: closing.service_accounts } } }, done: [], transactions: 1 };
      await repo.updateDeletion(trx, id, ['erasing'], { outcome: JSON.stringify(progress) });
      await audit.record(trx, systemContext(), { action: 'directory.organization_access_stopped', orgId: row.org_id, target: { type: 'organization', id: row.org_id }, details: { deletionId: id, ...closing } });
    });
  }

  /** In each erasure step's transaction: the step's counts join the deletion's running account, under the row's lock. */
  async function recordStep(ex: Executor, id: string, module: string, step: OrganizationErasureStep, signal: AbortSignal): Promise<void> {
    // The lease lapsed: another node may hold the job now; this step rolls back.
    if (signal.aborted) throw new JobLeaseLost();
    const row = await repo.lockDeletion(ex, id);
    if (!row) return;
    const progress = progressOf(row.outcome);
    // Another run finished the module meanwhile: its rows are counted once.
    if (progress.done.includes(module)) return;
    addErasure((progress.modules[module] ??= {}), step.outcome);
    if (!step.more) progress.done.push(module);
    progress.transactions += 1;
    await repo.updateDeletion(ex, id, ['erasing'], { outcome: JSON.stringify(progress) });
  }

  async function complete(id: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const row = await repo.findDeletion(trx, id);
      if (!row || row.state !== 'erasing') return;
      const orgName = (await repo.findOrganizationName(trx, row.org_id)) ?? '';
      const at = clock.now().toISOString();
      // When access stopped, for the record (the erasure may have taken a while after).
      const startedAt = row.started_at ?? at;
      const progress = progressOf(row.outcome);
      const directory = (progress.modules.directory ??= {});
      directory.organizations = keptErasure(await repo.tombstoneOrganization(trx, row.org_id, TOMBSTONE_NAME, at), 'deletion_record', 'deidentified');
      directory.org_deletions = keptErasure(1, 'deletion_record', 'deidentified');
      progress.transactions += 1;
      const erasure: OrganizationErasure = { modules: progress.modules, transactions: progress.transactions };
      const outcome = JSON.stringify(erasure);
      if (!(await repo.updateDeletion(trx, id, ['erasing'], { state: 'completed', completed_at: at, outcome, requested_by_email: null, updated_at: at }))) return;
      if (row.requested_by_email) {
        await mail.enqueue(trx, completionRecord(row.requested_by_email, { siteName: config.siteName, orgName, orgId: row.org_id, requestedAt: row.requested_at, startedAt, completedAt: at, erasure }));
      }
      await audit.record(trx, systemContext(), { action: 'directory.organization_deleted', orgId: row.org_id, target: { type: 'organization', id: row.org_id }, details: { deletionId: id, transactions: erasure.transactions } });
    });
    jobs.wake();
  }

  return {
    kind: ORG_DELETION_JOB,
    async run(job: Job<OrgDeletionPayload>, ctx: JobContext) {
      const id = job.payload?.deletionId;
      if (typeof id !== 'string') throw new PermanentJobError('the payload names no deletion');
      await stopAccess(id);
      const row = await repo.findDeletion(db, id);
      if (!row || row.state !== 'erasing') return;
      const org = await repo.findOrganizationNames(db, row.org_id);
      // DSR-5: what a kept record could name the organization or its people by (the slug is in its hosts' DNs).
      const names = [...new Set([org?.name ?? '', org?.slug ?? '', ...(await repo.memberNeedles(db, row.org_id))])].filter((n) => n.length >= 3);
      const invitees = await repo.inviteeAddresses(db, row.org_id);
      const done = progressOf(row.outcome).done;
      await deps.eraseOrganization(row.org_id, { names, invitees, skipModules: done, afterStep: (ex, module, step) => recordStep(ex, id, module, step, ctx.signal) });
      if (ctx.signal.aborted) throw new JobLeaseLost();
      await complete(id);
    },
  };
}
