// GOV-4: the email changes of accounts an organization administers, which its admins approve or deny;
// and the person's own request waiting for approval, which they may withdraw.
import type { EmailChangeRequest, EmailChangeRequestPage, EmailChangeRequestState } from '../../contracts/email-change-requests.ts';
import { authed, enc, org, request } from './client.ts';

export type { EmailChangeApproval, EmailChangePendingApproval, EmailChangeRequest, EmailChangeRequestState } from '../../contracts/email-change-requests.ts';

export const emailChangeRequestsApi = {
  list: (orgId: string, opts: { state?: EmailChangeRequestState; cursor?: string | null } = {}) =>
    request<EmailChangeRequestPage>('GET', `${org(orgId)}/email-change-requests`, { query: { limit: 50, state: opts.state, cursor: opts.cursor ?? undefined }, ...authed }),
  approve: (orgId: string, requestId: string) => request<EmailChangeRequest>('POST', `${org(orgId)}/email-change-requests/${enc(requestId)}/approve`, authed),
  deny: (orgId: string, requestId: string, reason: string) =>
    request<EmailChangeRequest>('POST', `${org(orgId)}/email-change-requests/${enc(requestId)}/deny`, { body: reason ? { reason } : {}, ...authed }),
  cancelMine: () => request<void>('DELETE', '/api/v1/me/email-change-request', authed),
};
