import { defineError } from '../../core/errors.ts';

/** ACC-4: Sign in with Google. */
export const GoogleErrors = {
  disabled: defineError('accounts.google_disabled', 'not_found', 'Sign in with Google is not set up on this server.'),
  signInFailed: defineError('accounts.google_sign_in_failed', 'unauthenticated', 'Signing in with Google did not succeed. Try again.'),
  emailUnverified: defineError(
    'accounts.google_email_unverified',
    'forbidden',
    'Google has not verified the address of this Google account, so it cannot be used to sign in here.',
  ),
  linkUnverified: defineError(
    'accounts.google_link_unverified',
    'conflict',
    'An account with this address exists, but its address was never verified: sign in with its password and verify the address, then link Google from your account page.',
  ),
  alreadyLinked: defineError('accounts.google_already_linked', 'conflict', 'The account with this address is linked to another Google account.'),
  pendingExpired: defineError('accounts.google_pending_expired', 'unauthenticated', 'This Google sign-in has expired. Start again with Sign in with Google.'),
  notLinked: defineError('accounts.google_not_linked', 'not_found', 'No Google account is linked to this account.'),
  unlinkNeedsPassword: defineError('accounts.google_unlink_needs_password', 'conflict', 'Set a password first: without Google you would have no way to sign in.'),
} as const;
