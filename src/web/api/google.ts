// ACC-4: Sign in with Google: the steps after Google answered, and the link on the account page.
import type { GoogleLinkBody, GoogleLinkStatus, GoogleMfaBody, GooglePending, GoogleSignedIn, GoogleSignupBody } from '../../contracts/google.ts';
import { authed, request } from './client.ts';

export type { GoogleLinkStatus, GooglePending } from '../../contracts/google.ts';

export const googleApi = {
  pending: () => request<GooglePending>('GET', '/api/v1/auth/google/pending'),
  signup: (body: GoogleSignupBody) => request<GoogleSignedIn>('POST', '/api/v1/auth/google/signup', { body }),
  link: (body: GoogleLinkBody) => request<GoogleSignedIn>('POST', '/api/v1/auth/google/link', { body }),
  mfa: (body: GoogleMfaBody) => request<GoogleSignedIn>('POST', '/api/v1/auth/google/mfa', { body }),
  status: () => request<GoogleLinkStatus>('GET', '/api/v1/me/google', authed),
  unlink: () => request<null>('DELETE', '/api/v1/me/google', authed),
};

/** Where the "Sign in with Google" button goes: a full page load (the server redirects to Google). */
export const googleStartUrl = (next?: string | null) => `/auth/google${next ? `?next=${encodeURIComponent(next)}` : ''}`;

/** What a refused Google sign-in (`/sign-in?google=<code>`) says to the person. */
const MESSAGES: Record<string, string> = {
  'accounts.google_sign_in_failed': 'Signing in with Google did not succeed. Try again.',
  'accounts.google_email_unverified': 'Google has not verified the address of that Google account, so it cannot be used to sign in here.',
  'accounts.google_link_unverified':
    'An account with this address exists, but its address was never verified. Sign in with its password, verify the address, then link Google from your account page.',
  'accounts.google_already_linked': 'The account with this address is linked to another Google account.',
  'accounts.account_suspended': 'This account is suspended.',
  'accounts.locked': 'Too many failed attempts. Try again later.',
  'accounts.google_pending_expired': 'This Google sign-in has expired. Start again with Sign in with Google.',
};

export function googleMessage(code: string | null): string | null {
  if (!code) return null;
  return MESSAGES[code] ?? 'Signing in with Google did not succeed. Try again.';
}
