/**
 * What the privacy API answers, as types only: the server builds these and the
 * web app reads them, from this one definition (it imports nothing that runs).
 */
import type { Purpose, PurposeRule } from './purposes.ts';

/** One purpose's current state for a subject (PRV-3, PRV-4). */
export interface PurposeState {
  purpose: Purpose;
  rule: PurposeRule;
  description: string;
  allowed: boolean;
  /** false: nothing was ever recorded, and the rule's default applies. */
  recorded: boolean;
  source: string | null;
  at: string | null;
  policyVersion: number | null;
}

/** One recorded consent event (PRV-4). */
export interface ConsentEventView {
  id: string;
  purpose: string;
  granted: boolean;
  source: string;
  policyVersion: number | null;
  ip: string | null;
  at: string;
}

/** One entry of the disclosure ledger (PRV-9). */
export interface DisclosureView {
  id: string;
  at: string;
  recipientKind: string;
  recipientName: string;
  recipientAddress: string;
  categories: string[];
  purpose: string;
  directMarketing: boolean;
  subjectType: string | null;
  subjectId: string | null;
  subjectEmail: string | null;
  orgId: string | null;
  recordedBy: string | null;
  reference: string | null;
}
