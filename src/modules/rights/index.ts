export {
  createPersonalDataRegistry,
  emptyErasure,
  erasedMark,
  exportRows,
  keptErasure,
  RETENTION_EXCEPTIONS,
  type DataSubject,
  type ErasureOutcome,
  type ErasureReason,
  type PersonalDataExport,
  type PersonalDataHandler,
  type PersonalDataRegistry,
  type RetentionException,
  type TableErasure,
  type WithheldColumn,
} from './registry.ts';
// DSR-1, DSR-4, DSR-5: data-subject requests (intake, deadlines, the staff desk, the request log).
export { createPrivacyRequests, type PrivacyRequests } from './requests.module.ts';
export { createRequestsPersonalData } from './requests.personal-data.ts';
export { answerDue, type BusinessCalendar, deadlinesOf, REGIMES, type Regime } from './deadlines.ts';
export {
  CHANNELS,
  DETAILS_MAX,
  OUTCOMES,
  REASON_MAX,
  REQUEST_KINDS,
  REQUEST_STATES,
  type Channel,
  type Outcome,
  type RequestKind,
  type RequestState,
  type RequestView,
  type StaffRequestView,
} from './requests.views.ts';
export type { OptOutRecorder, RightsConfig, RightsDeps, RightsPeople, RightsStaff } from './rights.deps.ts';
export { RightsErrors } from './rights.errors.ts';
// DSR-8: reports of a suspected child's account.
export { createChildReports, type ChildReports } from './child-reports.module.ts';
export { createChildReportsPersonalData } from './child-reports.personal-data.ts';
export type { ChildAccountPorts } from './child-reports.steps.ts';
export {
  CHILD_DETAILS_MAX,
  CHILD_REPORT_OUTCOMES,
  CHILD_REPORT_STATES,
  ERASURE_DELAY_MS,
  type ChildReportOutcome,
  type ChildReportReceipt,
  type ChildReportState,
  type StaffChildReportView,
} from './child-reports.views.ts';
export type { ReportFigures, YearReport } from './requests.report.ts';
