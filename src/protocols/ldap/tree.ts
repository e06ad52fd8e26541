/**
 * PRO-1: the LDAP tree Castellan shows, fixed in shape (as lldap's):
 *
 *   <suffix>                                   dc=castellan by default
 *     o=<org slug>                             one per organization; a caller sees only its own
 *       ou=people   uid=<username>             inetOrgPerson + posixAccount (+ shadowAccount)
 *       ou=groups   cn=<group name>            groupOfNames + posixGroup
 *       ou=services uid=<name>                 service accounts: they bind, they are not listed
 *
 * plus the RootDSE (the empty DN) and the subschema entry. DNs are read and written per RFC 4514
 * (src/core/dn.ts); attribute types are case-insensitive.
 */
import { createHash } from 'node:crypto';
import { escapeDnValue, parseDn, serviceAccountDn } from '../../core/dn.ts';
import type { DirectoryFilter } from '../../modules/directory/index.ts';

export type Place =
  | { kind: 'rootDse' }
  | { kind: 'subschema' }
  | { kind: 'suffix' }
  | { kind: 'org'; slug: string }
  | { kind: 'ou'; slug: string; ou: 'people' | 'groups' }
  | { kind: 'user'; slug: string; username: string }
  | { kind: 'group'; slug: string; name: string }
  /** A service account's DN: it binds, but is no entry of the tree. */
  | { kind: 'service'; slug: string; name: string }
  /** A DN under no entry of this tree. */
  | { kind: 'elsewhere' };

export const SUBSCHEMA_DN = 'cn=Subschema';

/** Where a DN points; undefined when the text is not a DN (invalidDNSyntax). */
export function placeOf(dn: string, suffix: string): Place | undefined {
  if (dn.trim() === '') return { kind: 'rootDse' };
  const rdns = parseDn(dn);
  const base = parseDn(suffix);
  if (!rdns || !base) return undefined;
  if (rdns.length === 1 && eq(rdns[0]?.type, 'cn') && eq(rdns[0]?.value, 'subschema')) return { kind: 'subschema' };
  const extra = rdns.length - base.length;
  if (extra < 0) return { kind: 'elsewhere' };
  for (let i = 0; i < base.length; i++) {
    const a = rdns[extra + i];
    const b = base[i];
    if (!a || !b || !eq(a.type, b.type) || !eq(a.value, b.value)) return { kind: 'elsewhere' };
  }
  if (extra === 0) return { kind: 'suffix' };
  const o = rdns[extra - 1];
  if (!o || !eq(o.type, 'o')) return { kind: 'elsewhere' };
  const slug = o.value.toLowerCase();
  if (extra === 1) return { kind: 'org', slug };
  const unit = rdns[extra - 2];
  const which = unit && eq(unit.type, 'ou') ? unit.value.toLowerCase() : undefined;
  if (which === 'services' && extra === 3 && rdns[0] && eq(rdns[0].type, 'uid')) return { kind: 'service', slug, name: rdns[0].value.toLowerCase() };
  if (which !== 'people' && which !== 'groups') return { kind: 'elsewhere' };
  if (extra === 2) return { kind: 'ou', slug, ou: which };
  if (extra > 3) return { kind: 'elsewhere' };
  const entry = rdns[0];
  if (which === 'people' && entry && eq(entry.type, 'uid')) return { kind: 'user', slug, username: entry.value };
  if (which === 'groups' && entry && eq(entry.type, 'cn')) return { kind: 'group', slug, name: entry.value };
  return { kind: 'elsewhere' };
}

const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export const orgDn = (slug: string, suffix: string) => `o=${escapeDnValue(slug)},${suffix}`;
export const ouDn = (slug: string, ou: 'people' | 'groups', suffix: string) => `ou=${ou},${orgDn(slug, suffix)}`;
export const userDn = (username: string, slug: string, suffix: string) => `uid=${escapeDnValue(username)},${ouDn(slug, 'people', suffix)}`;
export const serviceDn = serviceAccountDn;
export const groupDn = (name: string, slug: string, suffix: string) => `cn=${escapeDnValue(name)},${ouDn(slug, 'groups', suffix)}`;

