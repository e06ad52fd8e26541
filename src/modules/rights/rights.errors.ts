import { defineError } from '../../core/errors.ts';

export const RightsErrors = {
  /** DSR-1: a request from someone who is not signed in names the address to answer. */
  emailRequired: defineError('rights.email_required', 'invalid', 'Give the email address the answer should go to.'),
  /** DSR-4: one extension only, with notice before the first period ends. */
  alreadyExtended: defineError('rights.already_extended', 'conflict', 'This request was already extended once; it cannot be extended again.'),
  extensionWindowClosed: defineError('rights.extension_window_closed', 'conflict', 'The first period of this request is over: it can no longer be extended.'),
  /** DSR-5: a denial is logged with its reason. */
  denialReasonRequired: defineError('rights.denial_reason_required', 'invalid', 'Give the reason for a denial.'),
  requestClosed: defineError('rights.request_closed', 'conflict', 'This request has already been answered.'),
  tooManyRequests: defineError('rights.too_many_requests', 'rate_limited', 'Too many privacy requests from here; try again later.'),
  /** DSR-8: the public form for reporting a child's account is rate-limited per IP and per reported address. */
  tooManyChildReports: defineError('rights.too_many_child_reports', 'rate_limited', 'Too many reports from here or about this address; try again later.'),
  childReportDecided: defineError('rights.child_report_decided', 'conflict', 'This report has already been decided.'),
} as const;
