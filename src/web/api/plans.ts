// DIR-4: the public configuration the console reads (are cards taken? where to write to change plan?),
// and, for billing staff, finding an organization and setting its plan.
import type { Organization, Page } from '../../contracts/common.ts';
import type { PublicConfig } from '../../contracts/system.ts';
import type { SetPlanBody, StaffOrg, StaffOrgsQuery } from '../../contracts/users.ts';
import { authed, enc, request } from './client.ts';

export type { PublicConfig } from '../../contracts/system.ts';
export type { StaffOrg } from '../../contracts/users.ts';
export type SetPlanInput = SetPlanBody;

let config: Promise<PublicConfig> | null = null;

export const plansApi = {
  /** Read once per page load: it changes only when the operator restarts Castellan with new settings. */
  publicConfig: (): Promise<PublicConfig> => {
    config ??= request<PublicConfig>('GET', '/api/v1/config').catch((e: unknown) => {
      config = null;
      throw e;
    });
    return config;
  },
  findOrgs: (query: Partial<StaffOrgsQuery> = {}) => request<Page<StaffOrg>>('GET', '/api/v1/staff/orgs', { query: { ...query }, ...authed }),
  setPlan: (orgId: string, input: SetPlanBody) => request<Organization>('PATCH', `/api/v1/staff/orgs/${enc(orgId)}/plan`, { body: input, ...authed }),
};
