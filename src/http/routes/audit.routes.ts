import type { FastifyReply } from 'fastify';
import { AuditCsvQuery, AuditPage, AuditQuery, StaffAuditCsvQuery, StaffAuditQuery } from '../../contracts/audit.ts';
import type { AuditEntry } from '../../contracts/audit.ts';
import { OrgParams } from '../../contracts/common.ts';
import { ExportFile } from '../../contracts/users.ts';
import { csvCell } from '../../core/csv.ts';
import type { AuditEntryView } from '../../modules/audit/index.ts';
import { callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

type Filters = Omit<AuditCsvQuery, 'since' | 'until'> & { since?: string | undefined; until?: string | undefined; limit?: number; cursor?: string | undefined };

/** `action` ending in "." is a prefix (`directory.`); `actionPrefix` always is. */
const toFilter = (q: Filters, limit: number) => {
  const actionIsPrefix = q.action?.endsWith('.') === true;
  return {
    action: actionIsPrefix ? undefined : q.action,
    actionPrefixes: [q.actionPrefix, actionIsPrefix ? q.action : undefined].filter((p): p is string => p !== undefined),
    actorId: q.actorId,
    targetId: q.targetId,
    since: q.since ? new Date(q.since).toISOString() : undefined,
    until: q.until ? new Date(q.until).toISOString() : undefined,
    beforeSeq: q.cursor ? Number(q.cursor) : undefined,
    limit,
  };
};

/** The most entries one CSV export holds; narrow the filters for more. */
const CSV_MAX_ENTRIES = 10_000;

const CSV_COLUMNS = ['seq', 'at', 'action', 'actor_type', 'actor_id', 'actor_name', 'target_type', 'target_id', 'target_name', 'ip', 'request_id', 'org_id', 'details'];

/** SEC-1: reading the audit log, newest first, filtered, paginated by cursor, with names and a CSV export. */
export function auditRoutes(app: HttpApp, deps: HttpDeps): void {
  const { accounts, directory, db } = deps;

  /**
   * Names each entry's actor and target inside the entry's own organization only (DIR-1): an id
   * that organization does not hold gets no name. Staff names are shown in the staff log only.
   */
  async function named(items: AuditEntryView[], staffLog: boolean): Promise<AuditEntry[]> {
    const byOrg = new Map<string, Set<string>>();
    for (const e of items) {
      if (!e.orgId) continue;
      const ids = byOrg.get(e.orgId) ?? new Set<string>();
      if (e.actor.id) ids.add(e.actor.id);
      if (e.target) ids.add(e.target.id);
      byOrg.set(e.orgId, ids);
    }
    const names = new Map<string, Map<string, string>>();
    for (const [orgId, ids] of byOrg) {
      // PRO-2: an API client acting is named too (its id is never another organization's).
      const clients = await deps.federation.apiClients.namesIn(orgId, [...ids]);
      // PRO-4: and a SCIM token, by the name its admin gave it.
      const scimTokens = await directory.scimTokens.namesIn(orgId, [...ids]);
      names.set(orgId, new Map([...(await directory.organizations.namesIn(db, orgId, [...ids])), ...clients, ...scimTokens]));
    }
    const staffNames = new Map<string, string>();
    if (staffLog) {
      const accountIds = items.flatMap((e) => [e.actor.id, e.target?.id]).filter((id): id is string => typeof id === 'string' && id.startsWith('acc_'));
      for (const f of await accounts.facts(db, accountIds)) if (f.staff) staffNames.set(f.id, f.name);
    }
    const nameOf = (orgId: string | null, id: string | null | undefined): string | null => {
      if (!id) return null;
      return (orgId ? names.get(orgId)?.get(id) : undefined) ?? staffNames.get(id) ?? null;
    };
    return items.map((e) => ({ ...e, actorName: nameOf(e.orgId, e.actor.id), targetName: nameOf(e.orgId, e.target?.id) }));
  }

  async function page(req: { query: AuditQuery }, orgId: string | null, staffLog: boolean, caller: ReturnType<typeof callerOf>) {
    const r = await accounts.auditLog(caller, orgId, toFilter(req.query, req.query.limit));
    return { items: await named(r.items, staffLog), nextCursor: r.nextCursor };
  }

  /** The whole filtered log as CSV, every cell neutralised against spreadsheet formulas. */
  async function csv(reply: FastifyReply, caller: ReturnType<typeof callerOf>, orgId: string | null, q: AuditCsvQuery, staffLog: boolean, file: string) {
    const lines = [CSV_COLUMNS.join(',')];
    let cursor: string | undefined;
    let count = 0;
    for (;;) {
      const r = await accounts.auditLog(caller, orgId, toFilter({ ...q, cursor }, Math.min(200, CSV_MAX_ENTRIES - count)));
      for (const e of await named(r.items, staffLog)) {
        const cells = [String(e.seq), e.at, e.action, e.actor.type, e.actor.id ?? '', e.actorName ?? '', e.target?.type ?? '', e.target?.id ?? '', e.targetName ?? '', e.ip ?? '', e.requestId ?? '', e.orgId ?? '', JSON.stringify(e.details)];
        lines.push(cells.map(csvCell).join(','));
      }
      count += r.items.length;
      if (!r.nextCursor || count >= CSV_MAX_ENTRIES) break;
      cursor = r.nextCursor;
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('cache-control', 'no-store')
      .send(`${lines.join('\r\n')}\r\n`);
  }

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
    async (req) => page(req, req.params.orgId, false, callerOf(req)),
  );

  app.get(
    '/api/v1/orgs/:orgId/audit.csv',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['audit'],
        summary: "The organization's filtered audit log as a CSV file",
        params: OrgParams,
        querystring: AuditCsvQuery,
        produces: ['text/csv'],
        response: { 200: ExportFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => csv(reply, callerOf(req), req.params.orgId, req.query, false, 'audit.csv'),
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
    async (req) => page(req, req.query.orgId ?? null, true, callerOf(req)),
  );

  app.get(
    '/api/v1/staff/audit.csv',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['audit', 'staff'],
        summary: 'The whole filtered audit log as a CSV file, for staff whose role reads audit logs',
        querystring: StaffAuditCsvQuery,
        produces: ['text/csv'],
        response: { 200: ExportFile, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => csv(reply, callerOf(req), req.query.orgId ?? null, req.query, true, 'audit.csv'),
  );
}
