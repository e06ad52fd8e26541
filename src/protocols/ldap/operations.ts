/**
 * PRO-1: the LDAP operations, each a short pipeline of named checks (bind: version, method,
 * confidentiality, DN, credentials, access; search: base, caller, scope, entries, limits, paging).
 * Domain errors become LDAP result codes here, once. What a bound member sees is re-checked before
 * every operation, so suspension or loss of access takes effect on the next one.
 */
import type { RequestContext } from '../../core/context.ts';
import { parseDn } from '../../core/dn.ts';
import { isAppError } from '../../core/errors.ts';
import type { DirectoryFilter } from '../../modules/directory/index.ts';
import { groupEntry, orgEntry, ouEntry, suffixEntry, userEntry } from './entries.ts';
import {
  type Control,
  type LdapRequest,
  type LdapResult,
  PAGED_RESULTS_OID,
  ResponseTag,
  ResultCode,
  type SearchRequest,
  PASSWORD_MODIFY_OID,
  WHO_AM_I_OID,
  bindResponse,
  compareResponse,
  decodePagedControl,
  decodePasswordModify,
  encodePagedControl,
  extendedResponse,
  ldapResult,
  searchResultDone,
  searchResultEntry,
} from './messages.ts';
import type { LdapLog } from './server.ts';
import type { LdapPort } from './port.ts';
import { rootDse, subschema } from './schema.ts';
import { type Entry, type Place, asked, matchesFixed, orgDn, placeOf, selectAttributes, serviceDn, userDn } from './tree.ts';

/** Who a connection is bound as: a member (by membership), or a service account of the organization. */
export interface Bound {
  orgId: string;
  slug: string;
  who: { type: 'user' | 'service_account'; id: string };
  /** The member's account, for the audit record's actor; null for a service account. */
  accountId: string | null;
  dn: string;
}

export interface Session {
  tls: boolean;
  ctx: RequestContext;
  bound: Bound | null;
  abandoned: Set<number>;
  /** Per identity bound on this connection: how many binds and operations, for the audit record at the end. */
  identities: Map<string, { bound: Bound; binds: number; operations: number }>;
  startedAt: number;
}

type Write = (b: Buffer) => void;
type Search = Extract<LdapRequest, { op: 'search' }>;

/** Entries fetched per query while a search runs: memory stays flat whatever the directory's size. */
const BATCH = 500;
/** How many search bases, and organizations' fixed entries, are remembered (then forgotten all at once). */
const REMEMBERED = 1000;

