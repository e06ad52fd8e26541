import { defineError } from '../../core/errors.ts';

export const SupportErrors = {
  adminsOnly: defineError(
    'support.admins_only',
    'forbidden',
    "Support is for your organization's administrators: end-user support is your administrator's. Ask them to contact us if they need help.",
  ),
  tooManyMails: defineError('support.too_many_mails', 'rate_limited', 'Too many messages to support from this address; try again later.'),
  ticketClosed: defineError('support.ticket_closed', 'conflict', 'The ticket is closed.'),
  attachmentTooLarge: defineError('support.attachment_too_large', 'invalid', 'An attachment is larger than the limit.'),
  invalidAttachment: defineError('support.invalid_attachment', 'invalid', 'An attachment is not valid.'),
  invalidTargets: defineError('support.invalid_targets', 'invalid', 'Service-level targets must be positive numbers of business hours, first response ≤ resolution.'),
  notStaff: defineError('support.not_staff', 'invalid', 'A dedicated specialist must be an active staff member of the support or owner role.'),
  notCriticalEligible: defineError('support.not_limited', 'conflict', 'Only a ticket with limited support can be marked as a critical defect.'),
  verificationInvalid: defineError('support.verification_invalid', 'not_found', 'This verification link is not valid or has expired.'),
  verificationRequired: defineError(
    'support.verification_required',
    'forbidden',
    'Staff may do this only after the requesting admin has confirmed this very request (an emailed link and their password).',
  ),
  verificationNotForYou: defineError('support.verification_not_yours', 'forbidden', 'Only the admin who opened the ticket can confirm this request.'),
  requesterNotAdmin: defineError(
    'support.requester_not_admin',
    'conflict',
    'The admin who opened this ticket is no longer an active, verified admin, so nobody can confirm the request.',
  ),
} as const;
