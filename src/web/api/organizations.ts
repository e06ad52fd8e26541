// The organization itself: its name and whether every member needs two-step verification (ACC-5).
import type { UpdateOrganizationBody } from '../../contracts/accounts.ts';
import type { Organization } from '../../contracts/common.ts';
import { enc, request } from './client.ts';

export const organizationsApi = {
  organization: (orgId: string) => request<Organization>('GET', `/api/v1/orgs/${enc(orgId)}`, { authed: true }),
  /** The admin making `requireMfa: true` must have two-step verification on already (409 `directory.own_mfa_first`). */
  updateOrganization: (orgId: string, body: UpdateOrganizationBody) => request<Organization>('PATCH', `/api/v1/orgs/${enc(orgId)}`, { body, authed: true }),
};
