import type { PolicyVersionsTable } from './privacy.tables.ts';

/**
 * PRV-8: what the API answers about policy versions. Only types and pure
 * conversions, so the web app can import them too.
 */

/** Where a version stands at a given instant. */
export type PolicyStatus = 'upcoming' | 'in_force' | 'superseded';

/** A version as the archive lists it: everything but its text. */
export interface PolicySummaryView {
  version: number;
  title: string;
  /** What changed, in a sentence or two (shown in notices); null when the staff gave none. */
  summary: string | null;
  /** A material change: announced by notices and by email to every user. */
  material: boolean;
  effectiveAt: string;
  publishedAt: string;
  /** When the next version takes (or took) effect; null while none is published. */
  supersededAt: string | null;
  status: PolicyStatus;
}

export interface PolicyView extends PolicySummaryView {
  markdown: string;
}

/** A material change the sign-in page announces to everyone (PRV-8). */
export interface PolicyAnnouncement {
  version: number;
  title: string;
  summary: string | null;
  effectiveAt: string;
  /** It is already in effect (else it is upcoming). */
  takenEffect: boolean;
  /** The version before it, to show what changed; null for the first. */
  previousVersion: number | null;
}

/** GET /api/v1/privacy/policy: the version in force, the next one if published, and any announcement. */
export interface CurrentPolicyView extends PolicyView {
  upcoming: PolicySummaryView | null;
  announcement: PolicyAnnouncement | null;
}

/** The per-user notice of a material change, shown until acknowledged. */
export interface PolicyNoticeView extends PolicyAnnouncement {
  /** When this user was first shown the notice (now, the first time). */
  firstShownAt: string;
  /** When the notice email to this user was queued; null when none was sent. */
  emailedAt: string | null;
  /** Whether continued use after the notice has already been recorded as acceptance. */
  continuedUseRecordedAt: string | null;
}

export type PolicyAcknowledgementKind = 'acknowledged' | 'continued_use';

export interface PolicyAcknowledgementView {
  version: number;
  kind: PolicyAcknowledgementKind;
  at: string;
}

export type DiffOp = 'equal' | 'insert' | 'delete';

export interface DiffLine {
  op: DiffOp;
  text: string;
  /** 1-based line number in the `from` version; null for an inserted line. */
  fromLine: number | null;
  /** 1-based line number in the `to` version; null for a deleted line. */
  toLine: number | null;
}

export interface PolicyDiffView {
  from: PolicySummaryView;
  to: PolicySummaryView;
  inserted: number;
  deleted: number;
  lines: DiffLine[];
}

/** A version's status at `now`, given the version published after it (if any). */
export function statusOf(effectiveAt: string, supersededAt: string | null, now: string): PolicyStatus {
  if (effectiveAt > now) return 'upcoming';
  return supersededAt !== null && supersededAt <= now ? 'superseded' : 'in_force';
}

export function toPolicySummary(row: Omit<PolicyVersionsTable, 'markdown'>, next: { effective_at: string } | undefined, now: string): PolicySummaryView {
  const supersededAt = next?.effective_at ?? null;
  return {
    version: Number(row.version),
    title: row.title,
    summary: row.summary,
    material: Number(row.material) === 1,
    effectiveAt: row.effective_at,
    publishedAt: row.published_at,
    supersededAt,
    status: statusOf(row.effective_at, supersededAt, now),
  };
}

export function toPolicyView(row: PolicyVersionsTable, next: { effective_at: string } | undefined, now: string): PolicyView {
  return { ...toPolicySummary(row, next, now), markdown: row.markdown };
}
