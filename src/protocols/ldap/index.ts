export { type LdapLog, type LdapOptions, type LdapServer, startLdap } from './server.ts';
export type { LdapGroup, LdapPort, LdapUser, Page, SearchOptions } from './port.ts';
export { type LdapTls, ldapCaCertificate, ldapTls } from './tls.ts';