export function createOperations(deps: { directory: LdapPort; suffix: string; allowPlainBind: boolean; log: LdapLog }) {
  const { directory, suffix } = deps;

  /**
   * Answers one request. A refusal from the core becomes this operation's result code; anything
   * unexpected is logged and answered `other` (80), and the connection goes on.
   */
  async function handle(s: Session, req: LdapRequest, write: Write): Promise<void> {
    try {
      await dispatch(s, req, write);
    } catch (e) {
      const filter = isAppError(e) && e.code === 'directory.unsupported_filter';
      if (!filter) deps.log.error({ op: req.op, err: e instanceof Error ? e.message : String(e) }, 'LDAP operation failed');
      const result: LdapResult = filter ? { code: ResultCode.unwillingToPerform, message: (e as Error).message } : { code: ResultCode.other, message: 'Internal error' };
      const tag = req.op in ResponseTag ? ResponseTag[req.op as keyof typeof ResponseTag] : undefined;
      if (tag !== undefined) write(ldapResult(tag, req.messageId, result));
    }
  }

  async function dispatch(s: Session, req: LdapRequest, write: Write): Promise<void> {
    const critical = req.controls.find((c) => c.critical && !(req.op === 'search' && c.oid === PAGED_RESULTS_OID));
    switch (req.op) {
      case 'bind':
        if (critical) return write(bindResponse(req.messageId, unavailable(critical)));
        return write(bindResponse(req.messageId, await bind(s, req)));
      case 'search': {
        if (critical) return write(searchResultDone(req.messageId, unavailable(critical)));
        const done = await search(s, req, write);
        if (done) write(searchResultDone(req.messageId, done.result, done.controls));
        return;
      }
      case 'compare':
        if (critical) return write(compareResponse(req.messageId, unavailable(critical)));
        return write(compareResponse(req.messageId, await compare(s, req.dn, req.attribute, req.value)));
      case 'extended':
        if (critical) return write(extendedResponse(req.messageId, unavailable(critical)));
        if (req.name === WHO_AM_I_OID) return write(await whoAmI(s, req.messageId));
        if (req.name === PASSWORD_MODIFY_OID) return write(extendedResponse(req.messageId, await passwordModify(s, req.value)));
        // RFC 4511 §4.12: an extended operation the server does not know.
        return write(extendedResponse(req.messageId, { code: ResultCode.protocolError, message: `Unsupported extended operation ${req.name}` }));
      case 'modify':
      case 'add':
      case 'delete':
      case 'modifyDN':
        return write(ldapResult(ResponseTag[req.op], req.messageId, { code: ResultCode.unwillingToPerform, message: 'This directory is managed through Castellan (its console and API)' }));
      default:
        return;
    }
  }

  // ---- the tree's fixed entries and the DNs searched, remembered (they are the same on every search) ----

  const top = suffixEntry(suffix);
  /** An organization's entry and its two units, by slug (entries are never modified once built). */
  const fixed = new Map<string, { org: Entry; people: Entry; groups: Entry }>();
  function fixedOf(slug: string) {
    let f = fixed.get(slug);
    if (!f) {
      if (fixed.size >= REMEMBERED) fixed.clear();
      f = { org: orgEntry(slug, suffix), people: ouEntry(slug, 'people', suffix), groups: ouEntry(slug, 'groups', suffix) };
      fixed.set(slug, f);
    }
    return f;
  }
  /** Where DNs point (`placeOf` parses the DN and the suffix): clients name the same few bases again and again. */
  const places = new Map<string, Place | undefined>();
  function placeOfDn(dn: string): Place | undefined {
    if (places.has(dn)) return places.get(dn);
    const place = placeOf(dn, suffix);
    // Long DNs are not kept: what a client sends must not grow the server's memory.
    if (dn.length > 256) return place;
    if (places.size >= REMEMBERED) places.clear();
    places.set(dn, place);
    return place;
  }

  const unavailable = (c: Control): LdapResult => ({ code: ResultCode.unavailableCriticalExtension, message: `Unsupported critical control ${c.oid}` });

  // ---- bind (RFC 4511 §4.2, RFC 4513 §5.1) ----------------------------------------------------

  async function bind(s: Session, req: Extract<LdapRequest, { op: 'bind' }>): Promise<LdapResult> {
    // A bind starts over: whatever fails, the connection is anonymous afterwards.
    s.bound = null;
    if (req.version !== 3) return { code: ResultCode.protocolError, message: 'Only LDAP version 3 is supported' };
    if (req.auth !== 'simple') return { code: ResultCode.authMethodNotSupported, message: 'Only simple bind is supported' };
    const password = req.password.toString('utf8');
    if (req.name === '' && password === '') return { code: ResultCode.success };
    // RFC 4513 §5.1.2: a name with no password is an unauthenticated bind, never a sign-in.
    if (password === '') return { code: ResultCode.unwillingToPerform, message: 'Unauthenticated bind (a DN without a password) is not allowed' };
    if (!s.tls && !deps.allowPlainBind) return { code: ResultCode.confidentialityRequired, message: 'Use StartTLS or LDAPS before a simple bind' };
    const invalid = { code: ResultCode.invalidCredentials, message: 'Invalid credentials' };
    const place = placeOf(req.name, suffix);
    if (place === undefined) return { code: ResultCode.invalidDNSyntax, message: 'The bind DN is not a DN' };
    if (place.kind !== 'user' && place.kind !== 'service') return invalid;
    const org = await directory.organizationBySlug(place.slug);
    if (!org) return invalid;
    if (place.kind === 'service') {
      let service: { id: string };
      try {
        service = await directory.verifyService(s.ctx, org.id, place.name, password);
      } catch (e) {
        if (isAppError(e) && e.kind === 'rate_limited') return { code: ResultCode.invalidCredentials, message: 'Too many failed attempts; try again later' };
        if (isAppError(e) && e.kind !== 'internal') return invalid;
        throw e;
      }
      return bound(s, { orgId: org.id, slug: org.slug, who: { type: 'service_account', id: service.id }, accountId: null, dn: serviceDn(place.name, org.slug, suffix) });
    }
    let member: { membershipId: string; accountId: string | null };
    try {
      member = await directory.verifyMember(s.ctx, org.id, place.username.toLowerCase(), password);
    } catch (e) {
      if (isAppError(e) && e.kind === 'rate_limited') return { code: ResultCode.invalidCredentials, message: 'Too many failed attempts; try again later' };
      // ACC-5: told only to someone whose password was right.
      if (isAppError(e) && e.code === 'accounts.mfa_required') return { ...invalid, message: 'The organization requires two-step verification: type the code right after the password' };
      if (isAppError(e) && e.code === 'directory.mfa_required') return { ...invalid, message: 'The organization requires two-step verification: turn it on in your account first' };
      if (isAppError(e) && e.kind !== 'internal') return invalid;
      throw e;
    }
    // Only members granted one of the organization's LDAP applications may bind (DIR-3).
    if (!(await directory.mayUse(org.id, member.membershipId))) return invalid;
    return bound(s, { orgId: org.id, slug: org.slug, who: { type: 'user', id: member.membershipId }, accountId: member.accountId, dn: userDn(place.username.toLowerCase(), org.slug, suffix) });
  }

  function bound(s: Session, b: Bound): LdapResult {
    s.bound = b;
    const seen = s.identities.get(b.who.id) ?? { bound: b, binds: 0, operations: 0 };
    seen.binds++;
    s.identities.set(b.who.id, seen);
    return { code: ResultCode.success };
  }

  /** The bound member, if they may still use LDAP; a member who may not is made anonymous. */
  async function caller(s: Session): Promise<Bound | null> {
    const b = s.bound;
    if (!b) return null;
    const valid = b.who.type === 'user' ? await directory.mayUse(b.orgId, b.who.id) : await directory.serviceValid(b.orgId, b.who.id);
    if (!valid) {
      s.bound = null;
      return null;
    }
    const seen = s.identities.get(b.who.id);
    if (seen) seen.operations++;
    return b;
  }

  // ---- search (RFC 4511 §4.5) -------------------------------------------------------------------

  type Done = { result: LdapResult; controls?: Control[] } | null;

  async function search(s: Session, req: Search, write: Write): Promise<Done> {
    const place = placeOfDn(req.baseObject);
    if (!place) return { result: { code: ResultCode.invalidDNSyntax, message: 'The search base is not a DN' } };
    const send = (e: Entry) => write(searchResultEntry(req.messageId, e.dn, present(e, req)));
    if (place.kind === 'rootDse' || place.kind === 'subschema') {
      if (req.scope !== 0) return { result: { code: ResultCode.noSuchObject, message: 'The root DSE and the subschema have no subordinates' } };
      const attributes = place.kind === 'rootDse' ? rootDse(suffix, s.tls) : subschema();
      if (matchesFixed(req.filter, attributes)) send({ dn: place.kind === 'rootDse' ? '' : 'cn=Subschema', attributes });
      return { result: { code: ResultCode.success } };
    }
    const b = await caller(s);
    if (!b) return { result: { code: ResultCode.insufficientAccessRights, message: s.bound === null ? 'Bind first: anonymous binds see only the root DSE and the subschema' : 'Access was withdrawn' } };
    // Another organization's subtree answers as if it did not exist (DIR-1).
    if (place.kind === 'elsewhere' || (place.kind !== 'suffix' && place.slug !== b.slug)) return { result: { code: ResultCode.noSuchObject, matchedDN: matchedOf(place, b) } };

    const paged = req.controls.find((c) => c.oid === PAGED_RESULTS_OID);
    let page: { size: number; cursor: Cursor } | undefined;
    if (paged) {
      try {
        const p = decodePagedControl(paged.value ?? Buffer.alloc(0));
        const cursor = p.cookie.length === 0 ? START : readCookie(p.cookie);
        if (!cursor) return { result: { code: ResultCode.unwillingToPerform, message: 'The paged results cookie is not valid' } };
        // A size of 0 ends the paged search (RFC 2696 §3).
        if (p.size === 0) return { result: { code: ResultCode.success }, controls: [pagedControl(0, null)] };
        page = { size: p.size, cursor };
      } catch {
        return { result: { code: ResultCode.protocolError, message: 'The paged results control is malformed' } };
      }
    }

    const scope = scopeOf(place, req.scope, b, req.filter);
    // Read once for the whole operation: the base entry's lookup and every page use them.
    const resourceIds = place.kind === 'user' || place.kind === 'group' || scope.users || scope.groups ? await directory.resourceIds(b.orgId) : [];
    if (place.kind === 'user' || place.kind === 'group') {
      // The base entry must exist, whatever the scope.
      const found = place.kind === 'user' ? await findUser(b, place.username, false, resourceIds) : await findGroup(b, place.name, false, resourceIds);
      if (!found) return { result: { code: ResultCode.noSuchObject, matchedDN: `ou=${place.kind === 'user' ? 'people' : 'groups'},${orgDn(b.slug, suffix)}` } };
    }
    const sizeLimit = req.sizeLimit > 0 ? req.sizeLimit : Number.POSITIVE_INFINITY;
    const deadline = req.timeLimit > 0 ? Date.now() + req.timeLimit * 1000 : Number.POSITIVE_INFINITY;
    let sent = 0;
    // Entries left on this page (paged results), else no bound beyond the size limit.
    let budget = page ? page.size : Number.POSITIVE_INFINITY;
    let cursor: Cursor = page?.cursor ?? START;

    if (cursor.phase === 'fixed') {
      for (const e of scope.fixed) {
        if (!matchesFixed(req.filter, e.attributes)) continue;
        if (sent >= sizeLimit) return sizeExceeded();
        send(e);
        sent++;
        budget--;
      }
      cursor = { phase: 'users', after: null };
    }
    const withMemberOf = asked(req.attributes, 'memberOf', true);
    const built = { uuid: asked(req.attributes, 'entryUUID', true) };
    const withMembers = asked(req.attributes, 'member', false) || asked(req.attributes, 'memberUid', false);
    for (const phase of ['users', 'groups'] as const) {
      if (cursor.phase !== phase) continue;
      const filter = phase === 'users' ? scope.users : scope.groups;
      let after = cursor.after;
      while (filter) {
        if (budget <= 0) return { result: { code: ResultCode.success }, controls: [pagedControl(0, { phase, after })] };
        if (s.abandoned.delete(req.messageId)) return null;
        if (Date.now() > deadline) return { result: { code: ResultCode.timeLimitExceeded } };
        // One more than the size limit allows tells whether it was exceeded.
        const limit = Math.max(1, Math.min(BATCH, budget, sizeLimit - sent + 1));
        const opts = { resourceIds, limit, after: after ?? undefined, withMemberOf, withMembers };
        const entries =
          phase === 'users'
            ? await directory.searchUsers(b.orgId, filter, opts).then((r) => ({ next: r.nextAfter, items: r.items.map((u) => ({ id: u.id, e: userEntry(u, b.slug, suffix, built) })) }))
            : await directory.searchGroups(b.orgId, filter, opts).then((r) => ({ next: r.nextAfter, items: r.items.map((g) => ({ id: g.id, e: groupEntry(g, b.slug, suffix, built) })) }));
        for (const { id, e } of entries.items) {
          if (sent >= sizeLimit) return sizeExceeded();
          send(e);
          sent++;
          budget--;
          after = id;
        }
        if (entries.next === null) break;
      }
      if (phase === 'users') cursor = { phase: 'groups', after: null };
    }
    return { result: { code: ResultCode.success }, ...(page ? { controls: [pagedControl(0, null)] } : {}) };
  }

  const sizeExceeded = (): Done => ({ result: { code: ResultCode.sizeLimitExceeded } });

  /**
   * What a search covers from its base (RFC 4511 §4.5.1.2): the fixed entries in scope, and the
   * filters the directory module runs for users and for groups (undefined: none in scope).
   */
  function scopeOf(place: Place, scope: 0 | 1 | 2, b: Bound, filter: DirectoryFilter): { fixed: Entry[]; users?: DirectoryFilter | undefined; groups?: DirectoryFilter | undefined } {
    const { people, groups, org } = fixedOf(b.slug);
    const and = (f: DirectoryFilter): DirectoryFilter => ({ type: 'and', filters: [f, filter] });
    switch (place.kind) {
      case 'suffix':
        return [{ fixed: [top] }, { fixed: [org] }, { fixed: [top, org, people, groups], users: filter, groups: filter }][scope] as never;
      case 'org':
        return [{ fixed: [org] }, { fixed: [people, groups] }, { fixed: [org, people, groups], users: filter, groups: filter }][scope] as never;
      case 'ou': {
        const self = place.ou === 'people' ? people : groups;
        const under = place.ou === 'people' ? { users: filter } : { groups: filter };
        return scope === 0 ? { fixed: [self] } : scope === 1 ? { fixed: [], ...under } : { fixed: [self], ...under };
      }
      case 'user':
        return scope === 1 ? { fixed: [] } : { fixed: [], users: and({ type: 'equal', attribute: 'uid', value: place.username }) };
      case 'group':
        return scope === 1 ? { fixed: [] } : { fixed: [], groups: and({ type: 'equal', attribute: 'cn', value: place.name }) };
      default:
        return { fixed: [] };
    }
  }

  async function findUser(b: Bound, username: string, withMemberOf: boolean, resourceIds?: string[]) {
    const filter: DirectoryFilter = { type: 'equal', attribute: 'uid', value: username };
    const res = await directory.searchUsers(b.orgId, filter, { resourceIds: resourceIds ?? (await directory.resourceIds(b.orgId)), limit: 1, withMemberOf });
    return res.items[0];
  }

  async function findGroup(b: Bound, name: string, withMembers: boolean, resourceIds?: string[]) {
    const filter: DirectoryFilter = { type: 'equal', attribute: 'cn', value: name };
    const res = await directory.searchGroups(b.orgId, filter, { resourceIds: resourceIds ?? (await directory.resourceIds(b.orgId)), limit: 1, withMembers });
    return res.items[0];
  }

  // ---- compare (RFC 4511 §4.10) ------------------------------------------------------------------

  async function compare(s: Session, dn: string, attribute: string, value: Buffer): Promise<LdapResult> {
    const place = placeOf(dn, suffix);
    if (!place) return { code: ResultCode.invalidDNSyntax, message: 'Not a DN' };
    const b = await caller(s);
    if (!b) return { code: ResultCode.insufficientAccessRights, message: 'Bind first' };
    let entry: Entry | undefined;
    if (place.kind === 'user' && place.slug === b.slug) {
      const u = await findUser(b, place.username, attribute.toLowerCase() === 'memberof');
      entry = u ? userEntry(u, b.slug, suffix) : undefined;
    } else if (place.kind === 'group' && place.slug === b.slug) {
      const g = await findGroup(b, place.name, true);
      entry = g ? groupEntry(g, b.slug, suffix) : undefined;
    } else if (place.kind === 'org' && place.slug === b.slug) entry = orgEntry(b.slug, suffix);
    else if (place.kind === 'ou' && place.slug === b.slug) entry = ouEntry(b.slug, place.ou, suffix);
    else if (place.kind === 'suffix') entry = suffixEntry(suffix);
    if (!entry) return { code: ResultCode.noSuchObject };
    const values = entry.attributes.find((a) => a.type.toLowerCase() === attribute.toLowerCase())?.values;
    if (!values) return { code: ResultCode.noSuchAttribute };
    const v = value.toString('utf8').toLowerCase();
    return { code: values.some((x) => x.toLowerCase() === v) ? ResultCode.compareTrue : ResultCode.compareFalse };
  }

  // ---- extended operations ---------------------------------------------------------------------

  /** RFC 4532: the authorization identity, `dn:<bound DN>`, or empty for an anonymous connection. */
  async function whoAmI(s: Session, id: number): Promise<Buffer> {
    const b = s.bound ? await caller(s) : null;
    return extendedResponse(id, { code: ResultCode.success }, { value: Buffer.from(b ? `dn:${b.dn}` : '', 'utf8') });
  }

  /**
   * RFC 3062, for one's own password only: over TLS, bound as a member, naming no one else, with
   * the old password and a new one (Castellan does not make one up). The password rules apply.
   */
  async function passwordModify(s: Session, value: Buffer | undefined): Promise<LdapResult> {
    if (!s.tls) return { code: ResultCode.confidentialityRequired, message: 'Use StartTLS or LDAPS to change a password' };
    let req: ReturnType<typeof decodePasswordModify>;
    try {
      req = decodePasswordModify(value ?? Buffer.alloc(0));
    } catch {
      return { code: ResultCode.protocolError, message: 'The Password Modify request is malformed' };
    }
    const b = await caller(s);
    if (!b || b.who.type !== 'user') return { code: ResultCode.insufficientAccessRights, message: 'Bind as the member whose password changes' };
    // A member imported with their former directory's password sets one of their own by accepting the invitation.
    if (!b.accountId) return { code: ResultCode.unwillingToPerform, message: 'Accept the invitation to Castellan to set a password of your own' };
    if (req.userIdentity !== undefined && req.userIdentity !== '' && !sameDn(req.userIdentity, b.dn)) {
      return { code: ResultCode.insufficientAccessRights, message: 'Only your own password can be changed here' };
    }
    if (!req.oldPasswd || req.oldPasswd.length === 0) return { code: ResultCode.unwillingToPerform, message: 'Give the current password (oldPasswd)' };
    if (!req.newPasswd || req.newPasswd.length === 0) return { code: ResultCode.unwillingToPerform, message: 'Give the new password (newPasswd): Castellan does not generate one' };
    try {
      await directory.changeOwnPassword(s.ctx, b.accountId, req.oldPasswd.toString('utf8'), req.newPasswd.toString('utf8'));
      return { code: ResultCode.success };
    } catch (e) {
      if (!isAppError(e) || e.kind === 'internal') throw e;
      if (e.code === 'accounts.weak_password') return { code: ResultCode.constraintViolation, message: e.message };
      if (e.kind === 'rate_limited') return { code: ResultCode.invalidCredentials, message: 'Too many failed attempts; try again later' };
      if (e.code === 'accounts.reauthentication_failed' || e.kind === 'unauthenticated') return { code: ResultCode.invalidCredentials, message: 'The current password is not right' };
      return { code: ResultCode.unwillingToPerform, message: e.message };
    }
  }

  function extended(id: number, result: LdapResult, name?: string): Buffer {
    return extendedResponse(id, result, name ? { name } : {});
  }

  /** The connection ended: one audit record per member bound on it (binds are audited in aggregate). */
  async function closed(s: Session): Promise<void> {
    const seconds = Math.round((Date.now() - s.startedAt) / 1000);
    for (const { bound, binds, operations } of s.identities.values()) {
      const ctx = { ...s.ctx, actor: bound.accountId ? { type: 'user' as const, id: bound.accountId } : { type: 'system' as const, id: null } };
      await directory.recordSession(ctx, bound.orgId, bound.who, { binds, operations, seconds });
    }
  }

  function matchedOf(place: Place, b: Bound): string {
    return place.kind === 'elsewhere' ? '' : suffix || orgDn(b.slug, suffix);
  }

  return { handle, extended, closed };
}

