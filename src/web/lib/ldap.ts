// PRO-1: the configurations a Linux host needs to read the organization's directory over LDAP,
// written from what the server says of itself (GET …/ldap), ready to paste.
import type { LdapSettings } from '../api.ts';

/** Where the configurations expect the downloaded CA certificate (its download name, among the system's certificates). */
export const CA_PATH = '/etc/ssl/certs/castellan-ldap-ca.pem';
/** The secret never goes into a configuration shown on screen: the admin pastes it in on the host. */
export const SECRET_PLACEHOLDER = '<service account secret>';

type Where = Pick<LdapSettings, 'host' | 'ldapsPort' | 'baseDn' | 'peopleDn' | 'groupsDn' | 'servicesDn'>;

/** The DN to bind as: the chosen service account's, or a placeholder in its shape. */
export const bindDnOr = (s: Where, dn: string | null | undefined) => dn ?? `uid=<service account>,${s.servicesDn}`;

/** A host in a URI: an IPv6 address goes in brackets (RFC 3986 §3.2.2). */
const uriHost = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** Plain LDAP, on which clients start TLS (StartTLS). */
export const ldapUri = (s: Pick<LdapSettings, 'host' | 'port'>) => `ldap://${uriHost(s.host)}:${s.port}`;

/** LDAPS (TLS from the first byte), as both configurations use it. */
export const ldapsUri = (s: Pick<LdapSettings, 'host' | 'ldapsPort'>) => `ldaps://${uriHost(s.host)}:${s.ldapsPort}`;

/** SSSD's domain for the organization: its slug, as the base DN `o=<slug>,…` names it. */
export const sssdDomain = (baseDn: string) => /^o=([a-z0-9-]+),/.exec(baseDn)?.[1] ?? 'castellan';

/** SSSD's /etc/sssd/sssd.conf: one LDAP domain named after the organization, over LDAPS, the server's certificate checked. */
export function sssdConf(s: Where, bindDn: string | null | undefined): string {
  const domain = sssdDomain(s.baseDn);
  return [
    '# /etc/sssd/sssd.conf, owned by root with mode 0600 (sssd refuses it otherwise)',
    `# The CA certificate goes in ${CA_PATH}.`,
    '[sssd]',
    'config_file_version = 2',
    'services = nss, pam',
    `domains = ${domain}`,
    '',
    `[domain/${domain}]`,
    'id_provider = ldap',
    'auth_provider = ldap',
    `ldap_uri = ${ldapsUri(s)}`,
    `ldap_search_base = ${s.baseDn}`,
    `ldap_user_search_base = ${s.peopleDn}`,
    `ldap_group_search_base = ${s.groupsDn}`,
    'ldap_schema = rfc2307bis',
    'ldap_group_member = member',
    `ldap_default_bind_dn = ${bindDnOr(s, bindDn)}`,
    'ldap_default_authtok_type = password',
    `ldap_default_authtok = ${SECRET_PLACEHOLDER}`,
    `ldap_tls_cacert = ${CA_PATH}`,
    'ldap_tls_reqcert = demand',
    'cache_credentials = true',
    'enumerate = false',
    '',
  ].join('\n');
}

/** nslcd's /etc/nslcd.conf (nss-pam-ldapd): users and groups from their own subtrees, over LDAPS, the server's certificate checked. */
export function nslcdConf(s: Where, bindDn: string | null | undefined): string {
  return [
    '# /etc/nslcd.conf, owned by root with mode 0600 (it holds the secret)',
    `# The CA certificate goes in ${CA_PATH}.`,
    '# In /etc/nsswitch.conf: "passwd: files ldap" and "group: files ldap".',
    'uid nslcd',
    'gid nslcd',
    `uri ${ldapsUri(s)}/`,
    `base ${s.baseDn}`,
    `base passwd ${s.peopleDn}`,
    `base group ${s.groupsDn}`,
    `binddn ${bindDnOr(s, bindDn)}`,
    `bindpw ${SECRET_PLACEHOLDER}`,
    'ssl on',
    'tls_reqcert demand',
    `tls_cacertfile ${CA_PATH}`,
    'nss_initgroups_ignoreusers ALLLOCAL',
    '',
  ].join('\n');
}
