// Invitations: the link's page, accepting, and an admin's re-send and withdrawal (DIR-2, GOV-3).
import type { User } from '../../contracts/common.ts';
import type { InvitationInfo } from '../../contracts/invitations.ts';
import { authed, enc, org, request } from './client.ts';

export type { InvitationInfo } from '../../contracts/invitations.ts';

export const invitationsApi = {
  invitation: (token: string) => request<InvitationInfo>('GET', `/api/v1/invitations/${enc(token)}`),
  /** Accepting with a password creates the account (an address without one); with none, the signed-in person accepts. */
  acceptInvitation: (token: string, password?: string) =>
    request<User>('POST', `/api/v1/invitations/${enc(token)}/accept`, { body: password === undefined ? {} : { password }, authed: password === undefined }),
  acceptPendingInvitation: (membershipId: string) =>
    request<User>('POST', `/api/v1/me/invitations/${enc(membershipId)}/accept`, { body: {}, authed: true }),
  resendInvitation: (orgId: string, userId: string) => request<User>('POST', `${org(orgId)}/users/${enc(userId)}/invitation`, authed),
  revokeInvitation: (orgId: string, userId: string) => request<void>('DELETE', `${org(orgId)}/users/${enc(userId)}/invitation`, authed),
};
