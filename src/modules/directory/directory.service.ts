import { createAccess } from './access.service.ts';
import { createCallers } from './callers.service.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import { createFederationView } from './federation.service.ts';
import { createGroups } from './groups.service.ts';
import { createImportedPasswords } from './imported-passwords.service.ts';
import { createInvitations } from './invitations.service.ts';
import { createLdapView } from './ldap.service.ts';
import { createServiceAccounts } from './service-accounts.service.ts';
import { createMembers } from './members.service.ts';
import { createOnboarding } from './onboarding.service.ts';
import { createOrganizations } from './organizations.service.ts';
import { createOrgSearch } from './org-search.service.ts';
import { createPlans } from './plans.service.ts';
import { createDirectoryQuery } from './query.ts';
import { createResources } from './resources.service.ts';
import { createScimProvisioning } from './scim.service.ts';
import { createScimTokens } from './scim-tokens.service.ts';
import { createTransfer } from './transfer.service.ts';

export function createDirectory(deps: DirectoryDeps) {
  const invitations = createInvitations(deps);
  const importedPasswords = createImportedPasswords(deps);
  const members = createMembers(deps, invitations);
  const access = createAccess(deps);
  return {
    /** The API calls them users: an organization's memberships. */
    users: members,
    invitations,
    onboarding: createOnboarding(deps),
    callers: createCallers(deps, importedPasswords),
    organizations: createOrganizations(deps),
    groups: createGroups(deps),
    resources: createResources(deps),
    access,
    /** PRO-1: the directory as the LDAP edge sees it. */
    ldap: createLdapView(deps),
    /** PRO-2: the directory as the OpenID Provider sees it. */
    federation: createFederationView(deps),
    /** PRO-1: the identities systems and applications bind to LDAP with. */
    serviceAccounts: createServiceAccounts(deps),
    plans: createPlans(deps),
    /** PRO-1, PRO-4: the directory query language: users and groups searched with a filter, a page at a time. */
    query: createDirectoryQuery(deps),
    /** Staff find organizations by name. */
    orgSearch: createOrgSearch(deps),
    transfer: createTransfer(deps, invitations),
    /** DIR-5, ACC-2: the password hashes an import kept, for the credential check of a member's first sign-in or bind. */
    importedPasswords,
    /** PRO-4: SCIM provisioning of users and groups, and the tokens it is done with. */
    scim: createScimProvisioning(deps, invitations, members),
    scimTokens: createScimTokens(deps),
  };
}

export type Directory = ReturnType<typeof createDirectory>;
