import { accountIdOf, type Caller, can, lacksRequiredMfa, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { constantTimeEqual, newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { normalizeEmail, validEmail } from '../accounts/index.ts';
import { deadlinesOf, type Regime } from './deadlines.ts';
import * as repo from './requests.repository.ts';
import { type Actor, createSteps } from './requests.steps.ts';
import { type Channel, DETAILS_MAX, type RequestKind, type RequestView, type StaffRequestView, toRequestView, toStaffView } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import { cleanCorrection, type CorrectionInput, recordCorrection } from './fulfilment.correct.ts';
import { checkShineTheLight, createShineTheLight, SHINE_THE_LIGHT_FIELDS, type ShineTheLightInput, shineTheLightDue } from './shine-the-light.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';
import { type AgentInput, type Audience, type IntakeVerification, noIntakeVerification } from './verification.hooks.ts';

export interface SubmitInput extends ShineTheLightInput, AgentInput {
  kind: RequestKind;
  regime: Regime;
  email?: string | undefined;
  /** DSR-1: what a correction request asks to change (fulfilment applies it after staff review). */
  correction?: CorrectionInput | undefined;
  details?: string | undefined;
}

export interface StaffEntryInput extends SubmitInput {
  email: string;
  channel: Channel;
}

/** DSR-1: the public privacy center's limits, per address and per IP (the throttle, as invitations use it). */
/** DSR-2: the kinds fulfilled only once the requester is verified; the rest never ask for it. */
export const VERIFIED_KINDS: readonly RequestKind[] = ['access', 'know', 'correct', 'delete'];

const PER_ADDRESS = { max: 5, windowSeconds: 86_400, lockSeconds: 3600 };
const PER_IP = { max: 20, windowSeconds: 3600, lockSeconds: 3600 };

/** DSR-1, DSR-4: taking requests in, and showing one to its requester or to privacy staff. */
export function createRequestIntake(deps: RightsDeps, verification: IntakeVerification = noIntakeVerification) {
  const { db, clock, throttle, people, optOuts, calendar } = deps;
  const steps = createSteps(deps);
  const stl = createShineTheLight(deps, steps);

  function cleanDetails(details: string | undefined): string | null {
    const d = details?.trim() ?? '';
    if (d.length > DETAILS_MAX) throw new AppError(CommonErrors.invalid, `Details are at most ${DETAILS_MAX} characters.`, { details: { field: 'details' } });
    return d.length > 0 ? d : null;
  }

  /**
   * Records a request, its log entry and first history step, acknowledges it by mail at once
   * (DSR-4) and, for an opt-out of sale/sharing, applies it at once and completes it (DSR-2: never
   * verified). Answers the same whether or not the address has an account (DIR-1 rule 4).
   */
  async function create(ctx: RequestContext, input: SubmitInput & { email: string; channel: Channel; accountId: string | null; enteredBy: string | null }, actor: Actor): Promise<{ row: PrivacyRequestsTable; token: string }> {
    const now = clock.now();
    const email = validEmail(input.email);
    const details = cleanDetails(input.details);
    const correction = cleanCorrection(input.kind, input.correction);
    const token = randomToken();
    const deadlines = deadlinesOf(input.regime, now, calendar);
    const { acknowledgeBy } = deadlines;
    // DSR-7: the fields belong to a Shine the Light request, which is due in 30 days; one by
    // telephone, mail or fax is recorded as such and answered with instructions.
    const isStl = input.kind === 'shine_the_light';
    const given = SHINE_THE_LIGHT_FIELDS.filter((f) => input[f] !== undefined);
    if (!isStl && given.length > 0) throw new AppError(RightsErrors.shineTheLightFieldsOnly, undefined, { details: { field: given[0] } });
    const stlFields = isStl && !stl.refuses(input.channel) ? checkShineTheLight(input, deps.config.siteName) : null;
    const dueAt = isStl ? shineTheLightDue(now, calendar.zone) : deadlines.dueAt;
    const knownAccount = input.accountId ?? (stlFields ? ((await people.accountIdByEmail(db, email)) ?? null) : null);
    const stlAnswer = stlFields ? await stl.prepare(knownAccount, normalizeEmail(email), now) : null;
    // DSR-3: an agent's name and signed authorization are checked before anything is recorded.
    const agent = verification.prepare(input.kind, input);
    return db.transaction().execute(async (trx) => {
      const accountId = knownAccount ?? (await people.accountIdByEmail(trx, email)) ?? null;
      const at = now.toISOString();
      const row: PrivacyRequestsTable = {
        id: newId('dsr'),
        kind: input.kind,
        regime: input.regime,
        channel: input.channel,
        state: 'received',
        email,
        email_normalized: normalizeEmail(email),
        account_id: accountId,
        details,
        token_hash: sha256(token),
        entered_by: input.enteredBy,
        received_at: at,
        acknowledge_by: acknowledgeBy.toISOString(),
        acknowledged_at: null,
        due_at: dueAt.toISOString(),
        extended_at: null,
        extension_reason: null,
        outcome: null,
        outcome_reason: null,
        responded_at: null,
        overdue_at: null,
        verification: VERIFIED_KINDS.includes(input.kind) ? 'pending' : 'not_required',
        verification_method: null,
        verified_at: null,
        created_at: at,
        updated_at: at,
      };
      await repo.insertRequest(trx, row);
      if (correction) await recordCorrection(trx, row.id, correction, at);
      await repo.insertLog(trx, { request_id: row.id, received_at: at, kind: row.kind, channel: row.channel, regime: row.regime, responded_at: null, outcome: null, denial_reason: null });
      await steps.step(trx, ctx, row, 'received', actor, null, { channel: row.channel });
      const verificationLines = await verification.received(trx, ctx, row, agent);
      let done = row.kind === 'opt_out';
      if (isStl) {
        Object.assign(row, await stl.receive(trx, ctx, row, stlFields, stlAnswer));
        done = true;
      } else if (done) {
        await optOuts.optOut(trx, ctx, accountId ? { accountId } : { email: row.email_normalized });
        Object.assign(row, { state: 'completed', outcome: 'complied', responded_at: at });
        await repo.updateLog(trx, row.id, { responded_at: at, outcome: 'complied' });
        await steps.step(trx, ctx, row, 'opted_out', { type: 'system', id: null }, 'Opted out of sale and sharing at once.');
      } else {
        await steps.scheduleOverdue(trx, row.id, row.due_at);
      }
      await steps.acknowledge(trx, row, token, done, verificationLines);
      Object.assign(row, { acknowledged_at: at, ...(done ? {} : { state: 'acknowledged' }) });
      await repo.updateRequest(trx, row.id, ['received'], { state: row.state, acknowledged_at: at, outcome: row.outcome, outcome_reason: row.outcome_reason, responded_at: row.responded_at, updated_at: at });
      await steps.step(trx, ctx, row, 'acknowledged', { type: 'system', id: null }, null);
      return { row, token };
    });
  }

  /** DSR-1: from the public privacy center, or signed in (the account's own address then). */
  async function submit(ctx: RequestContext, caller: Caller | null, input: SubmitInput): Promise<RequestView> {
    // DSR-3: an agent (signed in or not) asks about the subject's address, not their own account.
    const accountId = caller && !input.agent ? accountIdOf(caller) : null;
    const email = accountId ? await people.emailOf(db, accountId) : input.email;
    if (!email) throw new AppError(RightsErrors.emailRequired, undefined, { details: { field: 'email' } });
    await throttle.consume(`rights.request:ip:${ctx.ip ?? 'unknown'}`, PER_IP, RightsErrors.tooManyRequests);
    await throttle.consume(`rights.request:address:${normalizeEmail(email)}`, PER_ADDRESS, RightsErrors.tooManyRequests);
    const { row } = await create(ctx, { ...input, email, channel: 'web', accountId, enteredBy: null }, { type: 'requester', id: null });
    return view(db, row, accountId ? 'holder' : 'anonymous');
  }

  /** DSR-1: staff enter a request on the subject's behalf, naming the channel it came by. */
  async function enter(ctx: RequestContext, caller: Caller, input: StaffEntryInput): Promise<StaffRequestView> {
    requireCapability(caller, 'privacy.requests');
    const staffId = accountIdOf(caller);
    const { row } = await create(ctx, { ...input, accountId: null, enteredBy: staffId }, staffId ? { type: 'staff', id: staffId } : { type: 'system', id: null });
    return toStaffView(row, await repo.listEvents(db, row.id), clock.now(), await repo.findShineTheLight(db, row.id));
  }

  /** DSR-2: what verification still needs is told as fully as `audience` may be told it (DIR-1 rule 4). */
  async function view(ex: Executor, row: PrivacyRequestsTable, audience: Audience = 'anonymous'): Promise<RequestView> {
    return { ...toRequestView(row, await repo.listEvents(ex, row.id), clock.now()), verificationNeeds: await verification.needs(ex, row, audience) };
  }

  /**
   * DSR-1: one request, to its requester (the link token from the acknowledgement) or to privacy
   * staff; anyone else is told it does not exist.
   */
  async function get(caller: Caller | null, id: string, token: string | undefined): Promise<RequestView | StaffRequestView> {
    const row = await repo.findRequest(db, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    if (token !== undefined && constantTimeEqual(sha256(token), row.token_hash)) return view(db, row, 'subject');
    // DSR-3: the agent follows the request by their own link.
    if (token !== undefined && (await verification.isAgentToken(db, row, token))) return view(db, row, 'agent');
    // Staff whose role needs two-step verification are told to turn it on (the caller rule); others learn nothing.
    if (caller && (can(caller, 'privacy.requests') || lacksRequiredMfa(caller))) {
      requireCapability(caller, 'privacy.requests');
      return {
        ...toStaffView(row, await repo.listEvents(db, row.id), clock.now(), await repo.findShineTheLight(db, row.id)),
        verificationNeeds: await verification.needs(db, row, 'staff'),
        verificationChecklist: await verification.checklist(db, row),
      };
    }
    throw new AppError(CommonErrors.notFound);
  }

  return { submit, enter, get, steps, create, limits: { perAddress: PER_ADDRESS, perIp: PER_IP } };
}
