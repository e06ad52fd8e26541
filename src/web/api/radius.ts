// RADIUS networks (PRO-3): a network's shared secret, and the accounting sessions its NASes report.
import type { Page } from '../../contracts/common.ts';
import type { ListRadiusSessionsQuery, RadiusSession, SharedSecret } from '../../contracts/radius.ts';
import { authed, enc, org, request } from './client.ts';

export type { RadiusSession, SharedSecret } from '../../contracts/radius.ts';

export const radiusApi = {
  /** A new shared secret, answered this once; the previous one stops working. */
  rotateSharedSecret: (orgId: string, resourceId: string) => request<SharedSecret>('POST', `${org(orgId)}/resources/${enc(resourceId)}/shared-secret`, authed),
  radiusSessions: (orgId: string, query: Partial<ListRadiusSessionsQuery> = {}) => request<Page<RadiusSession>>('GET', `${org(orgId)}/radius/sessions`, { query: { ...query }, ...authed }),
};
