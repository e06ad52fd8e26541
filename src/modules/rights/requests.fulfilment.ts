import { accountIdOf, type Caller, can, lacksRequiredMfa, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { constantTimeEqual, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { certificateText, type DeletionCertificate } from './certificate.ts';
import { createAccessFulfilment } from './fulfilment.access.ts';
import { createCorrectFulfilment } from './fulfilment.correct.ts';
import { createDeleteFulfilment } from './fulfilment.delete.ts';
import type { FulfilmentPorts } from './fulfilment.deps.ts';
import { createKnowFulfilment } from './fulfilment.know.ts';
import * as store from './fulfilment.repository.ts';
import { checkLink, type FulfilmentContext, fulfillable, SYSTEM } from './fulfilment.steps.ts';
import type { RequestHooks } from './requests.hooks.ts';
import * as repo from './requests.repository.ts';
import type { Actor, Steps } from './requests.steps.ts';
import type { RightsDeps } from './rights.deps.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';

/** DSR-1, DSR-5: where a request's fulfilment stands, as its requester and privacy staff see it. */
export interface FulfilmentView {
  /** `awaiting_review`, `archive_offered`, `answered`, `corrected`, `correction_denied`, `erasing`, `erased`, `failed`, or null. */
  status: string | null;
  /** Staff only: what a correction request asks for (cleared once decided). */
  correction?: { field: string; value: string | null } | null;
  /** A know request's answer; a deletion's pointers to the organizations that administer a membership. */
  answer: unknown;
  /** DSR-5: the deletion certificate (no personal data). */
  certificate: DeletionCertificate | null;
}

/**
 * DSR-1, DSR-5: fulfilment of verified requests: the hook verification calls, the staff desk's
 * "fulfil" (run or retry), the requester's downloads, and the correction review.
 */
export function createFulfilment(deps: RightsDeps, steps: Steps, ports: FulfilmentPorts) {
  const { db } = deps;
  const f: FulfilmentContext = { deps, ports, steps };
  const access = createAccessFulfilment(f);
  const know = createKnowFulfilment(f);
  const erase = createDeleteFulfilment(f);
  const correct = createCorrectFulfilment(f);

  async function run(ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor): Promise<void> {
    if (row.kind === 'access') await access.offer(ctx, row, actor);
    else if (row.kind === 'know') await know.answer(ctx, row, actor);
    else if (row.kind === 'delete') await erase.erase(ctx, row, actor);
    else if (row.kind === 'correct') await correct.awaitReview(ctx, row, actor);
  }

  /**
   * DSR-2 → DSR-1: called by verification after a request became verified. It never throws into
   * verification (already committed): a failure is recorded in the request's history, and staff
   * run it again from the desk.
   */
  const hooks: RequestHooks = {
    async afterVerified(ctx, requestId) {
      try {
        await run(ctx, await fulfillable(db, requestId), SYSTEM);
      } catch (e) {
        const row = await repo.findRequest(db, requestId).catch(() => undefined);
        if (!row) return;
        const code = e instanceof AppError ? e.code : 'internal';
        await steps.step(db, ctx, row, 'fulfilment_failed', SYSTEM, `Fulfilment did not complete (${code}); staff can run it again from the desk.`).catch(() => undefined);
      }
    },
  };

  /** DSR-1: privacy staff run (or retry) the fulfilment of a verified request. */
  async function fulfil(ctx: RequestContext, caller: Caller, id: string): Promise<void> {
    requireCapability(caller, 'privacy.requests');
    const row = await fulfillable(db, id);
    const staffId = accountIdOf(caller);
    await run(ctx, row, staffId ? { type: 'staff', id: staffId } : SYSTEM);
  }

  /** DSR-5: the certificate, to the requester's link (the certificate link, or the request's own) or to privacy staff. */
  async function certificate(caller: Caller | null, id: string, token: string | undefined): Promise<{ certificate: DeletionCertificate; text: string }> {
    const row = await repo.findRequest(db, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    const byStaff = !token && caller !== null && can(caller, 'privacy.requests');
    if (!byStaff) {
      if (!token) {
        // Staff whose role needs two-step verification are told to turn it on; anyone else learns nothing, not even that the request exists.
        if (caller && lacksRequiredMfa(caller)) requireCapability(caller, 'privacy.requests');
        throw new AppError(CommonErrors.notFound);
      }
      if (!constantTimeEqual(sha256(token), row.token_hash)) await checkLink(f, db, id, 'certificate', token);
    }
    const done = await store.findFulfilment(db, id);
    if (!done?.certificate) throw new AppError(CommonErrors.notFound);
    const c = JSON.parse(done.certificate) as DeletionCertificate;
    return { certificate: c, text: certificateText(c) };
  }

  /** What the request's views show of its fulfilment. */
  async function viewOf(ex: Executor, id: string, staff: boolean): Promise<FulfilmentView | null> {
    const done = await store.findFulfilment(ex, id);
    if (!done) return null;
    return {
      status: done.status,
      ...(staff ? { correction: done.correction_field ? { field: done.correction_field, value: done.correction_value } : null } : {}),
      answer: done.answer ? (JSON.parse(done.answer) as unknown) : null,
      certificate: done.certificate ? (JSON.parse(done.certificate) as DeletionCertificate) : null,
    };
  }

  return {
    hooks,
    fulfil,
    decideCorrection: correct.decide,
    archiveLink: access.linkForHolder,
    downloadArchive: access.download,
    certificate,
    viewOf,
    jobHandlers: [erase.sweepJob],
  };
}

export type Fulfilment = ReturnType<typeof createFulfilment>;
