import { defineError } from '../../core/errors.ts';

/** GOV-4: the errors of email changes an organization approves. */
export const EmailChangeRequestErrors = {
  alreadyPending: defineError('governance.email_change_pending', 'conflict', 'An email change is already waiting for your organization’s approval: cancel it first to ask for another address.'),
  alreadyDecided: defineError('governance.email_change_decided', 'conflict', 'This email change is no longer waiting for a decision.'),
  needsApproval: defineError('governance.email_change_needs_approval', 'forbidden', 'An organization administers this account now: ask again for the change, and its admins will decide.'),
} as const;
