// DSR-6: an organization's deletion, for its admins: ask (re-authenticated, with its name), see, cancel.
import type { OrgDeletion, RequestOrgDeletionBody } from '../../contracts/org-deletion.ts';
import { enc, request } from './client.ts';

export const orgDeletionApi = {
  /** `{state: 'none'}` when no deletion is scheduled. */
  orgDeletion: (orgId: string) => request<OrgDeletion>('GET', `/api/v1/orgs/${enc(orgId)}/deletion`, { authed: true }),
  /** 202: the body is not read (the client answers nothing for a 202); ask `orgDeletion` for the date. */
  requestOrgDeletion: (orgId: string, body: RequestOrgDeletionBody) => request<void>('POST', `/api/v1/orgs/${enc(orgId)}/deletion`, { body, authed: true }),
  cancelOrgDeletion: (orgId: string) => request<void>('DELETE', `/api/v1/orgs/${enc(orgId)}/deletion`, { authed: true }),
};
