/**
 * PRO-1: an organization's slug, the name of its LDAP subtree (`o=<slug>,<suffix>`): lower-case
 * ASCII letters, digits and single hyphens, at most 48 characters, made from the organization's
 * name once (accents dropped). A name with nothing usable in it gives `org`.
 */
export function slugFrom(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return s || 'org';
}