export type Operations = ReturnType<typeof createOperations>;

/** Two DNs naming the same entry (compared by their parsed names, case aside). */
function sameDn(a: string, b: string): boolean {
  const pa = parseDn(a);
  const pb = parseDn(b);
  if (!pa || !pb || pa.length !== pb.length) return false;
  return pa.every((r, i) => r.type.toLowerCase() === pb[i]?.type.toLowerCase() && r.value.toLowerCase() === pb[i]?.value.toLowerCase());
}

// ---- paging cookies (RFC 2696): where the next page starts, opaque to the client ---------------

type Cursor = { phase: 'fixed' } | { phase: 'users' | 'groups'; after: string | null };
const START: Cursor = { phase: 'fixed' };

function pagedControl(size: number, next: Cursor | null): Control {
  const cookie = next ? Buffer.from(JSON.stringify(next), 'utf8') : Buffer.alloc(0);
  return { oid: PAGED_RESULTS_OID, critical: false, value: encodePagedControl(size, cookie) };
}

function readCookie(cookie: Buffer): Cursor | undefined {
  try {
    const c = JSON.parse(cookie.toString('utf8')) as { phase?: unknown; after?: unknown };
    if ((c.phase === 'users' || c.phase === 'groups') && (c.after === null || (typeof c.after === 'string' && c.after.length <= 64))) return { phase: c.phase, after: c.after };
  } catch {
    // not ours
  }
  return undefined;
}

/** The entry as the search asked for it: the attributes selected, and without values when typesOnly. */
function present(e: Entry, req: SearchRequest): Array<{ type: string; values: string[] }> {
  const selected = selectAttributes(e.attributes, req.attributes);
  return req.typesOnly ? selected.map((a) => ({ type: a.type, values: [] })) : selected;
}
