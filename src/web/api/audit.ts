// The organization's audit log (SEC-1).
import type { AuditPage, AuditQuery } from '../../contracts/audit.ts';
import { enc, request } from './client.ts';

export type { AuditEntry, AuditPage } from '../../contracts/audit.ts';
/** The log's filters; every one may be left out. */
export type AuditFilters = Partial<AuditQuery>;

export const auditApi = {
  auditLog: (orgId: string, filters: AuditFilters) =>
    request<AuditPage>('GET', `/api/v1/orgs/${enc(orgId)}/audit`, { query: { ...filters }, authed: true }),
};
