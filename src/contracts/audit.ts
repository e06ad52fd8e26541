/** SEC-1: the audit log, newest first, filtered, paginated by cursor. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query } from './common.ts';

const instant = Type.String({ format: 'date-time' });

const filter = {
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  actorId: Type.Optional(Id),
  targetId: Type.Optional(Id),
  since: Type.Optional(instant),
  until: Type.Optional(instant),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
};

export const AuditQuery = Query(filter);
export type AuditQuery = Static<typeof AuditQuery>;

/** Staff read the whole log, or one organization's. */
export const StaffAuditQuery = Query({ ...filter, orgId: Type.Optional(Id) });
export type StaffAuditQuery = Static<typeof StaffAuditQuery>;

export const AuditEntry = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  at: Type.String(),
  orgId: Nullable(Type.String()),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  action: Type.String(),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  details: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = Page(AuditEntry);
export type AuditPage = Static<typeof AuditPage>;
