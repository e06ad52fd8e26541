import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import * as repo from './consent.repository.ts';
import { truncateIp } from './ip.ts';
import type { PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';
import type { ConsentEventView, PurposeState } from './privacy.views.ts';
import { type ConsentSource, GPC_PURPOSES, PURPOSES, PURPOSE_NAMES, type Purpose, defaultAllowed, isPurpose } from './purposes.ts';

export type { ConsentEventView, PurposeState } from './privacy.views.ts';

/** Whose choice: an anonymous visitor (by the random id in their cookie) or an account. */
export type SubjectType = 'visitor' | 'user';
export interface Subject {
  type: SubjectType;
  id: string;
}

/**
 * DSR-1: a person known only by an address, who asked to opt out of sale/sharing without an
 * account; the id is the normalized address.
 */
export interface AddressSubject {
  type: 'email';
  id: string;
}
export type ConsentSubject = Subject | AddressSubject;

export interface ConsentChange {
  purpose: string;
  granted: boolean;
}

const HISTORY_MAX = 200;

/**
 * PRV-3, PRV-4, PRV-5: consent as an append-only history of events; the
 * current state of each purpose is its latest event, or the purpose's rule when
 * there is none. Only changes are recorded: repeating the current, recorded
 * choice adds nothing.
 */
export function createConsent(deps: PrivacyDeps) {
  const { db, clock } = deps;

  function stateOf(latest: repo.LatestChoice[]): PurposeState[] {
    const byPurpose = new Map(latest.map((l) => [l.purpose, l]));
    return PURPOSE_NAMES.map((purpose) => {
      const l = byPurpose.get(purpose);
      return {
        purpose,
        rule: PURPOSES[purpose].rule,
        description: PURPOSES[purpose].description,
        allowed: l ? Number(l.granted) === 1 : defaultAllowed(purpose),
        recorded: l !== undefined,
        source: l?.source ?? null,
        at: l?.created_at ?? null,
        policyVersion: l?.policy_version === null || l?.policy_version === undefined ? null : Number(l.policy_version),
      };
    });
  }

  async function state(subject: ConsentSubject, ex: Executor = db): Promise<PurposeState[]> {
    return stateOf(await repo.latestChoices(ex, subject.type, subject.id));
  }

  async function allows(subject: Subject, purpose: Purpose, ex: Executor = db): Promise<boolean> {
    return (await state(subject, ex)).find((s) => s.purpose === purpose)?.allowed ?? defaultAllowed(purpose);
  }

  /**
   * Records the changes among `changes` for `subject`, in `ex` (the caller's
   * transaction, if any), with the policy version in force. Answers the new state.
   */
  async function record(ex: Executor, ctx: RequestContext, subject: ConsentSubject, changes: ConsentChange[], source: ConsentSource): Promise<PurposeState[]> {
    for (const c of changes) if (!isPurpose(c.purpose)) throw new AppError(PrivacyErrors.unknownPurpose, undefined, { details: { purpose: c.purpose } });
    const current = await state(subject, ex);
    const now = clock.now().toISOString();
    const version = await repo.policyVersionInForce(ex, now);
    const ip = truncateIp(ctx.ip);
    const rows: repo.NewConsentEvent[] = [];
    const next = new Map(current.map((s) => [s.purpose, s]));
    for (const c of changes) {
      const s = next.get(c.purpose as Purpose);
      if (!s || (s.recorded && s.allowed === c.granted)) continue;
      rows.push({
        id: newId('cev'),
        subject_type: subject.type,
        subject_id: subject.id,
        purpose: c.purpose,
        granted: c.granted ? 1 : 0,
        source,
        policy_version: version,
        ip,
        created_at: now,
      });
      next.set(s.purpose, { ...s, allowed: c.granted, recorded: true, source, at: now, policyVersion: version });
    }
    await repo.insertEvents(ex, rows);
    return [...next.values()];
  }

  /** A choice made through the API or a page, in its own transaction. */
  async function set(ctx: RequestContext, subject: Subject, changes: ConsentChange[], source: ConsentSource): Promise<PurposeState[]> {
    return db.transaction().execute((trx) => record(trx, ctx, subject, changes, source));
  }

  /**
   * PRV-5: a Global Privacy Control signal opts each subject out of advertising
   * and partner sharing, overriding an earlier opt-in, and asks for nothing
   * more. Nothing is written when they are already refused.
   */
  async function applyGpc(ctx: RequestContext, subjects: Subject[]): Promise<void> {
    for (const subject of subjects) {
      const current = await state(subject);
      const needed = current.filter((s) => GPC_PURPOSES.includes(s.purpose) && (s.allowed || !s.recorded));
      if (needed.length === 0) continue;
      await set(
        ctx,
        subject,
        needed.map((s) => ({ purpose: s.purpose, granted: false })),
        'gpc',
      );
    }
  }

  /**
   * DSR-1, DSR-2: an opt-out of sale and sharing (the purposes a GPC signal refuses, PRV-5), in the
   * caller's transaction: never verified, it asks nothing beyond what finds the person.
   */
  async function optOutOfSale(ex: Executor, ctx: RequestContext, subject: ConsentSubject, source: ConsentSource): Promise<PurposeState[]> {
    return record(
      ex,
      ctx,
      subject,
      GPC_PURPOSES.map((purpose) => ({ purpose, granted: false })),
      source,
    );
  }

  async function history(subject: Subject, opts: { cursor?: string | undefined; limit?: number | undefined }) {
    const limit = Math.min(Math.max(opts.limit ?? 50, 1), HISTORY_MAX);
    const before = opts.cursor !== undefined && /^\d{1,15}$/.test(opts.cursor) ? Number(opts.cursor) : undefined;
    const rows = await repo.history(db, subject.type, subject.id, { before, limit });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(
        (r): ConsentEventView => ({
          id: r.id,
          purpose: r.purpose,
          granted: Number(r.granted) === 1,
          source: r.source,
          policyVersion: r.policy_version === null ? null : Number(r.policy_version),
          ip: r.ip,
          at: r.created_at,
        }),
      ),
      nextCursor: rows.length > limit && last ? String(last.seq) : null,
    };
  }

  /**
   * Who may be contacted for `purpose`: of `userIds`, those whose current state
   * allows it. For an opt-in purpose only a recorded grant counts (PRV-7).
   */
  async function usersAllowing(purpose: Purpose, userIds: string[], ex: Executor = db): Promise<string[]> {
    const choices = await repo.latestUserChoicesFor(ex, purpose);
    return userIds.filter((id) => choices.get(id) ?? defaultAllowed(purpose));
  }

  return { state, allows, record, set, applyGpc, optOutOfSale, history, usersAllowing };
}

export type Consent = ReturnType<typeof createConsent>;
