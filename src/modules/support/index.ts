export {
  addBusinessHours,
  CLOSING_HOUR,
  federalHolidays,
  type FederalHoliday,
  formatSupportTime,
  formatSupportTimeForPeople,
  isBusinessDay,
  isBusinessTime,
  MAX_BUSINESS_HOURS,
  nextOpening,
  OPENING_HOUR,
  SUPPORT_ZONE,
} from './calendar.ts';
export {
  ARTICLE_MARKDOWN_MAX,
  ARTICLE_TITLE_MAX,
  type ArticleInput,
  createKnowledgeBase,
  type KnowledgeBase,
  type KnowledgeBaseDeps,
  NOTES_MAX,
  SEARCH_MAX,
  SLUG_MAX,
  SLUG_PATTERN,
  SYSTEM_MAX,
  type SystemVersionInput,
  TAG_PATTERN,
  TAGS_MAX,
  VERSION_MAX,
} from './kb.service.ts';
export { KbErrors } from './kb.errors.ts';
export type { ArticleSummaryView, ArticleView, ProtocolView, SupportedView, SystemVersionView } from './kb.views.ts';
export type { KnowledgeBaseTables } from './kb.tables.ts';
export { createSupport, type Support } from './support.service.ts';
export type { SupportConfig, SupportDeps, SupportPeople, SupportPerson, SupportMember, SupportOrganization, KnowledgeBaseLookup, ArticleSuggestion, SystemVersionStatus } from './support.deps.ts';
export type { InboundAttachment, InboundMail, InboundOutcome } from './inbound.types.ts';
export { SupportErrors } from './support.errors.ts';
export { businessMsBetween } from './calendar.ts';
export { eligibilityOf, freeSupportEnds, FREE_FULL_SUPPORT_DAYS, type Eligibility } from './eligibility.ts';
export { MACROS, type Macro, type StaffTicketView } from './desk.service.ts';
export type { TargetsView } from './settings.service.ts';
export type { VerificationRequestView } from './verifications.service.ts';
export { type AttachmentInput, MAX_ATTACHMENTS } from './tickets.core.ts';
export { BODY_MAX, SUBJECT_MAX, SYSTEM_VERSION_MAX, type OpenTicketInput, type ReplyInput } from './tickets.service.ts';
export {
  CLOSE_REASONS,
  CLOSE_REASON_NAMES,
  type CloseReason,
  ENVIRONMENTS,
  PRIORITIES,
  TICKET_STATUSES,
  VERIFICATION_ACTIONS,
  type MessageView,
  type TicketSummary,
  type TicketView,
  type VerificationView,
} from './support.views.ts';
export { createSupportPersonalData } from './personal-data.ts';
