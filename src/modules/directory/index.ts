export { createDirectory, type Directory } from './directory.service.ts';
export type { AccessHooks, DirectoryConfig, DirectoryDeps, MemberTermination, Page, ResourceHooks, ResourceRef } from './directory.deps.ts';
export { DirectoryErrors } from './directory.errors.ts';
export { decideFor, type AccessDecision, type AccessVia } from './access.service.ts';
export type { GroupView } from './groups.service.ts';
export { RESOURCE_KINDS, type ResourceKind, type ResourceView, type BindingView } from './resources.service.ts';
export { PLANS, FREE_USER_LIMIT, userLimit, type PlanState, type Plans } from './plans.service.ts';
export type { TransferFormat } from './transfer.formats.ts';
export type { ImportResult } from './transfer.service.ts';
export type { ImportedPasswords, KeptPassword } from './imported-passwords.service.ts';
export type { MemberView, OrganizationView, MembershipView, InvitationView } from './members.views.ts';
export type { MemberFacts } from './organizations.service.ts';
export type { InvitationLookup } from './invitations.service.ts';
export type { SignupInput, OrganizationInput } from './onboarding.service.ts';
export { validUsername, usernameFromEmail } from './posix.ts';
export type { DirectoryFilter } from './filter.ts';
export {
  GROUP_OBJECT_CLASSES,
  USER_OBJECT_CLASSES,
  givenNameOf,
  surnameOf,
  type DirectoryGroupEntry,
  type DirectoryQuery,
  type DirectoryUserEntry,
  type SearchOptions,
  type SearchPage,
} from './query.ts';
export type { ServiceAccountView } from './service-accounts.service.ts';
export { createDirectoryPersonalData } from './personal-data.ts';
// DSR-6: an organization's deletion.
export { createOrgDeletion, type OrgDeletion } from './org-deletion.module.ts';
export { OrgDeletionErrors } from './org-deletion.errors.ts';
export type { OrgDeletionDeps } from './org-deletion.deps.ts';
export type { FederatedMember } from './federation.service.ts';
export type { ScimGroupInput, ScimGroupRecord, ScimSearch, ScimUserInput, ScimUserRecord, Precondition } from './scim.service.ts';
export type { ScimTokenView } from './scim-tokens.service.ts';
export { SCIM_FILTER_PATHS } from './query.ts';
export { SCIM_SORT_KEYS } from './scim.repository.ts';
export { SCIM_DEPROVISION_KIND, scheduleScimDeprovision, scimDeprovisionJob } from './scim.job.ts';
export { accountsWithMembershipIn, activeAdminsOf } from './org-people.repository.ts';
