import { ChildReportBody, ChildReportListQuery, ChildReportParams, ChildReportReceipt, DismissChildReportBody, StaffChildReport, StaffChildReportPage } from '../../contracts/child-reports.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/** DSR-8: reporting a suspected child's account (anyone), and the privacy staff's desk for the reports. */
export function childReportsRoutes(app: HttpApp, deps: HttpDeps): void {
  const reports = deps.childReports;
  const staff = { auth: 'required' as const };

  app.post(
    '/api/v1/privacy/child-reports',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['privacy'],
        summary: 'Report an account believed to belong to a child under 16 (no account needed). The answer is the same whether or not the address has an account',
        body: ChildReportBody,
        response: { 202: ChildReportReceipt, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => reply.status(202).send(await reports.report(contextOf(req), req.body)),
  );

  app.get(
    '/api/v1/staff/privacy/child-reports',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Reports of child accounts, open ones first, newest first (staff with the privacy or owner role)',
        querystring: ChildReportListQuery,
        response: { 200: StaffChildReportPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => reports.list(callerOf(req), req.query),
  );

  app.post(
    '/api/v1/staff/privacy/child-reports/:reportId/confirm',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: "Confirm a report: the account's sale and sharing stop and its sessions end at once, and its erasure runs 24 hours later; without an account the report is closed",
        params: ChildReportParams,
        response: { 200: StaffChildReport, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => reports.confirm(contextOf(req), callerOf(req), req.params.reportId),
  );

  app.post(
    '/api/v1/staff/privacy/child-reports/:reportId/dismiss',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Dismiss a report found wrong, before its erasure ran (the erasure is cancelled)',
        params: ChildReportParams,
        body: DismissChildReportBody,
        response: { 200: StaffChildReport, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => reports.dismiss(contextOf(req), callerOf(req), req.params.reportId, req.body),
  );
}
