// The organization's directory over LDAP (PRO-1): where it is served, and the service accounts of
// its LDAP applications.
import type { LdapSettings } from '../../contracts/ldap.ts';
import type { CreateServiceAccountBody, ServiceAccount } from '../../contracts/resources.ts';
import { authed, enc, org, request } from './client.ts';

export type { LdapApplication, LdapSettings } from '../../contracts/ldap.ts';
export type { ServiceAccount } from '../../contracts/resources.ts';

/** A service account as made: its secret is answered this once. */
export type CreatedServiceAccount = ServiceAccount & { secret: string };

/** Where the CA certificate downloads from (a link: the browser saves the file itself, with the session's cookie). */
export const ldapCaCertificateUrl = (orgId: string) => `${org(orgId)}/ldap/ca.pem`;

export const ldapApi = {
  ldapSettings: (orgId: string) => request<LdapSettings>('GET', `${org(orgId)}/ldap`, authed),
  serviceAccounts: (orgId: string, resourceId: string) =>
    request<{ items: ServiceAccount[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/service-accounts`, authed),
  createServiceAccount: (orgId: string, resourceId: string, input: CreateServiceAccountBody) =>
    request<CreatedServiceAccount>('POST', `${org(orgId)}/resources/${enc(resourceId)}/service-accounts`, { body: input, ...authed }),
  deleteServiceAccount: (orgId: string, resourceId: string, serviceAccountId: string) =>
    request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}/service-accounts/${enc(serviceAccountId)}`, authed),
};
