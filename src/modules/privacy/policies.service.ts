import type { PublishPolicyBody, PublishedPolicy } from '../../contracts/policies.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { AccountsErrors, optionalText, requiredText } from '../accounts/index.ts';
import { diffLines } from './policies.diff.ts';
import { policyChangeMail } from './policies.mail.ts';
import * as repo from './policies.repository.ts';
import { STARTER_POLICY_SUMMARY, STARTER_POLICY_TITLE, starterPolicyMarkdown } from './policies.starter.ts';
import {
  type CurrentPolicyView,
  type PolicyAcknowledgementKind,
  type PolicyAcknowledgementView,
  type PolicyAnnouncement,
  type PolicyDiffView,
  type PolicyNoticeView,
  type PolicySummaryView,
  type PolicyView,
  toPolicySummary,
} from './policies.views.ts';
import type { PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';

/** A version may be dated up to this far back (the staff member's clock, the time to submit); it then takes effect at publication. */
export const EFFECTIVE_TOLERANCE_MS = 5 * 60_000;
/** How long after a material change takes effect the sign-in page keeps announcing it. */
export const ANNOUNCEMENT_DAYS = 30;
export const TITLE_MAX = 200;
export const SUMMARY_MAX = 500;
export const MARKDOWN_MAX = 200_000;
/** Recipients are read, and their notice rows written, this many at a time. */
const RECIPIENT_BATCH = 500;

/** `effectiveAt`: ISO 8601; omitted, at publication. */
export type PublishInput = PublishPolicyBody;

/** A published version, and how many users the change was emailed to (material changes only). */
export type PublishedPolicyView = PublishedPolicy;

/** The previous version, to show what changed: versions are numbered 1, 2, 3… */
const previousOf = (version: number) => (version > 1 ? version - 1 : null);

/**
 * PRV-8: the privacy policy is versioned. Every published version stays in a
 * public archive with its dates; a material change is announced on the sign-in
 * page and in the app until each user acknowledges it, and emailed to every
 * user; signing in after a notice, once the change is in force, is recorded as
 * acceptance (continued use).
 */
export function createPolicies(deps: PrivacyDeps) {
  const { db, clock, audit, mail, config } = deps;

  /** Every version, oldest first, each with the date the next one ends it. */
  async function summaries(ex: Executor, now: string): Promise<PolicySummaryView[]> {
    const rows = await repo.listVersions(ex);
    return rows.map((r, i) => toPolicySummary(r, rows[i + 1], now));
  }

  async function getRow(version: number) {
    const row = await repo.findVersion(db, version);
    if (!row) throw new AppError(PrivacyErrors.policyVersionNotFound, undefined, { details: { version } });
    return row;
  }

  function viewOf(all: PolicySummaryView[], row: { version: number; markdown: string }): PolicyView {
    const summary = all.find((s) => s.version === Number(row.version));
    if (!summary) throw new AppError(PrivacyErrors.policyVersionNotFound);
    return { ...summary, markdown: row.markdown };
  }

  function validInput(input: PublishInput, now: Date) {
    const title = requiredText(input.title, 'title', TITLE_MAX);
    const markdown = requiredText(input.markdown, 'markdown', MARKDOWN_MAX);
    const summary = optionalText(input.summary, 'summary', SUMMARY_MAX);
    if (input.material && !summary) {
      throw new AppError(AccountsErrors.invalidField, 'A material change needs a summary: the notices and the email show it.', { details: { field: 'summary' } });
    }
    let effective = now;
    if (input.effectiveAt !== undefined) {
      const at = new Date(input.effectiveAt);
      if (Number.isNaN(at.getTime())) throw new AppError(AccountsErrors.invalidField, 'effectiveAt is not a date.', { details: { field: 'effectiveAt' } });
      if (at.getTime() < now.getTime() - EFFECTIVE_TOLERANCE_MS) throw new AppError(PrivacyErrors.policyEffectiveInPast, undefined, { details: { field: 'effectiveAt' } });
      // A version never takes effect before it is published.
      if (at > now) effective = at;
    }
    return { title, markdown, summary, effectiveAt: effective.toISOString() };
  }

  /** Queues the notice email to every user, a batch at a time, and records that each was told. */
  async function notifyAll(trx: Executor, version: number, v: { title: string; summary: string | null; effectiveAt: string }, now: string): Promise<number> {
    const change = {
      siteName: config.siteName,
      publicUrl: config.publicUrl.replace(/\/+$/, ''),
      version,
      title: v.title,
      summary: v.summary,
      effectiveAt: v.effectiveAt,
      previousVersion: previousOf(version),
      takenEffect: v.effectiveAt <= now,
    };
    let sent = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await deps.people.customersAfter(trx, { verifiedEmail: true, after, limit: RECIPIENT_BATCH });
      for (const r of batch) await mail.enqueue(trx, { ...policyChangeMail(r.email, r.name, change), category: 'transactional', userId: r.id });
      await repo.insertNotices(
        trx,
        batch.map((r) => ({ user_id: r.id, version, emailed_at: now, first_shown_at: null })),
      );
      sent += batch.length;
      if (batch.length < RECIPIENT_BATCH) return sent;
      after = batch.at(-1)?.id ?? null;
    }
  }

  /** Publishes the next version (privacy and owner staff). A material one is emailed to every user. */
  async function publish(ctx: RequestContext, caller: Caller, input: PublishInput): Promise<PublishedPolicyView> {
    requireCapability(caller, 'privacy.policies');
    const nowDate = clock.now();
    const now = nowDate.toISOString();
    const v = validInput(input, nowDate);
    const { version, emailed } = await db.transaction().execute(async (trx) => {
      const latest = await repo.latestVersion(trx);
      // Versions take effect in the order they are numbered, so "the version in force" is always the highest effective one.
      if (latest && v.effectiveAt < latest.effective_at) {
        throw new AppError(PrivacyErrors.policyEffectiveOutOfOrder, `Version ${latest.version} takes effect on ${latest.effective_at}; a later version cannot take effect before it.`, {
          details: { field: 'effectiveAt', previousEffectiveAt: latest.effective_at },
        });
      }
      const version = (latest ? Number(latest.version) : 0) + 1;
      await repo.insertVersion(trx, {
        version,
        title: v.title,
        markdown: v.markdown,
        summary: v.summary,
        material: input.material ? 1 : 0,
        effective_at: v.effectiveAt,
        published_at: now,
        published_by: accountIdOf(caller),
      });
      const emailed = input.material ? await notifyAll(trx, version, v, now) : 0;
      await audit.record(trx, ctx, {
        action: 'privacy.policy_published',
        orgId: null,
        target: { type: 'policy_version', id: String(version) },
        details: { version, material: input.material, effectiveAt: v.effectiveAt, emailed },
      });
      return { version, emailed };
    });
    if (emailed > 0) mail.wake();
    return { ...(await get(version)), emailed };
  }

  /**
   * PRV-8: a fresh install publishes the starter policy as version 1, so its pages link to a policy
   * from the first minute. Idempotent and safe on a cluster: version 1 is inserted only if no node
   * (and no staff member) published it first, so a database that has a policy is never touched.
   * Answers whether this call published it.
   */
  async function ensureStarter(ctx: RequestContext): Promise<boolean> {
    if (await repo.latestVersion(db)) return false;
    const now = clock.now().toISOString();
    return db.transaction().execute(async (trx) => {
      const inserted = await repo.insertVersionIfAbsent(trx, {
        version: 1,
        title: STARTER_POLICY_TITLE,
        markdown: starterPolicyMarkdown({ siteName: config.siteName, publicUrl: config.publicUrl, privacyAddress: config.privacyAddress ?? null, mailProvider: config.mailProvider }),
        summary: STARTER_POLICY_SUMMARY,
        material: 0,
        effective_at: now,
        published_at: now,
        published_by: null,
      });
      if (!inserted) return false;
      await audit.record(trx, ctx, {
        action: 'privacy.policy_published',
        orgId: null,
        target: { type: 'policy_version', id: '1' },
        details: { version: 1, material: false, effectiveAt: now, emailed: 0, starter: true },
      });
      return true;
    });
  }

  /** The newest material change, while it is upcoming or took effect less than ANNOUNCEMENT_DAYS ago. */
  function announcementOf(all: PolicySummaryView[], now: Date): PolicyAnnouncement | null {
    const m = all.findLast((s) => s.material);
    if (!m || new Date(m.effectiveAt).getTime() <= now.getTime() - ANNOUNCEMENT_DAYS * 86_400_000) return null;
    return announcementView(m, now.toISOString());
  }

  const announcementView = (s: Pick<PolicySummaryView, 'version' | 'title' | 'summary' | 'effectiveAt'>, now: string): PolicyAnnouncement => ({
    version: s.version,
    title: s.title,
    summary: s.summary,
    effectiveAt: s.effectiveAt,
    takenEffect: s.effectiveAt <= now,
    previousVersion: previousOf(s.version),
  });

  /** The version in force now, the next one when it is already published, and the public announcement. */
  async function current(): Promise<CurrentPolicyView> {
    const nowDate = clock.now();
    const now = nowDate.toISOString();
    const row = await repo.versionInForce(db, now);
    if (!row) throw new AppError(PrivacyErrors.noPolicyInForce);
    const all = await summaries(db, now);
    return {
      ...viewOf(all, row),
      upcoming: all.find((s) => s.version > Number(row.version)) ?? null,
      announcement: announcementOf(all, nowDate),
    };
  }

  /** The archive: every version ever published, newest first. */
  async function list(): Promise<PolicySummaryView[]> {
    return (await summaries(db, clock.now().toISOString())).reverse();
  }

  async function get(version: number): Promise<PolicyView> {
    const row = await getRow(version);
    return viewOf(await summaries(db, clock.now().toISOString()), row);
  }

  /** What changed from one version to another (either order), line by line. */
  async function diff(from: number, to: number): Promise<PolicyDiffView> {
    const [a, b] = [await getRow(from), await getRow(to)];
    const all = await summaries(db, clock.now().toISOString());
    const lines = diffLines(a.markdown, b.markdown);
    const { markdown: _a, ...fromView } = viewOf(all, a);
    const { markdown: _b, ...toView } = viewOf(all, b);
    return {
      from: fromView,
      to: toView,
      inserted: lines.filter((l) => l.op === 'insert').length,
      deleted: lines.filter((l) => l.op === 'delete').length,
      lines,
    };
  }

  /**
   * The notice the signed-in user must see: the newest material version, if it
   * takes effect after they joined (whoever joined later accepted it on
   * signing up) and they have not acknowledged it. Records when it was first shown.
   */
  async function notice(caller: Caller): Promise<PolicyNoticeView | null> {
    // Staff are the operator's own people, not users under the policy.
    if (caller.kind === 'staff') return null;
    const member = await deps.people.person(db, accountIdOf(caller) ?? '');
    if (!member) throw new AppError(CommonErrors.unauthenticated);
    const m = await repo.latestMaterialVersion(db);
    if (!m || m.effective_at <= member.createdAt) return null;
    const version = Number(m.version);
    const acks = await repo.acknowledgementsOf(db, member.id, version);
    if (acks.some((a) => a.kind === 'acknowledged')) return null;
    const now = clock.now().toISOString();
    await repo.markNoticeShown(db, member.id, version, now);
    const shown = await repo.findNotice(db, member.id, version);
    return {
      ...announcementView({ version, title: m.title, summary: m.summary, effectiveAt: m.effective_at }, now),
      firstShownAt: shown?.first_shown_at ?? now,
      emailedAt: shown?.emailed_at ?? null,
      continuedUseRecordedAt: acks.find((a) => a.kind === 'continued_use')?.created_at ?? null,
    };
  }

  const ackView = (r: { version: number; kind: string; created_at: string }): PolicyAcknowledgementView => ({
    version: Number(r.version),
    kind: r.kind as PolicyAcknowledgementKind,
    at: r.created_at,
  });

  /** The user says they have read a material version; repeating it keeps the first record. */
  async function acknowledge(caller: Caller, version: number): Promise<PolicyAcknowledgementView> {
    const row = await getRow(version);
    if (Number(row.material) !== 1) throw new AppError(PrivacyErrors.policyNotMaterial, undefined, { details: { field: 'version' } });
    const userId = accountIdOf(caller) ?? '';
    await repo.insertAcknowledgement(db, { user_id: userId, version, kind: 'acknowledged', created_at: clock.now().toISOString() });
    const stored = (await repo.acknowledgementsOf(db, userId, version)).find((a) => a.kind === 'acknowledged');
    if (!stored) throw new AppError(CommonErrors.internal);
    return ackView(stored);
  }

  /** Every acceptance the user has on record, newest version first. */
  async function acknowledgements(caller: Caller): Promise<PolicyAcknowledgementView[]> {
    return (await repo.acknowledgementsOfUser(db, accountIdOf(caller) ?? '')).map(ackView);
  }

  /**
   * Identity hook, in the sign-in transaction: a user told of a material change
   * (by email or in the app) who signs in once it is in force, without having
   * acknowledged it, has continued to use the service after the notice.
   */
  async function signedIn(trx: Executor, _ctx: RequestContext, userId: string): Promise<void> {
    const now = clock.now().toISOString();
    for (const version of await repo.noticedWithoutAcceptance(trx, userId, now)) {
      await repo.insertAcknowledgement(trx, { user_id: userId, version, kind: 'continued_use', created_at: now });
    }
  }

  return { publish, ensureStarter, current, list, get, diff, notice, acknowledge, acknowledgements, signedIn };
}

export type Policies = ReturnType<typeof createPolicies>;
