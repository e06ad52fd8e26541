export { createPrivacy, type Privacy } from './privacy.service.ts';
export type { PrivacyConfig, PrivacyDeps } from './privacy.deps.ts';
export { PrivacyErrors } from './privacy.errors.ts';
export type { Subject, SubjectType, PurposeState, ConsentEventView, ConsentChange } from './consent.service.ts';
export { PURPOSES, PURPOSE_NAMES, GPC_PURPOSES, CONSENT_SOURCES, isPurpose, type Purpose, type ConsentSource } from './purposes.ts';
export { truncateIp } from './ip.ts';
