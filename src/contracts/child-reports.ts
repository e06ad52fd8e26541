/** DSR-8: reports of a suspected child's account, from anyone, and for privacy staff. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Query, StrictObject, StringEnum } from './common.ts';

export const CHILD_REPORT_STATES = ['received', 'confirmed', 'erased', 'closed', 'dismissed'] as const;
export const CHILD_REPORT_OUTCOMES = ['erased', 'no_account', 'dismissed'] as const;
export const CHILD_DETAILS_MAX = 4000;
const REASON_MAX = 2000;

const nullable = Nullable(Type.String());

/** DSR-8: the public form: the address of the account, and why the reporter thinks a child holds it. */
export const ChildReportBody = StrictObject({
  accountEmail: Type.String({ minLength: 3, maxLength: 254, description: 'The email address of the account reported' }),
  details: Type.String({ minLength: 1, maxLength: CHILD_DETAILS_MAX, description: 'Why the reporter believes the account belongs to a child under 16' }),
});

/** All the reporter is told, whatever the address. */
export const ChildReportReceipt = Type.Object({ id: Type.String(), state: Type.Literal('received') });
export type ChildReportReceipt = Static<typeof ChildReportReceipt>;

export const ChildReportEvent = Type.Object({
  action: Type.String({ description: '`received`, `confirmed`, `opted_out`, `sessions_ended`, `erasure_scheduled`, `erased`, `closed` or `dismissed`' }),
  actor: StringEnum(['reporter', 'staff', 'system']),
  note: nullable,
  at: Type.String(),
});

/** DSR-8: a report as privacy staff see it. */
export const StaffChildReport = Type.Object({
  id: Type.String(),
  state: StringEnum(CHILD_REPORT_STATES),
  email: Type.String({ description: 'The reported address, lowercased (`[erased]:…` once erased)' }),
  accountId: Nullable(Type.String(), { description: 'The account that had the address when the report came in' }),
  details: nullable,
  outcome: Nullable(Type.String(), { description: '`erased`, `no_account` or `dismissed`, once the report is over' }),
  decidedBy: nullable,
  dismissReason: nullable,
  receivedAt: Type.String(),
  confirmedAt: nullable,
  eraseAt: Nullable(Type.String(), { description: 'When the erasure job runs: 24 hours after confirmation' }),
  erasedAt: nullable,
  dismissedAt: nullable,
  history: Type.Optional(Type.Array(ChildReportEvent)),
});
export const StaffChildReportPage = Type.Object({ items: Type.Array(StaffChildReport), nextCursor: nullable });

export const ChildReportParams = StrictObject({ reportId: Id });

export const ChildReportListQuery = Query({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const DismissChildReportBody = StrictObject({ reason: Type.String({ minLength: 1, maxLength: REASON_MAX, description: 'Why the report was found wrong; kept in its history' }) });
