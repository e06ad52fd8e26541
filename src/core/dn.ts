/**
 * Distinguished names as strings (RFC 4514): escaping an attribute value for a DN, and reading a
 * DN back into its relative names. Used by LDIF export and import, and by the LDAP edge.
 */

/** RFC 4514 §2.4: the characters escaped anywhere, and the ones escaped at the start or the end. */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters RFC 4514 escapes
const SPECIAL = /[\\,+"<>;=\u0000]/g;

export function escapeDnValue(value: string): string {
  let v = value.replace(SPECIAL, (c) => (c === '\u0000' ? '\\00' : `\\${c}`));
  if (v.startsWith(' ') || v.startsWith('#')) v = `\\${v}`;
  if (v.endsWith(' ') && !v.endsWith('\\ ')) v = `${v.slice(0, -1)}\\ `;
  return v;
}

export interface Rdn {
  type: string;
  value: string;
}

/**
 * The relative names of a DN, leftmost first, with their values unescaped (`\,` and `\2C` alike);
 * multi-valued RDNs (`a=1+b=2`) keep only their first pair. Undefined for a string that is not a DN.
 */
export function parseDn(dn: string): Rdn[] | undefined {
  const rdns: Rdn[] = [];
  let i = 0;
  const n = dn.length;
  if (dn.trim() === '') return [];
  while (i < n) {
    while (i < n && dn[i] === ' ') i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) return undefined;
    const type = dn.slice(i, eq).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/.test(type)) return undefined;
    i = eq + 1;
    let value = '';
    let first = true;
    for (; i < n; i++) {
      const c = dn[i] as string;
      if (c === '\\') {
        const hex = dn.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
          // A run of \XX escapes is UTF-8 bytes.
          const bytes: number[] = [];
          while (dn[i] === '\\' && /^[0-9A-Fa-f]{2}$/.test(dn.slice(i + 1, i + 3))) {
            bytes.push(parseInt(dn.slice(i + 1, i + 3), 16));
            i += 3;
          }
          value += Buffer.from(bytes).toString('utf8');
          i--;
        } else if (i + 1 < n) {
          value += dn[i + 1];
          i++;
        } else return undefined;
      } else if (c === ',' || c === ';') break;
      else if (c === '+') {
        // A multi-valued RDN: skip to the next unescaped comma.
        while (i < n && dn[i] !== ',') i += dn[i] === '\\' ? 2 : 1;
        break;
      } else if (c === '"' && first) return undefined;
      else value += c;
      first = false;
    }
    rdns.push({ type: type.toLowerCase(), value: value.replace(/^ +| +$/g, (m) => m) });
    i++;
  }
  return rdns;
}

/** PRO-1: the DN a service account binds to LDAP as (the LDAP edge and the API both write it). */
export const serviceAccountDn = (name: string, orgSlug: string, suffix: string): string => `uid=${escapeDnValue(name)},ou=services,o=${escapeDnValue(orgSlug)},${suffix}`;
