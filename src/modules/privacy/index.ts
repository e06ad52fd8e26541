export { createPrivacy, type Privacy } from './privacy.service.ts';
export type { PrivacyConfig, PrivacyDeps, PrivacyPeople, CustomerContact } from './privacy.deps.ts';
export { PrivacyErrors } from './privacy.errors.ts';
export type { Subject, SubjectType, AddressSubject, ConsentSubject, PurposeState, ConsentEventView, ConsentChange } from './consent.service.ts';
export { PURPOSES, PURPOSE_NAMES, GPC_PURPOSES, CONSENT_SOURCES, isPurpose, type Purpose, type ConsentSource } from './purposes.ts';
export { truncateIp } from './ip.ts';
export {
  DATA_CATEGORIES,
  DATA_CATEGORY_NAMES,
  RECIPIENT_KINDS,
  RECIPIENT_KIND_LABELS,
  isDataCategory,
  isRecipientKind,
  type DataCategory,
  type RecipientKind,
} from './disclosures.categories.ts';
export type { DisclosureEntry, DisclosureView } from './disclosures.views.ts';
export type { Disclosures, DisclosureQuery, LegalRequestInput, DirectMarketingRecipient, DirectMarketingReport } from './disclosures.service.ts';
export type { Policies, PublishInput, PublishedPolicyView } from './policies.service.ts';
export { TITLE_MAX as POLICY_TITLE_MAX, SUMMARY_MAX as POLICY_SUMMARY_MAX, MARKDOWN_MAX as POLICY_MARKDOWN_MAX } from './policies.service.ts';
export type { Marketing, UnsubscribeStatus } from './marketing.service.ts';
export { LIST_PATTERN, CAMPAIGN_LIMITS, type CampaignInput, type CampaignView } from './marketing.campaigns.ts';
export { CONTACT_PURPOSES, type ContactPurpose, type ContactFormat } from './marketing.contacts.ts';
export { MARKETING_TOKEN_DAYS } from './marketing.tokens.ts';
export { createPrivacyPersonalData } from './personal-data.ts';
