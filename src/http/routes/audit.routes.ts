import { AuditPage, AuditQuery, StaffAuditQuery } from '../../contracts/audit.ts';
import { OrgParams } from '../../contracts/common.ts';
import { callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

const toFilter = (q: AuditQuery) => ({
  action: q.action,
  actorId: q.actorId,
  targetId: q.targetId,
  since: q.since ? new Date(q.since).toISOString() : undefined,
  until: q.until ? new Date(q.until).toISOString() : undefined,
  beforeSeq: q.cursor ? Number(q.cursor) : undefined,
  limit: q.limit,
});

/** SEC-1: reading the audit log, newest first, filtered, paginated by cursor. */
export function auditRoutes(app: HttpApp, deps: HttpDeps): void {
  const { accounts } = deps;

  app.get(
    '/api/v1/orgs/:orgId/audit',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['audit'],
        summary: "The organization's audit log (its admins, and staff whose role reads audit logs)",
        params: OrgParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => accounts.auditLog(callerOf(req), req.params.orgId, toFilter(req.query)),
  );

  app.get(
    '/api/v1/staff/audit',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['audit', 'staff'],
        summary: 'The whole audit log, for staff whose role reads audit logs',
        querystring: StaffAuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      return accounts.auditLog(callerOf(req), q.orgId ?? null, toFilter(q));
    },
  );
}
