import { defineError } from '../../core/errors.ts';

export const RightsErrors = {
  /** DSR-1: a request from someone who is not signed in names the address to answer. */
  emailRequired: defineError('rights.email_required', 'invalid', 'Give the email address the answer should go to.'),
  /** DSR-4: one extension only, with notice before the first period ends. */
  alreadyExtended: defineError('rights.already_extended', 'conflict', 'This request was already extended once; it cannot be extended again.'),
  extensionWindowClosed: defineError('rights.extension_window_closed', 'conflict', 'The first period of this request is over: it can no longer be extended.'),
  /** DSR-5: a denial is logged with its reason. */
  denialReasonRequired: defineError('rights.denial_reason_required', 'invalid', 'Give the reason for a denial.'),
  /** DSR-7: a Shine the Light request names what it lacks. */
  shineTheLightIncomplete: defineError('rights.shine_the_light_incomplete', 'invalid', 'The request lacks what a "Your California Privacy Rights" request must carry.'),
  shineTheLightCaliforniaOnly: defineError(
    'rights.shine_the_light_california_only',
    'invalid',
    '"Your California Privacy Rights" are for California residents: give a California address, or make an access or know request instead.',
  ),
  /** DSR-7: the Shine the Light fields belong to that kind of request only. */
  shineTheLightFieldsOnly: defineError('rights.shine_the_light_fields_only', 'invalid', 'Address fields and the statement are for "Your California Privacy Rights" requests only.'),
  requestClosed: defineError('rights.request_closed', 'conflict', 'This request has already been answered.'),
  tooManyRequests: defineError('rights.too_many_requests', 'rate_limited', 'Too many privacy requests from here; try again later.'),
  /** DSR-8: the public form for reporting a child's account is rate-limited per IP and per reported address. */
  tooManyChildReports: defineError('rights.too_many_child_reports', 'rate_limited', 'Too many reports from here or about this address; try again later.'),
  childReportDecided: defineError('rights.child_report_decided', 'conflict', 'This report has already been decided.'),
  /** DSR-2: a request about an account is verified only by re-authenticating on that account. */
  signInRequired: defineError('rights.sign_in_required', 'forbidden', 'This request is about an account: sign in to that account and confirm your password to verify it.'),
  verificationNotPending: defineError('rights.verification_not_pending', 'conflict', 'This request is not waiting for verification.'),
  dataPointsRequired: defineError('rights.data_points_required', 'invalid', 'Give as many of the data points asked for as the request needs.'),
  dataPointsNotMatched: defineError('rights.data_points_not_matched', 'invalid', 'What you gave does not match enough of what we hold about this address.'),
  declarationRequired: defineError('rights.declaration_required', 'invalid', 'Sign the declaration under penalty of perjury: type your name and agree to the statement.'),
  residenceRequired: defineError('rights.residence_required', 'invalid', 'A California request needs your attestation that you live in California.'),
  verificationFailed: defineError('rights.verification_failed', 'conflict', 'We could not verify this request: too many attempts did not match.'),
  tooManyVerificationAttempts: defineError('rights.too_many_verification_attempts', 'rate_limited', 'Too many verification attempts from here; try again later.'),
  /** DSR-3: an agent's request carries the signed authorization, and only the kinds DSR-3 names take an agent. */
  agentAuthorizationRequired: defineError('rights.agent_authorization_required', 'invalid', 'An authorized agent uploads the authorization the subject signed, and only with the agent named.'),
  agentKindRefused: defineError('rights.agent_kind_refused', 'invalid', 'An agent may make access, know, correct, delete and opt-out requests only.'),
  authorizationFileRefused: defineError('rights.authorization_file_refused', 'invalid', 'The authorization must be a PDF, PNG or JPEG file.'),
  authorizationTooLarge: defineError('rights.authorization_too_large', 'invalid', 'The authorization file is too large.'),
  notAnAgentRequest: defineError('rights.not_an_agent_request', 'conflict', 'This request was not made by an agent: there is nothing to confirm.'),
  /** DSR-1, DSR-2: access, know, correct and delete are fulfilled only once the requester is verified. */
  notVerified: defineError('rights.not_verified', 'conflict', 'This request is not verified yet: it is fulfilled once the requester is verified.'),
  notFulfillable: defineError('rights.not_fulfillable', 'conflict', 'Requests of this kind are answered by staff, not fulfilled here.'),
  fulfilmentRunning: defineError('rights.fulfilment_running', 'conflict', 'This request is being fulfilled right now, or already was.'),
  /** DSR-2: staff answer access, know, correct and delete as done only once verified and fulfilled. */
  notFulfilled: defineError('rights.not_fulfilled', 'conflict', 'This request is not verified and fulfilled: it can be closed as complied only once it is; deny it with the reason instead.'),
  /** DSR-1: an archive link works once, for 24 hours. */
  linkUsed: defineError('rights.link_used', 'not_found', 'This link was already used. Ask for a new one from your request.'),
  linkExpired: defineError('rights.link_expired', 'not_found', 'This link has expired. Ask for a new one from your request.'),
  /** DSR-1 (correct): what to correct, decided by staff. */
  correctionOnly: defineError('rights.correction_only', 'invalid', 'Only a correction request says what to correct.'),
  correctionUnspecified: defineError('rights.correction_unspecified', 'conflict', 'This request does not say what to correct and to what: deny it with the reason, or ask the requester to make a new one.'),
  notAwaitingReview: defineError('rights.not_awaiting_review', 'conflict', 'This request is not waiting for a review of its correction.'),
} as const;
