/** Organization governance (GOV-1..GOV-5): the module's public face. */
export { controllerOf } from './controls.repository.ts';
export { addNotice, type NewNotice } from './notices.repository.ts';
export { createEmailChangeRequests, type EmailChangePeople, type EmailChangeRequests, type EmailChangeRequestsDeps } from './email-change-requests.service.ts';
export { createEmailChangeRequestsPersonalData } from './email-change-requests.personal-data.ts';
export { createTermination, type Termination } from './termination.ts';
// GOV-2, GOV-3: domains, control over accounts, in-app notices.
export { createGovernance, type Governance } from './governance.module.ts';
export type { GovernanceDeps, GovernancePeople } from './governance.deps.ts';
export { GovernanceErrors } from './governance.errors.ts';
export { createGovernancePersonalData } from './personal-data.ts';
export { dnsTxtLookup, type TxtLookup } from './dns-check.ts';
export { DOMAIN_RECHECK_KIND, scheduleDomainRecheck } from './domains.job.ts';
export { isPublicMailDomain } from './public-mail-domains.ts';
export { createIntegrationsModule, type IntegrationsModule } from './integrations.module.ts';
export { createIntegrationsPersonalData } from './integrations.personal-data.ts';
export type { IntegrationLedger, IntegrationApplications } from './integrations.deps.ts';
