/**
 * The directory query language: a filter over the directory's attributes, in the shape of an
 * LDAP search filter (RFC 4511 §4.5.1, RFC 4515). The LDAP edge decodes its filters into it, and
 * SCIM filters are translated into it; the directory module compiles it to SQL (query.ts), so a
 * search never loads a directory into memory.
 *
 * Attribute names are the directory's LDAP names (uid, cn, mail, uidNumber, memberOf, member, …),
 * matched case-insensitively. Values are the assertion values as text (UTF-8).
 */
export type DirectoryFilter =
  | { type: 'and'; filters: DirectoryFilter[] }
  | { type: 'or'; filters: DirectoryFilter[] }
  | { type: 'not'; filter: DirectoryFilter }
  | { type: 'equal'; attribute: string; value: string }
  | { type: 'substrings'; attribute: string; initial?: string | undefined; any: string[]; final?: string | undefined }
  | { type: 'greaterOrEqual'; attribute: string; value: string }
  | { type: 'lessOrEqual'; attribute: string; value: string }
  | { type: 'present'; attribute: string }
  /** Approximate match: matched as equality. */
  | { type: 'approx'; attribute: string; value: string }
  /** Extensible match (RFC 4511 §4.5.1.7.7): not supported; compiling one is refused with `unsupportedFilter`. */
  | { type: 'extensible'; matchingRule?: string | undefined; attribute?: string | undefined; value: string; dnAttributes: boolean };
