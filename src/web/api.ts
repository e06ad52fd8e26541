// Castellan's HTTP API for the web app: the client core (api/client.ts) and one file per area
// (api/*.ts). Every type the API answers or takes comes from the server's own contracts
// (src/contracts, type-only imports), so the pages and the server cannot disagree.
import { accountsApi } from './api/accounts.ts';
import { auditApi } from './api/audit.ts';
import { billingApi } from './api/billing.ts';
import { consentApi } from './api/consent.ts';
import { deskApi } from './api/desk.ts';
import { disclosuresApi } from './api/disclosures.ts';
import { groupsApi } from './api/groups.ts';
import { invitationsApi } from './api/invitations.ts';
import { ldapApi } from './api/ldap.ts';
import { meApi } from './api/me.ts';
import { organizationsApi } from './api/organizations.ts';
import { plansApi } from './api/plans.ts';
import { policiesApi } from './api/policies.ts';
import { resourcesApi } from './api/resources.ts';
import { supportApi } from './api/support.ts';
import { usersApi } from './api/users.ts';

export { ApiError, NETWORK_MESSAGE, setCsrfToken, setUnauthorizedHandler, toApiError, type Download } from './api/client.ts';
export type { OrgRole, Organization, Page, Problem, User } from '../contracts/common.ts';
export type * from './api/accounts.ts';
export type * from './api/audit.ts';
export type * from './api/billing.ts';
export type * from './api/consent.ts';
export type * from './api/desk.ts';
export type * from './api/disclosures.ts';
export type * from './api/groups.ts';
export type * from './api/invitations.ts';
export type * from './api/ldap.ts';
export { ldapCaCertificateUrl } from './api/ldap.ts';
export type * from './api/me.ts';
export type * from './api/plans.ts';
export type * from './api/policies.ts';
export type * from './api/resources.ts';
export type * from './api/support.ts';
export type * from './api/users.ts';
export { kbApi, type KbArticle, type KbArticleInput, type KbArticleSummary, type KbSupported, type KbSystemVersion, type KbSystemVersionInput } from './api/kb.ts';

/** Every call but the knowledge base's (`kbApi`), as one object. */
export const api = {
  ...consentApi,
  ...meApi,
  ...accountsApi,
  ...auditApi,
  ...invitationsApi,
  ...usersApi,
  ...groupsApi,
  ...resourcesApi,
  ...ldapApi,
  ...organizationsApi,
  ...billingApi,
  ...plansApi,
  ...disclosuresApi,
  ...policiesApi,
  ...supportApi,
  ...deskApi,
};
