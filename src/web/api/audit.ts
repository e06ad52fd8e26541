// The organization's audit log (SEC-1).
import type { AuditPage, AuditQuery, StaffAuditQuery } from '../../contracts/audit.ts';
import { download, enc, org, request } from './client.ts';

export type { AuditEntry, AuditPage } from '../../contracts/audit.ts';
/** The log's filters; every one may be left out. */
export type AuditFilters = Partial<AuditQuery>;
/** Staff filter the whole log, or one organization's. */
export type StaffAuditFilters = Partial<StaffAuditQuery>;

/** The filters that are set, as query parameters (the CSV export takes no paging). */
const csvQuery = (filters: StaffAuditFilters): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && k !== 'limit' && k !== 'cursor') out[k] = String(v);
  return out;
};

export const auditApi = {
  auditLog: (orgId: string, filters: AuditFilters) =>
    request<AuditPage>('GET', `/api/v1/orgs/${enc(orgId)}/audit`, { query: { ...filters }, authed: true }),
  /** The whole filtered log as a CSV file to save. */
  auditCsv: (orgId: string, filters: AuditFilters) => download(`${org(orgId)}/audit.csv`, csvQuery(filters), 'text/csv', 'audit.csv'),
  /** Staff (owner or privacy role): the whole log, with the same filters and names. */
  staffAuditLog: (filters: StaffAuditFilters) => request<AuditPage>('GET', '/api/v1/staff/audit', { query: { ...filters }, authed: true }),
  staffAuditCsv: (filters: StaffAuditFilters) => download('/api/v1/staff/audit.csv', csvQuery(filters), 'text/csv', 'audit.csv'),
};
