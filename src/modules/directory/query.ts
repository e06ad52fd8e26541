import { type Expression, type SqlBool, sql } from 'kysely';
import { parseDn } from '../../core/dn.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { DialectName } from '../../db/schema.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { DirectoryFilter } from './filter.ts';
import { DEFAULT_SHELL, posixDefaults } from './posix.ts';
import * as repo from './query.repository.ts';
import type { Condition } from './query.repository.ts';

/**
 * The directory query language compiled to SQL (PRO-1, PRO-4): a filter in the shape of an LDAP
 * search filter (filter.ts) becomes the WHERE clause of a search over the organization's users or
 * groups, so a search reads what its indexes lead to and never loads a directory into memory.
 *
 * Filters have three values (RFC 4511 §4.5.1.7): TRUE, FALSE and Undefined, which an attribute the
 * directory does not know, or an assertion its matching rule cannot read, evaluates to. A compiled
 * filter is the pair of conditions under which it is TRUE and under which it is FALSE; a row
 * under neither is Undefined. NOT swaps the pair, so `(!(unknown=x))` is still Undefined, and an
 * entry matches only where its filter is TRUE. Each condition is a constant where it can be.
 */

/** Larger or deeper filters are refused: no client needs them, and they cost the database. */
export const MAX_FILTER_NODES = 1000;
export const MAX_FILTER_DEPTH = 32;

/** The object classes every user entry has, and every group entry. */
export const USER_OBJECT_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'posixAccount', 'shadowAccount'] as const;
export const GROUP_OBJECT_CLASSES = ['top', 'groupOfNames', 'posixGroup'] as const;

/** sn: the name's last word (the whole name when it is one word), as the LDIF export has it. */
export const surnameOf = (name: string): string => name.slice(name.lastIndexOf(' ') + 1) || name;
/** givenName: the name's first word, when the name has several; none otherwise. */
export const givenNameOf = (name: string): string | undefined => (name.indexOf(' ') > 0 ? name.slice(0, name.indexOf(' ')) : undefined);

// ---- three-valued logic --------------------------------------------------------------------------

type Pred = boolean | Condition;
/** Where a filter is TRUE, and where it is FALSE. */
interface Tri {
  t: Pred;
  f: Pred;
}
/** What one assertion compiles to: a two-valued condition (never NULL in SQL), or null for Undefined. */
type Leaf = Pred | null;

/**
 * The conditions joined by `op` as a balanced tree: SQLite parses `a or b or c …` into a chain as
 * deep as it is long, and refuses expressions deeper than 1000.
 */
function balanced(op: 'and' | 'or', cs: Condition[]): Condition {
  if (cs.length === 1) return cs[0] as Condition;
  const half = cs.length >> 1;
  return sql<SqlBool>`(${balanced(op, cs.slice(0, half))} ${sql.raw(op)} ${balanced(op, cs.slice(half))})`;
}

function allOf(ps: Pred[]): Pred {
  if (ps.includes(false)) return false;
  const rest = ps.filter((p): p is Condition => p !== true);
  return rest.length === 0 ? true : balanced('and', rest);
}

function anyOf(ps: Pred[]): Pred {
  if (ps.includes(true)) return true;
  const rest = ps.filter((p): p is Condition => p !== false);
  return rest.length === 0 ? false : balanced('or', rest);
}

const negate = (p: Pred): Pred => (typeof p === 'boolean' ? !p : sql<SqlBool>`not (${p})`);
const lift = (l: Leaf): Tri => (l === null ? { t: false, f: false } : { t: l, f: negate(l) });

// ---- attributes ----------------------------------------------------------------------------------

interface Substrings {
  initial?: string | undefined;
  any: string[];
  final?: string | undefined;
}

interface Attribute {
  equal(value: string): Leaf;
  substrings(s: Substrings): Leaf;
  order(op: '>=' | '<=', value: string): Leaf;
  present(): Leaf;
  /** Equality as a condition on one bound value, for the attributes whose `equal` is exactly that (see `keyedShape`). */
  keyed?: Keyed;
}

/**
 * An equality that binds one value: `equal(v)` is `condition(bind(v))` whenever `bind(v)` is
 * defined (undefined: the assertion is decided otherwise, e.g. an integer out of range).
 */
interface Keyed {
  bind(value: string): string | undefined;
  condition(bound: string): Condition;
}

