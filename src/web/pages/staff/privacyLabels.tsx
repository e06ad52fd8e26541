import { Badge } from '@mantine/core';
import type { Channel, Regime, RequestKind, RequestState, StaffPrivacyRequest } from '../../api/privacy-desk.ts';

/** The words the privacy desk uses for a request's kind, regime, channel and state (DSR-1, DSR-4). */
export const KIND_LABELS: Record<RequestKind, string> = {
  access: 'Access (a copy)',
  know: 'Right to know',
  correct: 'Correction',
  delete: 'Deletion',
  opt_out: 'Opt-out of sale/sharing',
  shine_the_light: 'Your California Privacy Rights',
  question: 'Question',
  complaint: 'Complaint',
};
export const REGIME_LABELS: Record<Regime, string> = { ccpa: 'CCPA', gdpr: 'GDPR', other: 'Other' };
export const CHANNEL_LABELS: Record<Channel, string> = { web: 'Privacy center', email: 'Email', phone: 'Telephone', mail: 'Mail', fax: 'Fax', in_person: 'In person' };
export const STATE_LABELS: Record<RequestState, string> = { received: 'Received', acknowledged: 'Acknowledged', extended: 'Extended', completed: 'Answered' };
export const OUTCOME_LABELS: Record<string, string> = { complied: 'Complied with', partly_complied: 'Partly complied with', denied: 'Denied' };

const VERIFICATION = {
  not_required: null,
  pending: { label: 'Verification pending', color: 'yellow' },
  verified: { label: 'Verified', color: 'green' },
  failed: { label: 'Verification failed', color: 'red' },
} as const;

/** DSR-2: where the requester's verification stands; nothing for kinds that need none. */
export function VerificationBadge({ request }: { request: Pick<StaffPrivacyRequest, 'verification'> }) {
  const v = VERIFICATION[request.verification];
  return v ? (
    <Badge color={v.color} variant="light" size="sm">
      {v.label}
    </Badge>
  ) : null;
}
