import type { FastifyInstance } from 'fastify';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';

const id = { type: 'string', minLength: 1, maxLength: 100 } as const;
const instant = { type: 'string', format: 'date-time' } as const;

const filterQuery = {
  action: { type: 'string', minLength: 1, maxLength: 100 },
  actorId: id,
  targetId: id,
  since: instant,
  until: instant,
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  cursor: { type: 'string', pattern: '^[0-9]{1,15}$' },
} as const;

const entry = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    seq: { type: 'integer' },
    at: { type: 'string' },
    orgId: { type: ['string', 'null'] },
    actor: { type: 'object', properties: { type: { type: 'string' }, id: { type: ['string', 'null'] } } },
    action: { type: 'string' },
    target: {
      anyOf: [{ type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } }, { type: 'null' }],
    },
    ip: { type: ['string', 'null'] },
    requestId: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

const page = {
  type: 'object',
  properties: { items: { type: 'array', items: entry }, nextCursor: { type: ['string', 'null'] } },
  required: ['items', 'nextCursor'],
} as const;

interface FilterQuery {
  action?: string;
  actorId?: string;
  targetId?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
  orgId?: string;
}

const toFilter = (q: FilterQuery) => ({
  action: q.action,
  actorId: q.actorId,
  targetId: q.targetId,
  since: q.since ? new Date(q.since).toISOString() : undefined,
  until: q.until ? new Date(q.until).toISOString() : undefined,
  beforeSeq: q.cursor ? Number(q.cursor) : undefined,
  limit: q.limit,
});

/** SEC-1: reading the audit log, newest first, filtered, paginated by cursor. */
export function auditRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { accounts } = deps;

  app.get(
    '/api/v1/orgs/:orgId/audit',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['audit'],
        summary: "The organization's audit log (its admins, and staff whose role reads audit logs)",
        params: strictObject({ orgId: id }, ['orgId']),
        querystring: strictObject(filterQuery),
        response: { 200: page, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { orgId } = req.params as { orgId: string };
      return accounts.auditLog(principalOf(req), orgId, toFilter(req.query as FilterQuery));
    },
  );

  app.get(
    '/api/v1/staff/audit',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['audit', 'staff'],
        summary: 'The whole audit log, for staff whose role reads audit logs',
        querystring: strictObject({ ...filterQuery, orgId: id }),
        response: { 200: page, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query as FilterQuery;
      const p = principalOf(req);
      if (p.user.kind !== 'staff') throw new AppError(CommonErrors.forbidden);
      return accounts.auditLog(p, q.orgId ?? null, toFilter(q));
    },
  );
}
