// The signed-in person: who they are, their name and password, sessions and MFA (ACC-2, ACC-5, ACC-6).
import type { EmailChangePendingApproval } from '../../contracts/email-change-requests.ts';
import type { EmailChangeStatus, Me, MfaStatus, MyApplication, ProfileResponse, Reauthenticated, RecoveryCodes, SessionInfo, SessionProbe, StepUpBody, TotpEnrolment } from '../../contracts/me.ts';
import { enc, request } from './client.ts';

export type { Me, Membership, MyApplication, PendingInvitation, SessionInfo } from '../../contracts/me.ts';

export const meApi = {
  /** The signed-in person, seen in `orgId` (else their first organization); 401 when signed out (not treated as a lost session). */
  /** Asks whether there is a session without failing when there is none (no 401 on public pages). */
  session: () => request<SessionProbe>('GET', '/api/v1/session'),
  me: (orgId?: string) => request<Me>('GET', '/api/v1/me', { query: { orgId } }),
  updateName: (name: string) => request<ProfileResponse>('PATCH', '/api/v1/me', { body: { name }, authed: true }),
  /** With the current password (and the code when TOTP is on): a session alone cannot change it (ACC-7). */
  changePassword: (currentPassword: string, newPassword: string, code?: string) =>
    request<void>('POST', '/api/v1/me/password', { body: { ...(currentPassword ? { currentPassword } : {}), newPassword, ...(code ? { code } : {}) }, authed: true }),
  /** Re-authenticates this session for five minutes of security changes. */
  reauth: (password: string, code?: string) => request<Reauthenticated>('POST', '/api/v1/me/reauth', { body: { password, ...(code ? { code } : {}) }, authed: true }),
  emailChangeStatus: () => request<EmailChangeStatus>('GET', '/api/v1/me/email', { authed: true }),
  /** Sends a link to the new address; nothing changes until it is opened. */
  /** GOV-4: `{state: 'pending_approval'}` when the account's organization decides; nothing when a link went to the new address. */
  requestEmailChange: (email: string, proof: StepUpBody) => request<EmailChangePendingApproval | undefined>('POST', '/api/v1/me/email', { body: { email, ...proof }, authed: true }),
  confirmEmailChange: (token: string) => request<void>('POST', '/api/v1/email-changes/confirm', { body: { token } }),

  /** PRO-2, PRO-5: the applications the person may open, in every organization they are an active member of. */
  myApplications: () => request<{ items: MyApplication[] }>('GET', '/api/v1/me/applications', { authed: true }),

  listSessions: () => request<{ items: SessionInfo[] }>('GET', '/api/v1/me/sessions', { authed: true }),
  revokeSession: (id: string) => request<void>('DELETE', `/api/v1/me/sessions/${enc(id)}`, { authed: true }),

  mfaStatus: () => request<MfaStatus>('GET', '/api/v1/me/mfa', { authed: true }),
  startTotp: (proof: StepUpBody) => request<TotpEnrolment>('POST', '/api/v1/me/mfa/totp', { body: proof, authed: true }),
  confirmTotp: (code: string) => request<RecoveryCodes>('POST', '/api/v1/me/mfa/totp/confirm', { body: { code }, authed: true }),
  disableTotp: (proof: StepUpBody) => request<void>('POST', '/api/v1/me/mfa/totp/disable', { body: proof, authed: true }),
  regenerateRecoveryCodes: (proof: StepUpBody) => request<RecoveryCodes>('POST', '/api/v1/me/mfa/recovery-codes', { body: proof, authed: true }),
};
