import { defineError } from '../../core/errors.ts';

export const AccountsErrors = {
  invalidCredentials: defineError('accounts.invalid_credentials', 'unauthenticated', 'The email or password is incorrect.'),
  mfaRequired: defineError(
    'accounts.mfa_required',
    'unauthenticated',
    'Enter the code from your authenticator app or a recovery code.',
  ),
  invalidMfaCode: defineError(
    'accounts.invalid_mfa_code',
    'unauthenticated',
    'The authentication code is incorrect or was already used.',
  ),
  locked: defineError('accounts.locked', 'rate_limited', 'Too many failed attempts. Try again later.'),
  tooManyRequests: defineError('accounts.too_many_requests', 'rate_limited', 'Too many requests. Try again later.'),
  weakPassword: defineError('accounts.weak_password', 'invalid', 'The password is too weak.'),
  ageConfirmationRequired: defineError(
    'accounts.age_confirmation_required',
    'invalid',
    'You must confirm that you are 16 or older to create an account.',
  ),
  invalidEmail: defineError('accounts.invalid_email', 'invalid', 'The email address is not valid.'),
  invalidField: defineError('accounts.invalid_field', 'invalid', 'A field is not valid.'),
  invalidToken: defineError('accounts.invalid_token', 'invalid', 'The link is invalid, expired or already used.'),
  emailTaken: defineError('accounts.email_taken', 'conflict', 'An account with this email already exists.'),
  mfaAlreadyEnabled: defineError('accounts.mfa_already_enabled', 'conflict', 'Two-factor authentication is already on.'),
  mfaNotEnrolled: defineError('accounts.mfa_not_enrolled', 'conflict', 'Start two-factor enrolment first.'),
  mfaNotEnabled: defineError('accounts.mfa_not_enabled', 'conflict', 'Two-factor authentication is not on.'),
  reauthenticationFailed: defineError('accounts.reauthentication_failed', 'forbidden', 'The password or code is incorrect.'),
  reauthenticationCodeRequired: defineError('accounts.reauthentication_code_required', 'forbidden', 'Enter the code from your authenticator app (or a recovery code) with your password.'),
  reauthenticationRequired: defineError(
    'accounts.reauthentication_required',
    'forbidden',
    'Enter your password again (and your code, with two-step verification on) to make this change.',
  ),
  mfaRequiredByOrganization: defineError(
    'accounts.mfa_required_by_organization',
    'conflict',
    'An organization you belong to requires two-step verification, so it cannot be turned off.',
  ),
  accountSuspended: defineError('accounts.account_suspended', 'forbidden', 'This account is suspended.'),
  invalidRole: defineError('accounts.invalid_role', 'invalid', 'Unknown staff role.'),
} as const;
