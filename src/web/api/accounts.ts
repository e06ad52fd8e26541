// Sign-up, email verification, sign-in and out, and password reset (ACC-1..ACC-7).
import type { SignupBody, VerifyEmailResponse } from '../../contracts/accounts.ts';
import type { UserAndOrganization } from '../../contracts/common.ts';
import type { SignInBody, SignInResponse } from '../../contracts/sessions.ts';
import { request } from './client.ts';

export type { SignupBody as SignUpInput } from '../../contracts/accounts.ts';

export const accountsApi = {
  signUp: (input: SignupBody) => request<UserAndOrganization>('POST', '/api/v1/signup', { body: input }),
  verifyEmail: (token: string) => request<VerifyEmailResponse>('POST', '/api/v1/email-verification', { body: { token } }),
  resendVerification: () => request<void>('POST', '/api/v1/email-verification/resend', { authed: true }),

  signIn: (input: SignInBody) => request<SignInResponse>('POST', '/api/v1/sessions', { body: input }),
  signOut: () => request<void>('DELETE', '/api/v1/sessions/current', { authed: true }),

  requestPasswordReset: (email: string) => request<void>('POST', '/api/v1/password-resets', { body: { email } }),
  confirmPasswordReset: (token: string, password: string) =>
    request<void>('POST', '/api/v1/password-resets/confirm', { body: { token, password } }),
};