/** An entry as the search answers it: its DN and attributes, each flagged user or operational. */
export interface Entry {
  dn: string;
  attributes: Attribute[];
}
export interface Attribute {
  type: string;
  values: string[];
  operational?: boolean;
}

/** RFC 4530's entryUUID for an id that is not a UUID: a name-based (version 5 style) UUID of it, stable forever. */
export function entryUuid(id: string): string {
  const h = createHash('sha1').update(`castellan:${id}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * The attributes a search asked for (RFC 4511 §4.5.1.8): none listed or `*` means every user
 * attribute, `+` every operational one (RFC 3673), `1.1` none, and names pick theirs whatever
 * their case. Operational attributes are never sent unless asked for.
 */
export function selectAttributes(attributes: Attribute[], requested: string[]): Attribute[] {
  const names = requested.map((r) => r.toLowerCase());
  const all = names.length === 0 || names.includes('*');
  const ops = names.includes('+');
  const named = new Set(names);
  return attributes.filter((a) => {
    const n = a.type.toLowerCase();
    if (named.has(n)) return true;
    return a.operational ? ops : all;
  });
}

/** Whether the caller asked for an attribute by name (or for all operational ones): memberOf is only computed then. */
export function asked(requested: string[], type: string, operational: boolean): boolean {
  const names = requested.map((r) => r.toLowerCase());
  if (names.includes(type.toLowerCase())) return true;
  return operational ? names.includes('+') : names.length === 0 || names.includes('*');
}

/**
 * The filter evaluated against one of the tree's fixed entries (the RootDSE, an organization, an
 * organizational unit), in memory: they are a handful of attributes. Users and groups are
 * filtered in SQL by the directory module. Undefined (an unknown attribute) counts as false, and
 * a NOT of it stays false (RFC 4511 §4.5.1.7).
 */
export function matchesFixed(filter: DirectoryFilter, attributes: Attribute[]): boolean {
  return evaluate(filter, attributes) === true;
}

function evaluate(f: DirectoryFilter, attrs: Attribute[]): boolean | undefined {
  const valuesOf = (type: string) => attrs.find((a) => a.type.toLowerCase() === type.toLowerCase())?.values;
  switch (f.type) {
    case 'and': {
      let result: boolean | undefined = true;
      for (const sub of f.filters) {
        const r = evaluate(sub, attrs);
        if (r === false) return false;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: boolean | undefined = false;
      for (const sub of f.filters) {
        const r = evaluate(sub, attrs);
        if (r === true) return true;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case 'not': {
      const r = evaluate(f.filter, attrs);
      return r === undefined ? undefined : !r;
    }
    case 'present':
      return valuesOf(f.attribute) !== undefined;
    case 'equal':
    case 'approx': {
      const vs = valuesOf(f.attribute);
      return vs === undefined ? undefined : vs.some((v) => v.toLowerCase() === f.value.toLowerCase());
    }
    case 'greaterOrEqual':
    case 'lessOrEqual': {
      const vs = valuesOf(f.attribute);
      if (vs === undefined) return undefined;
      const a = f.value.toLowerCase();
      return vs.some((v) => (f.type === 'greaterOrEqual' ? v.toLowerCase() >= a : v.toLowerCase() <= a));
    }
    case 'substrings': {
      const vs = valuesOf(f.attribute);
      if (vs === undefined) return undefined;
      return vs.some((v) => substringMatch(v.toLowerCase(), f.initial?.toLowerCase(), f.any.map((s) => s.toLowerCase()), f.final?.toLowerCase()));
    }
    case 'extensible':
      return undefined;
  }
}

function substringMatch(v: string, initial: string | undefined, any: string[], final: string | undefined): boolean {
  let at = 0;
  if (initial !== undefined) {
    if (!v.startsWith(initial)) return false;
    at = initial.length;
  }
  for (const part of any) {
    const i = v.indexOf(part, at);
    if (i < 0) return false;
    at = i + part.length;
  }
  return final === undefined || (v.length - final.length >= at && v.endsWith(final));
}
