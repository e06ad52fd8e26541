/**
 * PRO-1: directory objects as LDAP entries. Users are inetOrgPerson + posixAccount (+ shadowAccount)
 * and groups groupOfNames + posixGroup, as nslcd and SSSD expect them (RFC 2307, RFC 2798).
 */
import { parseDn } from '../../core/dn.ts';
import type { LdapGroup, LdapUser } from './port.ts';
import { type Attribute, type Entry, entryUuid, groupDn, orgDn, ouDn, userDn } from './tree.ts';

const words = (name: string) => name.trim().split(/\s+/).filter(Boolean);

/**
 * What an entry is built with. `uuid: false` leaves out entryUUID (a SHA-1 of the id each time), for
 * a search that did not ask for it: operational, it would not be sent anyway.
 */
export interface EntryOptions {
  uuid?: boolean;
}

export function userEntry(u: LdapUser, slug: string, suffix: string, opts: EntryOptions = {}): Entry {
  const w = words(u.name);
  const attributes: Attribute[] = [
    { type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'posixAccount', 'shadowAccount'] },
    { type: 'uid', values: [u.username] },
    { type: 'cn', values: [u.name] },
    { type: 'sn', values: [w.at(-1) ?? u.name] },
    ...(w.length > 1 ? [{ type: 'givenName', values: [w[0] as string] }] : []),
    { type: 'displayName', values: [u.name] },
    { type: 'mail', values: [u.email] },
    ...(u.uidNumber !== null ? [{ type: 'uidNumber', values: [String(u.uidNumber)] }] : []),
    ...(u.gidNumber !== null ? [{ type: 'gidNumber', values: [String(u.gidNumber)] }] : []),
    { type: 'homeDirectory', values: [u.homeDirectory ?? `/home/${u.username}`] },
    { type: 'loginShell', values: [u.loginShell ?? '/bin/bash'] },
    ...(opts.uuid !== false ? [{ type: 'entryUUID', values: [entryUuid(u.id)], operational: true }] : []),
    ...(u.groups ? [{ type: 'memberOf', values: u.groups.map((g) => groupDn(g, slug, suffix)), operational: true }] : []),
  ];
  return { dn: userDn(u.username, slug, suffix), attributes };
}

export function groupEntry(g: LdapGroup, slug: string, suffix: string, opts: EntryOptions = {}): Entry {
  const members = g.members ?? [];
  const attributes: Attribute[] = [
    { type: 'objectClass', values: ['top', 'groupOfNames', 'posixGroup'] },
    { type: 'cn', values: [g.name] },
    { type: 'gidNumber', values: [String(g.gidNumber)] },
    ...(g.description ? [{ type: 'description', values: [g.description] }] : []),
    ...(members.length > 0 ? [{ type: 'member', values: members.map((m) => userDn(m.username, slug, suffix)) }] : []),
    ...(members.length > 0 ? [{ type: 'memberUid', values: members.map((m) => m.username) }] : []),
    ...(opts.uuid !== false ? [{ type: 'entryUUID', values: [entryUuid(g.id)], operational: true }] : []),
  ];
  return { dn: groupDn(g.name, slug, suffix), attributes };
}

/** The suffix entry: dcObject + organization when it ends in a `dc=`, else an organization or unit. */
export function suffixEntry(suffix: string): Entry {
  const first = parseDn(suffix)?.[0];
  const type = first?.type.toLowerCase() ?? 'dc';
  const value = first?.value ?? '';
  const attributes: Attribute[] =
    type === 'dc'
      ? [
          { type: 'objectClass', values: ['top', 'dcObject', 'organization'] },
          { type: 'dc', values: [value] },
          { type: 'o', values: [value] },
        ]
      : [
          { type: 'objectClass', values: ['top', type === 'o' ? 'organization' : 'organizationalUnit'] },
          { type, values: [value] },
        ];
  return { dn: suffix, attributes };
}

export function orgEntry(slug: string, suffix: string): Entry {
  return {
    dn: orgDn(slug, suffix),
    attributes: [
      { type: 'objectClass', values: ['top', 'organization'] },
      { type: 'o', values: [slug] },
    ],
  };
}

export function ouEntry(slug: string, ou: 'people' | 'groups', suffix: string): Entry {
  return {
    dn: ouDn(slug, ou, suffix),
    attributes: [
      { type: 'objectClass', values: ['top', 'organizationalUnit'] },
      { type: 'ou', values: [ou] },
    ],
  };
}
