import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import * as store from './fulfilment.repository.ts';
import { complete, type FulfilmentContext, fulfillable } from './fulfilment.steps.ts';
import type { Actor } from './requests.steps.ts';
import { REASON_MAX } from './requests.views.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';

/**
 * DSR-1 (correct): the fields a request may correct, each applied through the module that owns it.
 * Only the account's name: the email address changes through the account's own settings (a new
 * address is proven by a link, GOV-4 may need an admin's approval), and what an organization
 * administers (the name it knows a member by, the username) is its admins' to change.
 */
export const CORRECTABLE_FIELDS = ['name'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];
export const CORRECTION_VALUE_MAX = 200;

export interface CorrectionInput {
  field: CorrectableField;
  value: string;
}

/** Checks what a request asks to correct (at intake): only for `correct`, a known field, a value that fits. */
export function cleanCorrection(kind: string, input: CorrectionInput | undefined): CorrectionInput | null {
  if (input === undefined) return null;
  if (kind !== 'correct') throw new AppError(RightsErrors.correctionOnly, undefined, { details: { field: 'correction' } });
  const value = input.value.trim();
  if (!(CORRECTABLE_FIELDS as readonly string[]).includes(input.field)) throw new AppError(CommonErrors.invalid, `Only these can be corrected: ${CORRECTABLE_FIELDS.join(', ')}.`, { details: { field: 'correction.field' } });
  if (value.length === 0 || value.length > CORRECTION_VALUE_MAX) throw new AppError(CommonErrors.invalid, `The new value has 1 to ${CORRECTION_VALUE_MAX} characters.`, { details: { field: 'correction.value' } });
  return { field: input.field, value };
}

/** Stores what a correction request asks for, in the intake's transaction. */
export async function recordCorrection(ex: Executor, requestId: string, c: CorrectionInput, at: string): Promise<void> {
  await store.saveFulfilment(ex, requestId, { correction_field: c.field, correction_value: c.value }, at);
}

export function createCorrectFulfilment(f: FulfilmentContext) {
  const { deps, steps, ports } = f;
  const { db, clock } = deps;

  /** Once verified, a correction waits for staff review; the requester is told. */
  async function awaitReview(ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor): Promise<void> {
    const status = (await store.findFulfilment(db, row.id))?.status ?? null;
    if (status !== null && status !== 'awaiting_review') throw new AppError(RightsErrors.fulfilmentRunning);
    await db.transaction().execute(async (trx) => {
      await store.saveFulfilment(trx, row.id, { status: 'awaiting_review' }, clock.now().toISOString());
      await steps.step(trx, ctx, row, 'awaiting_review', actor, 'Verified; the correction waits for staff review.');
    });
  }

  /**
   * DSR-1: privacy staff apply the correction (through the owning module, audited there and here)
   * or deny it with the reason; either way the request is answered and the value asked for cleared.
   */
  async function decide(ctx: RequestContext, caller: Caller, id: string, input: { decision: 'apply' | 'deny'; reason?: string | undefined }): Promise<void> {
    requireCapability(caller, 'privacy.requests');
    const reason = input.reason?.trim() || null;
    if (reason && reason.length > REASON_MAX) throw new AppError(CommonErrors.invalid, `A reason is at most ${REASON_MAX} characters.`, { details: { field: 'reason' } });
    const row = await fulfillable(db, id);
    if (row.kind !== 'correct') throw new AppError(RightsErrors.notAwaitingReview);
    const asked = await store.findFulfilment(db, id);
    const stale = new Date(clock.now().getTime() - store.CLAIM_LEASE_MS).toISOString();
    // A decision that died after its claim left `deciding`: the claim lapses after the lease (renaming again is harmless).
    const lapsed = asked?.status === 'deciding' && asked.updated_at < stale;
    if (asked?.status !== undefined && asked.status !== null && asked.status !== 'awaiting_review' && !lapsed) {
      throw new AppError(asked.status === 'deciding' ? RightsErrors.fulfilmentRunning : RightsErrors.notAwaitingReview);
    }
    if (input.decision === 'deny' && !reason) throw new AppError(RightsErrors.denialReasonRequired, undefined, { details: { field: 'reason' } });
    if (input.decision === 'apply' && (!asked?.correction_field || !asked.correction_value || !row.account_id)) throw new AppError(RightsErrors.correctionUnspecified);
    const at = clock.now().toISOString();
    await store.saveFulfilment(db, id, {}, at);
    const previous = lapsed ? 'awaiting_review' : (asked?.status ?? null);
    if (!(await store.claimStatus(db, id, lapsed ? 'deciding' : previous, 'deciding', at, lapsed ? stale : undefined))) throw new AppError(RightsErrors.fulfilmentRunning);
    const staffId = accountIdOf(caller);
    const actor: Actor = staffId ? { type: 'staff', id: staffId } : { type: 'system', id: null };
    // Whatever fails after the claim gives the correction back to review, so that staff can decide again.
    const release = () => store.saveFulfilment(db, id, { status: previous }, clock.now().toISOString());
    try {
      if (input.decision === 'apply') await ports.renameAccount(ctx, row.account_id as string, asked?.correction_value as string);
      await answer(ctx, row, asked, input.decision === 'apply', reason, actor, at);
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** The correction's answer, in one transaction: the status, the history, the requester's mail, the request closed. */
  async function answer(ctx: RequestContext, row: PrivacyRequestsTable, asked: Awaited<ReturnType<typeof store.findFulfilment>>, applied: boolean, reason: string | null, actor: Actor, at: string): Promise<void> {
    const id = row.id;
    await db.transaction().execute(async (trx) => {
      await store.saveFulfilment(trx, id, { status: applied ? 'corrected' : 'correction_denied', correction_value: null }, at);
      await steps.step(trx, ctx, row, applied ? 'corrected' : 'correction_denied', actor, applied ? `The account's ${asked?.correction_field} was corrected.` : reason, { field: asked?.correction_field ?? null });
      await steps.tell(
        trx,
        row,
        `Your correction request was answered [${id}]`,
        applied ? `We corrected your account's ${asked?.correction_field} as you asked.${reason ? `\n\n${reason}` : ''}` : `We did not make the correction you asked for.\n\nWhy: ${reason}`,
      );
      await complete(f, trx, ctx, row, applied ? 'complied' : 'denied', reason, actor);
    });
  }

  return { awaitReview, decide };
}