/** What the dialects write differently. */
interface DialectSql {
  /** Compared by code point, whatever the database's collation. */
  binary(e: Expression<string>): Expression<string>;
  surname(name: Expression<string>): Expression<string>;
  givenName(name: Expression<string>): Expression<string | null>;
  /** Case-sensitive substrings: GLOB on SQLite (its LIKE ignores ASCII case), LIKE on PostgreSQL. */
  exactSubstrings(e: Expression<string>, s: Substrings): Condition;
}

const parts = (s: Substrings) => [s.initial ?? '', ...s.any, s.final ?? ''];
const likePattern = (s: Substrings) => parts(s).map((p) => p.replace(/[!%_]/g, (c) => `!${c}`)).join('%');
const globPattern = (s: Substrings) => parts(s).map((p) => p.replace(/[*?[]/g, (c) => `[${c}]`)).join('*');

const DIALECTS: Record<DialectName, DialectSql> = {
  sqlite: {
    binary: (e) => e,
    // The prefix up to the last space is what rtrim leaves once every other character is trimmed off.
    surname: (n) => sql<string>`coalesce(nullif(substr(${n}, length(rtrim(${n}, replace(${n}, ' ', ''))) + 1), ''), ${n})`,
    givenName: (n) => sql<string | null>`(case when instr(${n}, ' ') > 1 then substr(${n}, 1, instr(${n}, ' ') - 1) end)`,
    exactSubstrings: (e, s) => sql<SqlBool>`${e} glob ${globPattern(s)}`,
  },
  postgres: {
    binary: (e) => sql<string>`${e} collate "C"`,
    surname: (n) => sql<string>`coalesce(nullif(regexp_replace(${n}, '^.* ', ''), ''), ${n})`,
    givenName: (n) => sql<string | null>`(case when strpos(${n}, ' ') > 1 then substr(${n}, 1, strpos(${n}, ' ') - 1) end)`,
    exactSubstrings: (e, s) => sql<SqlBool>`${e} like ${likePattern(s)} escape '!'`,
  },
};

/**
 * How a text attribute's values compare: `stored`, already lower case in the column (usernames,
 * normalized addresses), so the assertion is lowered here and indexes serve equality; `ignore`,
 * lowered on both sides in SQL (caseIgnoreMatch); `exact` (caseExactIA5Match).
 */
type Fold = 'stored' | 'ignore' | 'exact';

function textAttribute(d: DialectSql, column: Expression<string | null>, fold: Fold, nullable = false): Attribute {
  const col = (fold === 'ignore' ? sql<string>`lower(${column})` : column) as Expression<string>;
  /** The value bound for an assertion, and how the statement reads it. */
  const bind = (v: string) => (fold === 'stored' ? v.toLowerCase() : v);
  const bound = (b: string) => (fold === 'ignore' ? sql<string>`lower(${b})` : sql<string>`${b}`);
  const val = (v: string) => bound(bind(v));
  // An entry without the attribute is FALSE, not NULL, so that NOT of it is TRUE.
  const guarded = (p: Condition): Condition => (nullable ? sql<SqlBool>`(${column} is not null and ${p})` : p);
  const keyed: Keyed = { bind, condition: (b) => guarded(sql<SqlBool>`${col} = ${bound(b)}`) };
  return {
    keyed,
    equal: (v) => keyed.condition(bind(v)),
    substrings: (s) => guarded(fold === 'exact' ? d.exactSubstrings(col, s) : sql<SqlBool>`${col} like ${val(likePattern(s))} escape '!'`),
    order: (op, v) => guarded(sql<SqlBool>`${d.binary(col)} ${sql.raw(op)} ${val(v)}`),
    present: () => (nullable ? sql<SqlBool>`${column} is not null` : true),
  };
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** integerMatch and integerOrderingMatch: an assertion that is not an integer is Undefined. */
function integerAttribute(column: Expression<number | null>, nullable: boolean): Attribute {
  const present = (): Leaf => (nullable ? sql<SqlBool>`${column} is not null` : true);
  /** The assertion as a 64-bit integer; null when it is no integer. */
  const parse = (v: string): bigint | null => {
    if (!/^-?\d+$/.test(v)) return null;
    const negative = v.startsWith('-');
    const digits = v.slice(negative ? 1 : 0).replace(/^0+(?=\d)/, '');
    return digits.length > 19 ? (negative ? INT64.min - 1n : INT64.max + 1n) : BigInt(negative ? `-${digits}` : digits);
  };
  const condition = (op: '=' | '>=' | '<=', bound: string): Condition => {
    const p = sql<SqlBool>`${column} ${sql.raw(op)} cast(${bound} as bigint)`;
    return nullable ? sql<SqlBool>`(${column} is not null and ${p})` : p;
  };
  const compare = (op: '=' | '>=' | '<=', v: string): Leaf => {
    const n = parse(v);
    if (n === null) return null;
    // Beyond any stored value (64 bits): decided here, since PostgreSQL would refuse the number.
    if (n > INT64.max) return op === '<=' ? present() : false;
    if (n < INT64.min) return op === '>=' ? present() : false;
    return condition(op, n.toString());
  };
  const keyed: Keyed = {
    bind: (v) => {
      const n = parse(v);
      return n === null || n > INT64.max || n < INT64.min ? undefined : n.toString();
    },
    condition: (b) => condition('=', b),
  };
  return { keyed, equal: (v) => compare('=', v), substrings: () => null, order: compare, present };
}

/** objectIdentifierMatch over a fixed set of classes: every entry of the kind has them all. */
function objectClassAttribute(classes: readonly string[]): Attribute {
  const known = new Set(classes.map((c) => c.toLowerCase()));
  return { equal: (v) => known.has(v.toLowerCase()), substrings: () => null, order: () => null, present: () => true };
}

/** An attribute every entry has, that no assertion but presence can be decided on (entryUUID). */
const PRESENT_ONLY: Attribute = { equal: () => null, substrings: () => null, order: () => null, present: () => true };

/**
 * distinguishedNameMatch against DNs of this tree, `<type>=<value>,ou=<unit>,o=<org>,…` (the
 * organization is the searched one whatever its RDN says). A value that is no DN is Undefined; a
 * DN of another shape names no entry and is FALSE.
 */
function dnAttribute(type: 'cn' | 'uid', unit: 'groups' | 'people', match: (value: string) => Leaf, present: () => Leaf): Attribute {
  const equal = (v: string): Leaf => {
    const rdns = parseDn(v);
    if (!rdns) return null;
    const [entry, ou, o] = rdns;
    if (!entry || !ou || !o || entry.type !== type || ou.type !== 'ou' || ou.value.toLowerCase() !== unit || o.type !== 'o') return false;
    return entry.value.includes('\u0000') ? null : match(entry.value);
  };
  return { equal, substrings: () => null, order: () => null, present };
}

/** A multi-valued attribute: TRUE when one of the values matches (`exists` over the rows holding them). */
function someValue(inner: Attribute, exists: (p?: Condition) => Condition): Attribute {
  const wrap = (l: Leaf): Leaf => (l === null || l === false ? l : exists(l === true ? undefined : l));
  const keyed = inner.keyed;
  return {
    ...(keyed && { keyed: { bind: keyed.bind, condition: (b: string) => exists(keyed.condition(b)) } }),
    equal: (v) => wrap(inner.equal(v)),
    substrings: (s) => wrap(inner.substrings(s)),
    order: (op, v) => wrap(inner.order(op, v)),
    present: () => wrap(inner.present()),
  };
}

interface Scope {
  dialect: DialectName;
  orgId: string;
  resourceIds: readonly string[];
}

const HOME_PREFIX = posixDefaults('').home_directory;
const ref = (column: string) => sql.ref(column) as Expression<never>;

/** The users' attributes, by lower-case name. */
function userAttributes({ dialect, orgId }: Scope): Map<string, Attribute> {
  const d = DIALECTS[dialect];
  const name = ref('m.name') as Expression<string>;
  const cn = textAttribute(d, name, 'ignore');
  const home = sql<string>`coalesce(${ref('m.home_directory')}, cast(${HOME_PREFIX} as text) || ${ref('m.username')})`;
  const shell = sql<string>`coalesce(${ref('m.login_shell')}, cast(${DEFAULT_SHELL} as text))`;
  return new Map<string, Attribute>([
    ['objectclass', objectClassAttribute(USER_OBJECT_CLASSES)],
    ['uid', textAttribute(d, ref('m.username'), 'stored')],
    ['cn', cn],
    ['displayname', cn],
    ['sn', textAttribute(d, d.surname(name), 'ignore')],
    ['givenname', textAttribute(d, d.givenName(name), 'ignore', true)],
    ['mail', textAttribute(d, ref('m.email_normalized'), 'stored')],
    ['uidnumber', integerAttribute(ref('m.uid_number'), true)],
    ['gidnumber', integerAttribute(ref('m.gid_number'), true)],
    ['homedirectory', textAttribute(d, home, 'exact')],
    ['loginshell', textAttribute(d, shell, 'exact')],
    ['memberof', dnAttribute('cn', 'groups', (group) => repo.userInGroupNamed(orgId, group), () => repo.userInSomeGroup(orgId))],
    ['entryuuid', PRESENT_ONLY],
  ]);
}

/** The groups' attributes, by lower-case name; members are the visible users only. */
function groupAttributes({ dialect, orgId, resourceIds }: Scope): Map<string, Attribute> {
  const d = DIALECTS[dialect];
  const memberUid = someValue(textAttribute(d, repo.MEMBER_USERNAME, 'stored'), (p) => repo.groupHasVisibleMember(orgId, resourceIds, p));
  return new Map<string, Attribute>([
    ['objectclass', objectClassAttribute(GROUP_OBJECT_CLASSES)],
    ['cn', textAttribute(d, ref('g.name'), 'ignore')],
    ['gidnumber', integerAttribute(ref('g.gid_number'), false)],
    ['description', textAttribute(d, ref('g.description'), 'ignore', true)],
    ['member', dnAttribute('uid', 'people', (username) => memberUid.equal(username), () => memberUid.present())],
    ['memberuid', memberUid],
    ['entryuuid', PRESENT_ONLY],
  ]);
}

// ---- the SCIM view (PRO-4) -----------------------------------------------------------------------
//
// SCIM filters (RFC 7644 §3.4.2.2) are translated at the SCIM edge into this language, naming
// attributes by their SCIM paths, lower-cased: `username`, `name.givenname`, `emails.value`,
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department`, `members.value`, … A
// value path such as `emails[type eq "work"]` arrives as its sub-attributes' paths. The SCIM view is
// every member of the organization (invited, active, suspended) that SCIM has not deprovisioned,
// and every group with all its members: provisioning manages people, whatever they may use.

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:';

/** An attribute whose value is the same for every entry: the assertion is decided here. */
function constantAttribute(value: string, fold: (v: string) => string = (v) => v.toLowerCase()): Attribute {
  return { equal: (v) => fold(v) === fold(value), substrings: () => null, order: () => null, present: () => true };
}

/** SCIM `active`: a member is active unless suspended (an invited member is provisioned, not yet signed up). */
function activeAttribute(): Attribute {
  const status = ref('m.status') as Expression<string>;
  return {
    equal: (v) => {
      const b = v.toLowerCase();
      if (b !== 'true' && b !== 'false') return null;
      return b === 'true' ? sql<SqlBool>`${status} <> ${'suspended'}` : sql<SqlBool>`${status} = ${'suspended'}`;
    },
    substrings: () => null,
    order: () => null,
    present: () => true,
  };
}

/**
 * SCIM `userName`: the one a SCIM client gave, else the member's address (what Okta and Entra ID
 * match people on, so members made before provisioning are found and linked, not created twice).
 * Equality reads the two indexes (the given one's lower-cased column, the address's), so the lookup
 * every client makes before it creates someone is two index probes, never a scan.
 */
function userNameAttribute(d: DialectSql): Attribute {
  const given = ref('m.scim_user_name_normalized') as Expression<string | null>;
  const address = ref('m.email_normalized') as Expression<string>;
  const shown = sql<string>`coalesce(${given}, ${address})`;
  const text = textAttribute(d, shown, 'stored');
  const condition = (b: string): Condition => sql<SqlBool>`(${given} = ${b} or (${given} is null and ${address} = ${b}))`;
  return { ...text, keyed: { bind: (v) => v.toLowerCase(), condition }, equal: (v) => condition(v.toLowerCase()) };
}

function scimUserAttributes({ dialect, orgId }: Scope): Map<string, Attribute> {
  const d = DIALECTS[dialect];
  const name = ref('m.name') as Expression<string>;
  const displayName = textAttribute(d, name, 'ignore');
  const email = textAttribute(d, ref('m.email_normalized'), 'stored');
  const groupIds = someValue(textAttribute(d, ref('sgm.group_id'), 'exact'), (p) => repo.userInGroups(orgId, p));
  const manager = textAttribute(d, ref('m.manager_id'), 'exact', true);
  return new Map<string, Attribute>([
    ['id', textAttribute(d, ref('m.id'), 'exact')],
    ['username', userNameAttribute(d)],
    ['externalid', textAttribute(d, ref('m.external_id'), 'exact', true)],
    ['displayname', displayName],
    ['name.formatted', displayName],
    // The parts a client gave, as the resource shows them (none are made up from the name).
    ['name.givenname', textAttribute(d, ref('m.given_name'), 'ignore', true)],
    ['name.familyname', textAttribute(d, ref('m.family_name'), 'ignore', true)],
    ['emails', email],
    ['emails.value', email],
    ['emails.type', constantAttribute('work')],
    ['emails.primary', constantAttribute('true')],
    ['active', activeAttribute()],
    ['groups', groupIds],
    ['groups.value', groupIds],
    ['groups.display', someValue(textAttribute(d, ref('sg.name'), 'ignore'), (p) => repo.userInGroupsNamed(orgId, p))],
    [`${ENTERPRISE}employeenumber`, textAttribute(d, ref('m.employee_number'), 'exact', true)],
    [`${ENTERPRISE}department`, textAttribute(d, ref('m.department'), 'ignore', true)],
    [`${ENTERPRISE}manager`, manager],
    [`${ENTERPRISE}manager.value`, manager],
    ['meta.created', textAttribute(d, ref('m.created_at'), 'exact')],
    ['meta.lastmodified', textAttribute(d, ref('m.updated_at'), 'exact')],
    ['meta.resourcetype', constantAttribute('User')],
  ]);
}

function scimGroupAttributes({ dialect, orgId }: Scope): Map<string, Attribute> {
  const d = DIALECTS[dialect];
  const memberIds = someValue(textAttribute(d, ref('sgm.user_id'), 'exact'), (p) => repo.groupHasMember(orgId, p));
  return new Map<string, Attribute>([
    ['id', textAttribute(d, ref('g.id'), 'exact')],
    ['displayname', textAttribute(d, ref('g.name'), 'ignore')],
    ['externalid', textAttribute(d, ref('g.external_id'), 'exact', true)],
    ['members', memberIds],
    ['members.value', memberIds],
    ['members.display', someValue(textAttribute(d, ref('sm.name'), 'ignore'), (p) => repo.groupHasMemberNamed(orgId, p))],
    ['members.type', constantAttribute('User')],
    ['meta.created', textAttribute(d, ref('g.created_at'), 'exact')],
    ['meta.lastmodified', textAttribute(d, ref('g.updated_at'), 'exact')],
    ['meta.resourcetype', constantAttribute('Group')],
  ]);
}

/**
 * PRO-4: where a SCIM filter, translated into the directory's language with SCIM paths, is TRUE:
 * true, false or SQL over `m` (users) or `g` (groups). An attribute SCIM does not know makes its
 * assertion Undefined (so never TRUE); the edge refuses unknown paths before it gets here.
 */
export function compileScimFilter(kind: 'users' | 'groups', filter: DirectoryFilter, scope: { dialect: DialectName; orgId: string }): Pred {
  checkFilter(filter);
  const key = `scim-${kind}\u0000${scope.dialect}\u0000${scope.orgId}`;
  let attrs = attributeMaps.get(key);
  if (!attrs) {
    if (attributeMaps.size >= ATTRIBUTE_MAPS_MAX) attributeMaps.delete(attributeMaps.keys().next().value as string);
    attrs = kind === 'users' ? scimUserAttributes({ ...scope, resourceIds: [] }) : scimGroupAttributes({ ...scope, resourceIds: [] });
    attributeMaps.set(key, attrs);
  }
  return compile(filter, attrs).t;
}

/** The SCIM paths filters may name, lower-cased (the edge refuses others with `invalidFilter`). */
export const SCIM_FILTER_PATHS = {
  users: [...scimUserAttributes({ dialect: 'sqlite', orgId: '', resourceIds: [] }).keys()],
  groups: [...scimGroupAttributes({ dialect: 'sqlite', orgId: '', resourceIds: [] }).keys()],
} as const;

// ---- compiling -----------------------------------------------------------------------------------

const unsupported = (message: string) => new AppError(DirectoryErrors.unsupportedFilter, message);

/** Refuses extensible matches, and filters beyond the limits, before anything is compiled (no recursion: any depth is safe). */
export function checkFilter(filter: DirectoryFilter): void {
  const stack: Array<{ f: DirectoryFilter; depth: number }> = [{ f: filter, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { f, depth } = stack.pop() as { f: DirectoryFilter; depth: number };
    nodes += 1 + (f.type === 'substrings' ? f.any.length : 0);
    if (nodes + stack.length > MAX_FILTER_NODES) throw unsupported(`A filter may have at most ${MAX_FILTER_NODES} parts.`);
    if (depth > MAX_FILTER_DEPTH) throw unsupported(`A filter may be nested at most ${MAX_FILTER_DEPTH} deep.`);
    if (f.type === 'extensible') throw unsupported('Extensible match filters are not supported.');
    if (f.type === 'and' || f.type === 'or') for (const sub of f.filters) stack.push({ f: sub, depth: depth + 1 });
    else if (f.type === 'not') stack.push({ f: f.filter, depth: depth + 1 });
    else if (!['equal', 'approx', 'substrings', 'greaterOrEqual', 'lessOrEqual', 'present'].includes(f.type)) throw unsupported('Unknown filter type.');
  }
}

function compile(f: DirectoryFilter, attrs: Map<string, Attribute>): Tri {
  /** An assertion on one attribute: Undefined for an attribute not known, or a value no stored text can hold. */
  const leaf = (attribute: string, values: Array<string | undefined>, test: (a: Attribute) => Leaf): Tri => {
    const a = attrs.get(attribute.toLowerCase());
    return lift(!a || values.some((v) => v?.includes('\u0000')) ? null : test(a));
  };
  switch (f.type) {
    case 'and':
    case 'or': {
      const subs = f.filters.map((s) => compile(s, attrs));
      const [t, fa] = [subs.map((s) => s.t), subs.map((s) => s.f)];
      return f.type === 'and' ? { t: allOf(t), f: anyOf(fa) } : { t: anyOf(t), f: allOf(fa) };
    }
    case 'not': {
      const sub = compile(f.filter, attrs);
      return { t: sub.f, f: sub.t };
    }
    case 'present':
      return leaf(f.attribute, [], (a) => a.present());
    case 'equal':
    case 'approx':
      return leaf(f.attribute, [f.value], (a) => a.equal(f.value));
    case 'greaterOrEqual':
    case 'lessOrEqual':
      return leaf(f.attribute, [f.value], (a) => a.order(f.type === 'greaterOrEqual' ? '>=' : '<=', f.value));
    case 'substrings':
      return leaf(f.attribute, parts(f), (a) => a.substrings(f));
    case 'extensible':
      throw unsupported('Extensible match filters are not supported.');
  }
}

/**
 * The attribute maps of the scopes searched last: a map is a few dozen closures and fragments, and
 * building it cost more than compiling a small filter with it. Its fragments are immutable.
 */
const attributeMaps = new Map<string, Map<string, Attribute>>();
const ATTRIBUTE_MAPS_MAX = 64;

function attributesOf(kind: 'users' | 'groups', scope: Scope): Map<string, Attribute> {
  // The users' attributes do not depend on the resources (memberOf names groups, which are not filtered by them).
  const key = `${kind}\u0000${scope.dialect}\u0000${scope.orgId}\u0000${kind === 'groups' ? scope.resourceIds.join('\u0000') : ''}`;
  let attrs = attributeMaps.get(key);
  if (!attrs) {
    if (attributeMaps.size >= ATTRIBUTE_MAPS_MAX) attributeMaps.delete(attributeMaps.keys().next().value as string);
    attrs = kind === 'users' ? userAttributes(scope) : groupAttributes(scope);
    attributeMaps.set(key, attrs);
  }
  return attrs;
}

/** The condition under which a user matches `filter`: true (every user), false (none) or SQL over `m`. */
export function compileUserFilter(filter: DirectoryFilter, scope: Scope): Pred {
  checkFilter(filter);
  return compile(filter, attributesOf('users', scope)).t;
}

/** The condition under which a group matches `filter`: true, false or SQL over `g`. */
export function compileGroupFilter(filter: DirectoryFilter, scope: Scope): Pred {
  checkFilter(filter);
  return compile(filter, attributesOf('groups', scope)).t;
}

// ---- the shapes compiled once --------------------------------------------------------------------

/**
 * The filters directory clients send on every lookup (nslcd, SSSD and PAM ask for a user by uid or
 * uidNumber, a group by cn, gidNumber or memberUid): one equality on an attribute whose `equal` is
 * one bound value (`keyed`), alone or AND-ed with assertions that are TRUE of every entry of the
 * kind (`(objectClass=posixAccount)`, `(uid=*)`). Such a filter is TRUE exactly where that
 * equality's condition is, so its statement is compiled once per attribute and the value bound.
 * The condition is the attribute's own (`keyed.condition`, which `equal` calls too), so both paths
 * write the same SQL; a value the attribute would not bind as it is (a NUL, an integer out of
 * range) goes the general way.
 */
function keyedShape(filter: DirectoryFilter, attrs: Map<string, Attribute>): { attribute: string; bound: string } | undefined {
  let found: { attribute: string; bound: string } | undefined;
  const stack: DirectoryFilter[] = [filter];
  while (stack.length > 0) {
    const f = stack.pop() as DirectoryFilter;
    if (f.type === 'and') {
      stack.push(...f.filters);
      continue;
    }
    if (f.type === 'present') {
      if (attrs.get(f.attribute.toLowerCase())?.present() !== true) return undefined;
      continue;
    }
    if (f.type !== 'equal' && f.type !== 'approx') return undefined;
    if (f.value.includes('\u0000')) return undefined;
    const name = f.attribute.toLowerCase();
    const a = attrs.get(name);
    if (!a) return undefined;
    if (!a.keyed) {
      // objectClass: TRUE for the classes of the kind; anything else goes the general way.
      if (a.equal(f.value) !== true) return undefined;
      continue;
    }
    if (found) return undefined;
    const bound = a.keyed.bind(f.value);
    if (bound === undefined) return undefined;
    found = { attribute: name, bound };
  }
  return found;
}

/** The attribute whose statement, compiled once, answers `filter` (undefined: it is compiled in full); for the tests that prove both ways agree. */
export function shapedAttribute(kind: 'users' | 'groups', filter: DirectoryFilter, scope: Scope): string | undefined {
  return keyedShape(filter, attributesOf(kind, scope))?.attribute;
}

/** The shape of `keyedShape`'s filters on `attribute`, over the slots the statement gives it. */
const shapes = new Map<string, repo.Shape>();
function shapeOf(kind: 'users' | 'groups', dialect: DialectName, attribute: string): repo.Shape {
  const key = `${kind}|${dialect}|${attribute}`;
  let shape = shapes.get(key);
  if (!shape) {
    shape = {
      key: attribute,
      where: (slots) => {
        const attrs = kind === 'users' ? userAttributes({ dialect, ...slots }) : groupAttributes({ dialect, ...slots });
        return (attrs.get(attribute)?.keyed as Keyed).condition(slots.values[0] as string);
      },
    };
    // Bounded by the attributes that have `keyed`.
    shapes.set(key, shape);
  }
  return shape;
}

// ---- the searches --------------------------------------------------------------------------------

export interface SearchOptions {
  /** The resources whose access puts a member in view (DIR-3); none: nothing is in view. */
  resourceIds: readonly string[];
  /** At most this many entries (capped at MAX_PAGE; `nextAfter` tells when there are more). */
  limit: number;
  /** The last id of the previous page. */
  after?: string | undefined;
  /** Users: each one's group names. */
  withMemberOf?: boolean | undefined;
  /** Groups: each one's visible members. */
  withMembers?: boolean | undefined;
}

export interface SearchPage<T> {
  items: T[];
  /** The `after` of the next page; null when this one is the last. */
  nextAfter: string | null;
}

export interface DirectoryUserEntry {
  id: string;
  /** Null for a member imported with a kept password who has no account yet. */
  accountId: string | null;
  username: string;
  name: string;
  email: string;
  uidNumber: number | null;
  gidNumber: number | null;
  homeDirectory: string;
  loginShell: string;
  groups?: string[];
}

export interface DirectoryGroupEntry {
  id: string;
  name: string;
  description: string | null;
  gidNumber: number;
  members?: Array<{ username: string }>;
}

export const MAX_PAGE = 1000;

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function pageSize(opts: SearchOptions): number {
  if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new AppError(CommonErrors.invalid, 'The page size must be a positive integer.', { details: { field: 'limit' } });
  return Math.min(opts.limit, MAX_PAGE);
}

function grouped<R, V>(rows: R[], key: (r: R) => string, value: (r: R) => V | null): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const v = value(r);
    if (v !== null) out.set(key(r), [...(out.get(key(r)) ?? []), v]);
  }
  return out;
}

/**
 * PRO-1: the directory as LDAP searches it. Users are the organization's members that DIR-3 lets
 * use one of `resourceIds`; groups are all of its groups, with only those users as members. With
 * no resource of the organization among `resourceIds`, nothing is in view. Pages follow the ids;
 * each page is one statement, plus one for memberOf or members when asked.
 */
export function createDirectoryQuery(deps: Pick<DirectoryDeps, 'db' | 'dialect'>) {
  const { db, dialect } = deps;

  /**
   * What a search of either kind runs: a keyed shape's prepared statement or the compiled
   * condition, over one page more than asked; undefined when nothing can be in view.
   */
  function planOf(kind: 'users' | 'groups', orgId: string, filter: DirectoryFilter, opts: SearchOptions) {
    const resourceIds = [...new Set(opts.resourceIds)];
    checkFilter(filter);
    const attrs = attributesOf(kind, { dialect, orgId, resourceIds });
    const keyed = keyedShape(filter, attrs);
    const where = keyed ? true : compile(filter, attrs).t;
    const limit = pageSize(opts);
    if (resourceIds.length === 0 || where === false) return undefined;
    return { resourceIds, keyed, where: where as Condition | true, limit, pageQuery: { resourceIds, after: opts.after, limit: limit + 1 } };
  }

  async function searchUsers(orgId: string, filter: DirectoryFilter, opts: SearchOptions): Promise<SearchPage<DirectoryUserEntry>> {
    const plan = planOf('users', orgId, filter, opts);
    if (!plan) return { items: [], nextAfter: null };
    const { keyed, where, limit, pageQuery } = plan;
    const rows = keyed
      ? await repo.searchUserRowsShaped(db, orgId, shapeOf('users', dialect, keyed.attribute), [keyed.bound], pageQuery)
      : await repo.searchUserRows(db, orgId, { where, ...pageQuery });
    const page = rows.slice(0, limit);
    const groups = opts.withMemberOf
      ? grouped(await repo.groupNamesOfUsers(db, orgId, page.map((r) => r.id)), (r) => r.user_id, (r) => r.name)
      : undefined;
    const items = page.map((r): DirectoryUserEntry => {
      const username = r.username as string;
      const defaults = posixDefaults(username);
      return {
        id: r.id,
        accountId: r.account_id,
        username,
        name: r.name,
        email: r.email,
        uidNumber: r.uid_number === null ? null : Number(r.uid_number),
        gidNumber: r.gid_number === null ? null : Number(r.gid_number),
        homeDirectory: r.home_directory ?? defaults.home_directory,
        loginShell: r.login_shell ?? defaults.login_shell,
        ...(groups ? { groups: (groups.get(r.id) ?? []).sort(byCodePoint) } : {}),
      };
    });
    return { items, nextAfter: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async function searchGroups(orgId: string, filter: DirectoryFilter, opts: SearchOptions): Promise<SearchPage<DirectoryGroupEntry>> {
    const plan = planOf('groups', orgId, filter, opts);
    if (!plan) return { items: [], nextAfter: null };
    const { resourceIds, keyed, where, limit, pageQuery } = plan;
    const rows = keyed
      ? await repo.searchGroupRowsShaped(db, orgId, shapeOf('groups', dialect, keyed.attribute), [keyed.bound], pageQuery)
      : await repo.searchGroupRows(db, orgId, { where, ...pageQuery });
    const page = rows.slice(0, limit);
    const members = opts.withMembers
      ? grouped(await repo.visibleMembersOfGroups(db, orgId, resourceIds, page.map((r) => r.id)), (r) => r.group_id, (r) => r.username)
      : undefined;
    const items = page.map((r): DirectoryGroupEntry => ({
      id: r.id,
      name: r.name,
      description: r.description,
      gidNumber: Number(r.gid_number),
      ...(members ? { members: (members.get(r.id) ?? []).sort(byCodePoint).map((username) => ({ username })) } : {}),
    }));
    return { items, nextAfter: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  return { searchUsers, searchGroups };
}

export type DirectoryQuery = ReturnType<typeof createDirectoryQuery>;
