export {
  createPersonalDataRegistry,
  emptyErasure,
  erasedMark,
  exportRows,
  keptErasure,
  addErasure,
  ORG_ERASURE_BATCH_ROWS,
  RETENTION_EXCEPTIONS,
  type OrganizationErasure,
  type OrganizationErasureStep,
  type OrganizationErasureOptions,
  type OrganizationErasureRun,
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
export type { PrivacyMail, PrivacyMailOutcome } from './requests.inbound.ts';
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
export type { DirectMarketingAnswer, OptOutRecorder, RightsConfig, RightsDeps, RightsLedger, RightsPeople, RightsStaff } from './rights.deps.ts';
export { RightsErrors } from './rights.errors.ts';
// DSR-2, DSR-3: verification and authorized agents.
export type { RightsVerificationPorts } from './rights.deps.ts';
export { type DataPointFacts, DATA_POINT_KEYS, MAX_FAILED_ATTEMPTS, SENSITIVE_CATEGORIES } from './verification.rules.ts';
export { AUTHORIZATION_MAX_BYTES } from './agents.authorization.ts';
export type { ChecklistView } from './verification.views.ts';
export { createVerificationPersonalData } from './verification.personal-data.ts';
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
// DSR-1, DSR-5: fulfilment of verified requests (the access archive, the know answer, corrections, deletion and its certificate).
export { createFulfilmentPersonalData } from './fulfilment.personal-data.ts';
export { ARCHIVE_LINK_MS, CERTIFICATE_LINK_MS, SWEEP_DELAY_MS, type AdministeringOrganization, type FulfilmentPorts, type LedgerRecipient } from './fulfilment.deps.ts';
export { CORRECTABLE_FIELDS, CORRECTION_VALUE_MAX } from './fulfilment.correct.ts';
export { TABLE_CATEGORIES, CATEGORIES } from './categories.ts';
export { parseCsv, unzip } from './archive.ts';
export { digestOf, type DeletionCertificate } from './certificate.ts';
export type { FulfilmentView } from './requests.fulfilment.ts';
