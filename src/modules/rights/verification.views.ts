import type { PrivacyRequestsTable } from './rights.tables.ts';
import { MAX_FAILED_ATTEMPTS, requirementFor } from './verification.rules.ts';
import type { PrivacyRequestAgentsTable, PrivacyRequestVerificationsTable } from './verification.tables.ts';

type Agent = Omit<PrivacyRequestAgentsTable, 'content'>;

/** One line of the staff's verification checklist (DSR-2, DSR-3). */
export interface ChecklistItem {
  key: 'reauthentication' | 'email_link' | 'data_points' | 'declaration' | 'residence' | 'agent_authorization' | 'subject_confirmation' | 'staff_decision';
  required: boolean;
  done: boolean;
  detail: string | null;
}

export interface ChecklistView {
  items: ChecklistItem[];
  attempts: number;
  failedAttempts: number;
  maxAttempts: number;
  agent: { name: string; email: string; authorization: { filename: string; contentType: string; size: number; sha256: string } } | null;
  decision: { decision: string; method: string | null; note: string | null; by: string | null; at: string } | null;
}

export interface VerificationState {
  row: PrivacyRequestsTable;
  v: PrivacyRequestVerificationsTable | undefined;
  agent: Agent | undefined;
  /** Whether the data held includes a sensitive category (only asked for a deletion by someone without an account). */
  sensitive: boolean;
}

const isOpen = (row: PrivacyRequestsTable) => row.verification === 'pending' && row.state !== 'completed';

/**
 * DSR-2, DSR-3: what verification still needs. An agent is told only what would be asked whether or
 * not the subject has an account (a deletion always at the higher standard), so their link never
 * tells them; the subject's own link, which only the mailbox owner has, tells the truth.
 */
export function needsOf(s: VerificationState, audience: 'subject' | 'agent' | 'staff'): string[] {
  const { row, v, agent } = s;
  if (!isOpen(row)) return [];
  const out: string[] = [];
  const identity = !!v?.identity_verified_at;
  const residence = row.regime === 'ccpa' && !v?.residence_attested_at;
  const points = () => {
    const req = requirementFor(row.kind, audience === 'agent' || agent ? true : s.sensitive);
    if (!identity) out.push(`data_points:${req.points}`, ...(req.declaration ? ['declaration'] : []));
  };
  if (row.account_id && audience !== 'agent') {
    if (!(agent ? v?.subject_confirmed_at : identity)) out.push('reauthentication');
    if (residence) out.push('residence');
    return out;
  }
  // Once the identity is established (a staff decision, say), the email loop is not asked for any more.
  if (!agent && !identity && !v?.email_confirmed_at) out.push('email_link');
  points();
  if (residence) out.push('residence');
  // The agent is told the subject's confirmation is awaited; only the subject's own link can give it.
  if (agent && !v?.subject_confirmed_at) out.push(audience === 'agent' ? 'awaiting_subject' : 'subject_confirmation');
  return out;
}

/** DSR-2, DSR-3: the staff's checklist: every step, whether it is required and whether it is done. */
export function checklistOf(s: VerificationState): ChecklistView {
  const { row, v, agent } = s;
  const holder = row.account_id !== null;
  const req = requirementFor(row.kind, agent ? true : s.sensitive);
  const keys: string[] = v?.matched_keys ? (JSON.parse(v.matched_keys) as string[]) : [];
  const pending = row.verification !== 'not_required';
  const items: ChecklistItem[] = [
    { key: 'reauthentication', required: pending && holder, done: v?.identity_verified_by === 'reauthentication', detail: holder ? 'About an account: verified only by re-authenticating on it' : null },
    { key: 'email_link', required: pending && !holder, done: !!v?.email_confirmed_at, detail: v?.email_confirmed_at ?? null },
    {
      key: 'data_points',
      required: pending && (!holder || !!agent),
      done: !!v?.identity_verified_at && v.identity_verified_by !== 'reauthentication' && v.identity_verified_by !== 'staff',
      detail: v?.points_required ? `${v.points_matched ?? 0} of ${v.points_required} required matched${keys.length ? ` (${keys.join(', ')})` : ''}` : `${req.points} required`,
    },
    { key: 'declaration', required: pending && req.declaration && (!holder || !!agent), done: !!v?.declared_at, detail: v?.declaration_name ? `Signed "${v.declaration_name}" on ${v.declared_at}` : null },
    { key: 'residence', required: pending && row.regime === 'ccpa', done: !!v?.residence_attested_at, detail: v?.residence ? `Attested ${v.residence} on ${v.residence_attested_at}` : null },
    { key: 'agent_authorization', required: !!agent, done: !!agent, detail: agent ? `${agent.filename} (${agent.content_type}, ${agent.size} bytes)` : null },
    { key: 'subject_confirmation', required: pending && !!agent && row.kind !== 'opt_out', done: !!v?.subject_confirmed_at, detail: v?.subject_confirmed_at ?? null },
  ];
  if (v?.decision) items.push({ key: 'staff_decision', required: false, done: true, detail: `${v.decision}${v.decision_method ? ` (${v.decision_method})` : ''}` });
  return {
    items,
    attempts: v?.attempts ?? 0,
    failedAttempts: v?.failed_attempts ?? 0,
    maxAttempts: MAX_FAILED_ATTEMPTS,
    agent: agent ? { name: agent.name, email: agent.email, authorization: { filename: agent.filename, contentType: agent.content_type, size: agent.size, sha256: agent.sha256 } } : null,
    decision: v?.decision && v.decided_at ? { decision: v.decision, method: v.decision_method, note: v.decision_note, by: v.decided_by, at: v.decided_at } : null,
  };
}

/** DSR-2: a request is verified once its identity is established and, for an agent's request, the subject confirmed (DSR-3). */
export function complete(s: VerificationState): boolean {
  const { row, v, agent } = s;
  const residence = row.regime !== 'ccpa' || !!v?.residence_attested_at;
  return !!v?.identity_verified_at && residence && (!agent || !!v.subject_confirmed_at);
}

/**
 * DSR-2: how to verify, in the acknowledgement. It goes to the address only, so it may say that the
 * request is about an account (which the intake's answer never does).
 */
export function instructions(row: PrivacyRequestsTable, byAgent: boolean): string[] {
  if (row.verification !== 'pending') return [];
  const ccpa = row.regime === 'ccpa' ? ' and confirm that you live in California' : '';
  if (row.account_id) {
    return [`This request is about your account. To verify it, sign in to your account, open the link below and confirm your password${ccpa}. It cannot be verified any other way.`];
  }
  if (byAgent) return [`To confirm it, open the link below and choose "Confirm".`];
  return [`Before we answer, we verify that the request is yours: open the link below and answer a few questions about what we hold about this address${ccpa}.`];
}
