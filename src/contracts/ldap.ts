/** PRO-1: how an organization's directory is reached over LDAP (the console's LDAP page). */
import { type Static, Type } from 'typebox';

/** An application resource whose settings name the LDAP protocol: service accounts are made under one. */
export const LdapApplication = Type.Object({ id: Type.String(), name: Type.String() });
export type LdapApplication = Static<typeof LdapApplication>;

export const LdapSettings = Type.Object({
  enabled: Type.Boolean({ description: 'whether the LDAP listeners run on this server (CASTELLAN_LDAP_ENABLED)' }),
  host: Type.String({ description: 'the host name clients dial: the host of CASTELLAN_PUBLIC_URL, which the generated certificate names' }),
  port: Type.Integer({ description: 'the plain LDAP port, with StartTLS' }),
  ldapsPort: Type.Integer({ description: 'the LDAPS port (TLS from the first byte)' }),
  plainBindAllowed: Type.Boolean({ description: 'whether a simple bind without TLS is accepted (CASTELLAN_LDAP_ALLOW_PLAIN_BIND)' }),
  suffix: Type.String({ description: 'the root of the tree (CASTELLAN_LDAP_SUFFIX)' }),
  baseDn: Type.String({ description: "the organization's subtree: o=<slug>,<suffix>" }),
  peopleDn: Type.String(),
  groupsDn: Type.String(),
  servicesDn: Type.String(),
  caCertificate: Type.Boolean({ description: 'whether GET …/ldap/ca.pem answers the CA certificate clients trust' }),
  applications: Type.Array(LdapApplication, { description: "the organization's LDAP applications, by name" }),
});
export type LdapSettings = Static<typeof LdapSettings>;

/** The CA certificate as a PEM file. */
export const PemFile = Type.String();
