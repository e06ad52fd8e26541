import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { constantTimeEqual, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { Agents } from './agents.intake.ts';
import { findFulfilment } from './fulfilment.repository.ts';
import type { RequestHooks } from './requests.hooks.ts';
import * as requests from './requests.repository.ts';
import { type Actor, OVERDUE_JOB, type Steps } from './requests.steps.ts';
import { type RequestView, REASON_MAX, type StaffRequestView, toRequestView, toStaffView } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';
import type { Audience, IntakeVerification } from './verification.hooks.ts';
import * as repo from './verification.repository.ts';
import { type DataPoints, excludedPoint, matchPoints, MAX_FAILED_ATTEMPTS, normalizePoint, requirementFor } from './verification.rules.ts';
import { checklistOf, complete, instructions, needsOf, type VerificationState } from './verification.views.ts';

export interface VerifyInput {
  token?: string | undefined;
  password?: string | undefined;
  code?: string | undefined;
  dataPoints?: DataPoints | undefined;
  declaration?: { signedName: string; agreed: boolean } | undefined;
  residence?: { state: string; agreed: boolean } | undefined;
}

export interface StaffDecision {
  decision: 'verified' | 'failed';
  method?: 'phone' | 'in_person' | 'mail' | 'agent_documents' | 'other' | undefined;
  note: string;
}

/** Verification attempts per IP, across requests (the per-request count is MAX_FAILED_ATTEMPTS). */
const PER_IP = { max: 30, windowSeconds: 3600, lockSeconds: 3600 };
const NOT_VERIFIED = 'The requester could not be verified (DSR-2).';
/** DSR-3: the same words whether the subject confirmed by their link or on their account. */
const SUBJECT_CONFIRMED = 'The subject confirmed the agent\u2019s request directly.';
const DELETE_AS_OPT_OUT = 'The deletion could not be verified: treated as an opt-out of sale and sharing, which took effect (DSR-2).';

/**
 * DSR-2, DSR-3: verifying a data-subject request before it is fulfilled: re-authentication for an
 * account holder, the email loop and data points for anyone else, the subject's own confirmation
 * of an agent's request, and staff decisions for requests verified outside the web. Once verified
 * (after the transaction commits), `hooks.afterVerified` hands the request to fulfilment.
 */
export function createVerification(deps: RightsDeps, steps: Steps, agents: Agents, hooks: RequestHooks) {
  const { db, clock, throttle, optOuts, verification: ports } = deps;
  const system: Actor = { type: 'system', id: null };
  const requester: Actor = { type: 'requester', id: null };

  async function stateOf(ex: Executor, row: PrivacyRequestsTable, withSensitivity: boolean): Promise<VerificationState> {
    const [v, agent] = await Promise.all([repo.findVerification(ex, row.id), repo.findAgent(ex, row.id)]);
    const sensitive = withSensitivity && row.kind === 'delete' && !row.account_id && row.verification === 'pending' ? (await ports.dataPoints(ex, { accountId: null, email: row.email_normalized })).sensitive : false;
    return { row, v, agent, sensitive };
  }

  /** Which link a token is: the subject's (the acknowledgement's) or the agent's. */
  async function linkOf(row: PrivacyRequestsTable, token: string | undefined): Promise<'subject' | 'agent' | null> {
    if (!token) return null;
    if (constantTimeEqual(sha256(token), row.token_hash)) return 'subject';
    return (await agents.isAgentToken(db, row, token)) ? 'agent' : null;
  }

  async function openPending(id: string): Promise<PrivacyRequestsTable> {
    const row = await requests.findRequest(db, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    return row;
  }

  const assertPending = (row: PrivacyRequestsTable) => {
    if (row.state === 'completed') throw new AppError(RightsErrors.requestClosed);
    if (row.verification !== 'pending') throw new AppError(RightsErrors.verificationNotPending, undefined, { details: { verification: row.verification } });
  };

  function checkResidence(row: PrivacyRequestsTable, already: boolean, input: VerifyInput['residence']): string | null {
    if (row.regime !== 'ccpa' || already) return null;
    if (!input?.agreed || input.state.trim().toUpperCase() !== 'CA') throw new AppError(RightsErrors.residenceRequired, undefined, { details: { field: 'residence' } });
    return 'CA';
  }

  /** How a complete verification was done: the subject's confirmation of an agent's request, else how the identity was established. */
  function methodOf(s: VerificationState): string {
    if (s.agent) return 'agent_and_subject';
    if (s.v?.identity_verified_by === 'staff') return 'staff';
    return s.v?.identity_verified_by === 'reauthentication' ? 'reauthentication' : 'email_and_data_points';
  }

  /** DSR-2: marks the request verified, tells the requester (and the agent), in `trx`. */
  async function markVerified(trx: Executor, ctx: RequestContext, s: VerificationState, method: string, actor: Actor): Promise<boolean> {
    const at = clock.now().toISOString();
    if (!(await repo.settleVerification(trx, s.row.id, { verification: 'verified', verification_method: method, verified_at: at, updated_at: at }))) return false;
    await steps.step(trx, ctx, s.row, 'verified', actor, null, { method });
    await steps.tell(trx, s.row, `Your privacy request is verified [${s.row.id}]`, `We have verified your request for ${steps.kindName(s.row.kind)}. We will answer it by ${s.row.due_at.slice(0, 10)}.`);
    await tellAgent(trx, s.row, 'is verified', `The request you made for ${s.row.email} is verified. We will answer it by ${s.row.due_at.slice(0, 10)}.`);
    return true;
  }

  /**
   * DSR-2: the verification failed. The request is closed as denied, with the reason in its log;
   * an unverifiable deletion is treated as an opt-out of sale and sharing, applied at once, and the
   * requester is told so.
   */
  async function fail(trx: Executor, ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor, why: string): Promise<void> {
    const at = clock.now().toISOString();
    if (!(await repo.settleVerification(trx, row.id, { verification: 'failed', verification_method: null, verified_at: null, updated_at: at }))) throw new AppError(RightsErrors.verificationNotPending);
    await steps.step(trx, ctx, row, 'verification_failed', actor, why);
    const asOptOut = row.kind === 'delete';
    if (asOptOut) {
      await optOuts.optOut(trx, ctx, row.account_id ? { accountId: row.account_id } : { email: row.email_normalized });
      await steps.step(trx, ctx, row, 'opted_out', system, DELETE_AS_OPT_OUT);
    }
    const reason = asOptOut ? DELETE_AS_OPT_OUT : NOT_VERIFIED;
    const patch = { state: 'completed', outcome: 'denied', outcome_reason: reason, responded_at: at, updated_at: at };
    await requests.updateRequest(trx, row.id, ['received', 'acknowledged', 'extended'], patch);
    await requests.updateLog(trx, row.id, { responded_at: at, outcome: 'denied', denial_reason: reason });
    await steps.step(trx, ctx, { ...row, ...patch }, 'closed', system, reason, { outcome: 'denied' });
    await deps.jobs.cancel(trx, OVERDUE_JOB, row.id);
    const text = asOptOut
      ? [
          `We could not verify your request for ${steps.kindName(row.kind)} (reference ${row.id}), so we have not deleted your personal data.`,
          'As the law asks, we treated it instead as a request to opt out of the sale and sharing of your personal data: that has taken effect, and needed no verification.',
          'You may make a new deletion request at any time.',
        ]
      : [`We could not verify your request for ${steps.kindName(row.kind)} (reference ${row.id}), so we cannot answer it.`, 'You may make a new request at any time.'];
    await steps.tell(trx, row, asOptOut ? `Your deletion request could not be verified [${row.id}]` : `Your privacy request could not be verified [${row.id}]`, text.join('\n\n'));
    await tellAgent(trx, row, 'could not be verified', `The request you made for ${row.email} could not be verified. ${asOptOut ? 'It was treated as an opt-out of sale and sharing, which took effect; no data was deleted.' : 'It is closed.'}`);
  }

  /** DSR-3: the agent of an agent's request hears where it stands, at their own address. */
  async function tellAgent(trx: Executor, row: PrivacyRequestsTable, what: string, text: string): Promise<void> {
    const agent = await repo.findAgent(trx, row.id);
    // An agent who had their own data erased gets no more mail about the request.
    if (agent && agent.email !== repo.ERASED_AGENT) await deps.mail.enqueue(trx, { to: agent.email, subject: `The privacy request you made as an agent ${what} [${row.id}]`, text: `${text}\n\n-- \n${deps.config.siteName} privacy\n` });
  }

  /** After the transaction commits: fulfilment takes over (DSR-1). */
  async function afterCommit(ctx: RequestContext, id: string, verified: boolean): Promise<void> {
    if (verified) await hooks.afterVerified(ctx, id);
  }

  async function viewFor(row: PrivacyRequestsTable, audience: Audience): Promise<RequestView> {
    const fresh = (await requests.findRequest(db, row.id)) ?? row;
    return { ...toRequestView(fresh, await requests.listEvents(db, row.id), clock.now()), verificationNeeds: await needs(db, fresh, audience) };
  }

  /** DSR-2: the account holder re-authenticates (never a session alone); for an agent's request it is also the subject's confirmation (DSR-3). */
  async function byReauthentication(ctx: RequestContext, caller: Caller, row: PrivacyRequestsTable, input: VerifyInput): Promise<RequestView> {
    await ports.reauthenticate(ctx, caller, { password: input.password, code: input.code });
    const s = await stateOf(db, row, false);
    const residence = checkResidence(row, !!s.v?.residence_attested_at, input.residence);
    const actor: Actor = requester;
    const verified = await db.transaction().execute(async (trx) => {
      const at = clock.now().toISOString();
      await repo.ensureVerification(trx, row.id, at);
      await repo.updateVerification(trx, row.id, {
        identity_verified_at: at,
        identity_verified_by: 'reauthentication',
        ...(s.agent ? { subject_confirmed_at: at } : {}),
        ...(residence ? { residence, residence_attested_at: at } : {}),
        updated_at: at,
      });
      // The agent follows this history by their link: it reads as a confirmation without an account does, so it never tells them the subject has one (DIR-1 rule 4).
      if (s.agent) await steps.step(trx, ctx, row, 'subject_confirmed', actor, SUBJECT_CONFIRMED);
      else await steps.step(trx, ctx, row, 'reauthenticated', actor, 'Re-authenticated on the account.');
      if (residence) await steps.step(trx, ctx, row, 'residence_attested', actor, 'California residence attested.');
      const next = await stateOf(trx, row, false);
      return complete(next) ? markVerified(trx, ctx, next, s.agent ? 'agent_and_subject' : 'reauthentication', actor) : false;
    });
    await afterCommit(ctx, row.id, verified);
    return viewFor(row, 'holder');
  }

  /** DSR-2: the email loop and data points (and the declaration, and California residence), by the subject's or the agent's link. */
  async function byDataPoints(ctx: RequestContext, row: PrivacyRequestsTable, link: 'subject' | 'agent', input: VerifyInput): Promise<RequestView> {
    await throttle.consume(`rights.verify:ip:${ctx.ip ?? 'unknown'}`, PER_IP, RightsErrors.tooManyVerificationAttempts);
    const s = await stateOf(db, row, true);
    if (s.v?.identity_verified_at) {
      // Staff verified the identity (a call, say): a California request still attests the residence, by its link.
      if (row.regime === 'ccpa' && !s.v.residence_attested_at) return attestResidence(ctx, row, link, input);
      throw new AppError(RightsErrors.verificationNotPending, 'The data points are already verified; what is left is the subject\u2019s confirmation.');
    }
    const req = requirementFor(row.kind, link === 'agent' || s.agent ? true : s.sensitive);
    // A call without enough data points is a mistake, not an attempt: it is refused before it counts.
    const given = Object.values(input.dataPoints ?? {}).filter((p) => typeof p === 'string' && normalizePoint(p) !== '').length;
    if (given < req.points) throw new AppError(RightsErrors.dataPointsRequired, `Give at least ${req.points} of the data points asked for.`, { details: { field: 'dataPoints', required: req.points } });
    const declaration = input.declaration?.signedName.trim() ?? '';
    if (req.declaration && (!input.declaration?.agreed || declaration.length === 0 || declaration.length > 200)) throw new AppError(RightsErrors.declarationRequired, undefined, { details: { field: 'declaration' } });
    const residence = checkResidence(row, !!s.v?.residence_attested_at, input.residence);
    const facts = await ports.dataPoints(db, { accountId: row.account_id, email: row.email_normalized });
    const matched = matchPoints(input.dataPoints ?? {}, facts, excludedPoint(row.kind, await correctionFieldOf(db, row)));
    const ok = matched.length >= req.points;
    const actor: Actor = requester;
    const outcome = await db.transaction().execute(async (trx) => {
      const at = clock.now().toISOString();
      await repo.ensureVerification(trx, row.id, at);
      const counts = await repo.countAttempt(trx, row.id, !ok, at);
      await repo.updateVerification(trx, row.id, {
        ...(link === 'subject' ? { email_confirmed_at: s.v?.email_confirmed_at ?? at } : {}),
        points_required: req.points,
        points_matched: matched.length,
        matched_keys: JSON.stringify(matched),
        ...(ok
          ? {
              identity_verified_at: at,
              identity_verified_by: link,
              ...(link === 'subject' && s.agent ? { subject_confirmed_at: s.v?.subject_confirmed_at ?? at } : {}),
              ...(req.declaration ? { declaration_name: declaration, declared_at: at } : {}),
              ...(residence ? { residence, residence_attested_at: at } : {}),
            }
          : {}),
        updated_at: at,
      });
      const by = link === 'agent' ? ' (by the agent\u2019s link)' : '';
      await steps.step(trx, ctx, row, ok ? 'data_points_matched' : 'data_points_not_matched', actor, `${matched.length} of ${req.points} required data points matched${by}.`, { matched, attempt: counts.attempts });
      if (ok && req.declaration) await steps.step(trx, ctx, row, 'declaration_signed', actor, 'Declaration signed under penalty of perjury.');
      if (ok && residence) await steps.step(trx, ctx, row, 'residence_attested', actor, 'California residence attested.');
      if (!ok) {
        if (counts.failed >= MAX_FAILED_ATTEMPTS) {
          await fail(trx, ctx, row, system, `${counts.failed} attempts did not match what we hold.`);
          return { verified: false, failed: true, left: 0 };
        }
        return { verified: false, failed: false, left: MAX_FAILED_ATTEMPTS - counts.failed };
      }
      const next = await stateOf(trx, row, false);
      return { verified: complete(next) ? await markVerified(trx, ctx, next, next.agent ? 'agent_and_subject' : 'email_and_data_points', actor) : false, failed: false, left: 0 };
    });
    if (outcome.failed) throw new AppError(RightsErrors.verificationFailed, undefined, { details: { deletionTreatedAsOptOut: row.kind === 'delete' } });
    if (!ok) throw new AppError(RightsErrors.dataPointsNotMatched, undefined, { details: { field: 'dataPoints', attemptsLeft: outcome.left } });
    await afterCommit(ctx, row.id, outcome.verified);
    return viewFor(row, link);
  }

  /** DSR-2: the California residence attested by the link, once the identity is established otherwise (a staff decision). */
  async function attestResidence(ctx: RequestContext, row: PrivacyRequestsTable, link: 'subject' | 'agent', input: VerifyInput): Promise<RequestView> {
    const residence = checkResidence(row, false, input.residence) ?? 'CA';
    const verified = await db.transaction().execute(async (trx) => {
      const at = clock.now().toISOString();
      await repo.updateVerification(trx, row.id, { residence, residence_attested_at: at, updated_at: at });
      await steps.step(trx, ctx, row, 'residence_attested', requester, `California residence attested${link === 'agent' ? ' (by the agent\u2019s link)' : ''}.`);
      const next = await stateOf(trx, row, false);
      return complete(next) ? markVerified(trx, ctx, next, methodOf(next), requester) : false;
    });
    await afterCommit(ctx, row.id, verified);
    return viewFor(row, link);
  }

  /**
   * DSR-2, DSR-3: `POST /privacy/requests/{id}/verify`. The signed-in account holder re-authenticates;
   * anyone else comes by a link. Anyone without the link or the account is told the request does
   * not exist; a request about an account is verified on that account only, which its link says.
   */
  async function verify(ctx: RequestContext, caller: Caller | null, id: string, input: VerifyInput): Promise<RequestView> {
    const row = await openPending(id);
    const link = await linkOf(row, input.token);
    const holder = !!caller && row.account_id !== null && accountIdOf(caller) === row.account_id;
    if (!link && !holder) throw new AppError(CommonErrors.notFound);
    assertPending(row);
    if (holder && !input.dataPoints) return byReauthentication(ctx, caller, row, input);
    if (!link) throw new AppError(CommonErrors.notFound);
    if (row.account_id && link === 'subject') throw new AppError(RightsErrors.signInRequired);
    return byDataPoints(ctx, row, link, input);
  }

  /** DSR-3: the subject confirms directly a request their agent made, by the link mailed to them (an account holder by re-authenticating). */
  async function confirmSubject(ctx: RequestContext, caller: Caller | null, id: string, input: { token: string; password?: string | undefined; code?: string | undefined; residence?: VerifyInput['residence'] }): Promise<RequestView> {
    const row = await openPending(id);
    if ((await linkOf(row, input.token)) !== 'subject') throw new AppError(CommonErrors.notFound);
    if (!(await repo.findAgent(db, row.id))) throw new AppError(RightsErrors.notAnAgentRequest);
    assertPending(row);
    if (row.account_id) {
      if (!caller || accountIdOf(caller) !== row.account_id) throw new AppError(RightsErrors.signInRequired);
      return byReauthentication(ctx, caller, row, input);
    }
    const verified = await db.transaction().execute(async (trx) => {
      const at = clock.now().toISOString();
      const v = await repo.ensureVerification(trx, row.id, at);
      if (v.subject_confirmed_at) return false;
      await repo.updateVerification(trx, row.id, { subject_confirmed_at: at, email_confirmed_at: v.email_confirmed_at ?? at, updated_at: at });
      await steps.step(trx, ctx, row, 'subject_confirmed', requester, SUBJECT_CONFIRMED);
      const next = await stateOf(trx, row, false);
      return complete(next) ? markVerified(trx, ctx, next, 'agent_and_subject', requester) : false;
    });
    await afterCommit(ctx, row.id, verified);
    return viewFor(row, 'subject');
  }

  /** DSR-2: privacy staff record a verification done outside the web (phone, in person, an agent's documents checked). */
  async function decide(ctx: RequestContext, caller: Caller, id: string, input: StaffDecision): Promise<StaffRequestView> {
    requireCapability(caller, 'privacy.requests');
    const note = input.note.trim();
    if (!note || note.length > REASON_MAX) throw new AppError(CommonErrors.invalid, `Say how the requester was verified, or why not (at most ${REASON_MAX} characters).`, { details: { field: 'note' } });
    const row = await openPending(id);
    assertPending(row);
    const staffId = accountIdOf(caller);
    const actor: Actor = staffId ? { type: 'staff', id: staffId } : system;
    const verified = await db.transaction().execute(async (trx) => {
      const at = clock.now().toISOString();
      const v = await repo.ensureVerification(trx, row.id, at);
      // DSR-2, DSR-3: staff establish the identity; an agent's request still waits for the subject's own confirmation, a California one for the residence.
      const identity = input.decision === 'verified' ? { identity_verified_at: v.identity_verified_at ?? at, identity_verified_by: v.identity_verified_by ?? 'staff' } : {};
      await repo.updateVerification(trx, row.id, { decided_by: staffId, decision: input.decision, decision_method: input.method ?? null, decision_note: note, decided_at: at, ...identity, updated_at: at });
      await steps.step(trx, ctx, row, 'verification_decided', actor, note, { decision: input.decision, method: input.method ?? null });
      if (input.decision === 'failed') {
        await fail(trx, ctx, row, actor, note);
        return false;
      }
      const s = await stateOf(trx, row, false);
      if (!complete(s)) return false;
      if (!(await markVerified(trx, ctx, s, methodOf(s), actor))) throw new AppError(RightsErrors.verificationNotPending);
      return true;
    });
    await afterCommit(ctx, row.id, verified);
    const fresh = (await requests.findRequest(db, id)) ?? row;
    return { ...toStaffView(fresh, await requests.listEvents(db, id), clock.now()), verificationNeeds: await needs(db, fresh, 'staff'), verificationChecklist: await checklist(db, fresh) };
  }

  /** What verification still needs, as `audience` may be told (IntakeVerification.needs). */
  async function needs(ex: Executor, row: PrivacyRequestsTable, audience: Audience): Promise<string[]> {
    if (audience === 'anonymous') return row.verification === 'pending' && row.state !== 'completed' ? ['email_link'] : [];
    return needsOf(await stateOf(ex, row, audience !== 'agent'), audience === 'holder' ? 'subject' : audience);
  }

  const checklist = async (ex: Executor, row: PrivacyRequestsTable) => checklistOf(await stateOf(ex, row, true));

  const intake: IntakeVerification = {
    prepare: (kind, input) => agents.prepare(kind, input),
    async received(ex, ctx, row, prepared) {
      const agentLines = prepared ? await agents.received(ex, ctx, row, prepared as NonNullable<ReturnType<Agents['prepare']>>) : [];
      return [...agentLines, ...instructions(row, !!prepared)];
    },
    isAgentToken: (ex, row, token) => agents.isAgentToken(ex, row, token),
    needs,
    checklist,
  };

  return { verify, confirmSubject, decide, authorization: agents.authorization, intake };
}

/** DSR-2: the field a correction request names (fulfilment records it at intake), which never verifies it. */
async function correctionFieldOf(ex: Executor, row: PrivacyRequestsTable): Promise<string | null> {
  if (row.kind !== 'correct') return null;
  return (await findFulfilment(ex, row.id))?.correction_field ?? null;
}

export type Verification = ReturnType<typeof createVerification>;
