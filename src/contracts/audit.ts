/** SEC-1: the audit log, newest first, filtered, paginated by cursor. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query } from './common.ts';

const instant = Type.String({ format: 'date-time' });

const matching = {
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'One action, or every action starting with it when it ends with "." (`directory.`)' })),
  actionPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Every action starting with this (`directory.`, `auth.signin`)' })),
  actorId: Type.Optional(Id),
  targetId: Type.Optional(Id),
  since: Type.Optional(instant),
  until: Type.Optional(instant),
};

const filter = {
  ...matching,
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
};

export const AuditQuery = Query(filter);
export type AuditQuery = Static<typeof AuditQuery>;

/** Staff read the whole log, or one organization's. */
export const StaffAuditQuery = Query({ ...filter, orgId: Type.Optional(Id) });
export type StaffAuditQuery = Static<typeof StaffAuditQuery>;

/** The CSV export takes the same filters, without paging: the whole filtered log, newest first. */
export const AuditCsvQuery = Query(matching);
export type AuditCsvQuery = Static<typeof AuditCsvQuery>;
export const StaffAuditCsvQuery = Query({ ...matching, orgId: Type.Optional(Id) });
export type StaffAuditCsvQuery = Static<typeof StaffAuditCsvQuery>;

export const AuditEntry = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  at: Type.String(),
  orgId: Nullable(Type.String()),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  /** The actor's name as this organization knows it; null when it has none to show (DIR-1). */
  actorName: Nullable(Type.String()),
  action: Type.String(),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  /** The target's name inside the entry's organization; null when gone or not the organization's. */
  targetName: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  details: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = Page(AuditEntry);
export type AuditPage = Static<typeof AuditPage>;
