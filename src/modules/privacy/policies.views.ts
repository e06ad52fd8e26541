import type {
  CurrentPolicy,
  DiffLine,
  Policy,
  PolicyAcknowledgement,
  PolicyAnnouncement,
  PolicyDiff,
  PolicyNotice,
  PolicyStatus,
  PolicySummary,
} from '../../contracts/policies.ts';
import type { PolicyVersionsTable } from './privacy.tables.ts';

/**
 * PRV-8: policy versions as the API answers them. The views are the HTTP contract's types
 * (src/contracts/policies.ts); this file holds the pure conversions into them.
 */
export type PolicySummaryView = PolicySummary;
export type PolicyView = Policy;
export type CurrentPolicyView = CurrentPolicy;
export type PolicyNoticeView = PolicyNotice;
export type PolicyAcknowledgementView = PolicyAcknowledgement;
export type PolicyAcknowledgementKind = PolicyAcknowledgement['kind'];
export type PolicyDiffView = PolicyDiff;
export type DiffOp = DiffLine['op'];
export type { DiffLine, PolicyAnnouncement, PolicyStatus };

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
