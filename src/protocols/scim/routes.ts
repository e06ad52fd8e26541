import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { contextOf } from '../../http/auth.ts';
import { DirectoryErrors, type ScimGroupRecord, type ScimSearch, type ScimUserRecord } from '../../modules/directory/index.ts';
import { ScimError, scimErrorBody } from './errors.ts';
import { normalizeAttrPath, parseFilter, type ScimFilter } from './filter.ts';
import { applyPatch, parsePatch, type PatchOperation, type ResourceSchemaDef } from './patch.ts';
import { parseAttributeList, project } from './projection.ts';
import type { ScimDirectory } from './port.ts';
import { groupInput, groupResource, userInput, userResource, versionOf } from './resources.ts';
import { GROUP_SCHEMA_DEF, LIST_RESPONSE_SCHEMA, USER_SCHEMA_DEF, resourceTypes, schemaDocuments, serviceProviderConfig } from './schemas.ts';
import { toDirectoryFilter } from './translate.ts';

export const SCIM_MOUNT = '/scim/v2';
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
/** The largest body taken: a group's full member list (10,000 members) fits. */
const BODY_LIMIT = 2 * 1024 * 1024;
/** A page holds at most this many resources; one asked for without `count` holds DEFAULT_COUNT. */
export const MAX_COUNT = 1000;
const DEFAULT_COUNT = 100;
/** The largest startIndex taken (past every result of any organization). */
const MAX_START_INDEX = 1_000_000_000;
/** A PATCH that lost a race with another change of the same resource is applied again, at most this often. */
const PATCH_TRIES = 3;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

type Json = Record<string, unknown>;
type Req = FastifyRequest<{ Params: { id?: string }; Querystring: Record<string, string | undefined> }>;

interface KindOps<R> {
  search(caller: Caller, orgId: string, q: ScimSearch, opts?: { withMembers?: boolean }): Promise<{ total: number; items: R[] }>;
  get(caller: Caller, orgId: string, id: string, opts?: { withMembers?: boolean }): Promise<R>;
  create(ctx: RequestContext, caller: Caller, orgId: string, input: never): Promise<R>;
  replace(ctx: RequestContext, caller: Caller, orgId: string, id: string, input: never, precondition?: (current: R) => void): Promise<R>;
  remove(ctx: RequestContext, caller: Caller, orgId: string, id: string, precondition?: (current: R) => void): Promise<void>;
}

interface KindSpec<R> {
  ops: KindOps<R>;
  schema: ResourceSchemaDef;
  resource(r: R, base: string): Json;
  input(body: unknown): unknown;
  filterPaths: readonly string[];
  sortKeys: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    scimCaller?: Extract<Caller, { kind: 'client' }>;
  }
}

/**
 * PRO-4: SCIM 2.0 (RFC 7643, RFC 7644) under `/scim/v2`, for an organization's HR system or
 * identity provider, authenticated by one of the organization's SCIM tokens (and nothing else:
 * a session or an API client's token is refused). Every answer, errors included, is SCIM's own
 * JSON (`application/scim+json`); the routes are left out of the API's OpenAPI document.
 */
export async function registerScimRoutes(app: FastifyInstance, deps: { directory: ScimDirectory; publicUrl: string }): Promise<void> {
  const { directory } = deps;
  const base = `${deps.publicUrl.replace(/\/+$/, '')}${SCIM_MOUNT}`;
  const kinds: { Users: KindSpec<ScimUserRecord>; Groups: KindSpec<ScimGroupRecord> } = {
    Users: { ops: directory.scim.users as unknown as KindOps<ScimUserRecord>, schema: USER_SCHEMA_DEF, resource: userResource, input: userInput, filterPaths: directory.filterPaths.users, sortKeys: directory.sortKeys.users },
    Groups: { ops: directory.scim.groups as unknown as KindOps<ScimGroupRecord>, schema: GROUP_SCHEMA_DEF, resource: groupResource, input: groupInput, filterPaths: directory.filterPaths.groups, sortKeys: directory.sortKeys.groups },
  };

  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(['application/scim+json', 'application/json'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
        try {
          // A DELETE or GET may name the type with no body.
          done(null, (body as string).trim() === '' ? undefined : JSON.parse(body as string));
        } catch {
          done(new ScimError(400, 'invalidSyntax', 'The body is not valid JSON.'), undefined);
        }
      });
      scope.addContentTypeParser('*', (_req, _payload, done) => done(new ScimError(415, undefined, 'Send the body as application/scim+json (or application/json).'), undefined));
      scope.setErrorHandler((err, req, reply) => sendError(err, req, reply));
      scope.setNotFoundHandler((req, reply) => sendError(new ScimError(404, undefined, 'No such SCIM endpoint.'), req, reply));
      scope.addHook('onRequest', async (req) => {
        const h = req.headers.authorization;
        const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
        const caller = m?.[1] ? await directory.callerOf(m[1]) : undefined;
        if (!caller) throw new ScimError(401, undefined, 'A SCIM token is required: Authorization: Bearer <token>.');
        req.scimCaller = caller;
        // The audit log's actor is the token (contextOf reads the request's caller).
        req.caller = caller;
      });

      const opts = { schema: { hide: true } };
      scope.get('/ServiceProviderConfig', opts, async (_req, reply) => send(reply, 200, serviceProviderConfig(base) as Json));
      scope.get('/ResourceTypes', opts, async (_req, reply) => send(reply, 200, listOf(resourceTypes(base) as Json[])));
      scope.get('/ResourceTypes/:id', opts, async (req, reply) => send(reply, 200, byId(resourceTypes(base) as Json[], (req as Req).params.id)));
      scope.get('/Schemas', opts, async (_req, reply) => send(reply, 200, listOf(schemaDocuments(base) as Json[])));
      scope.get('/Schemas/:id', opts, async (req, reply) => send(reply, 200, byId(schemaDocuments(base) as Json[], (req as Req).params.id)));
      scope.post('/Bulk', opts, async () => {
        throw new ScimError(501, undefined, 'Bulk operations are not supported (see ServiceProviderConfig).');
      });
      scope.get('/Me', opts, async () => {
        throw new ScimError(501, undefined, '/Me is not supported: a SCIM token acts for its organization, not for a person.');
      });

      for (const kind of ['Users', 'Groups'] as const) {
        const spec = kinds[kind] as KindSpec<unknown>;
        scope.get(`/${kind}`, opts, async (req, reply) => send(reply, 200, await list(spec, req as Req, (req as Req).query)));
        scope.post(`/${kind}/.search`, opts, async (req, reply) => send(reply, 200, await list(spec, req as Req, searchBody(req.body))));
        scope.post(`/${kind}`, opts, async (req, reply) => {
          const caller = callerOf(req);
          const created = spec.resource(await spec.ops.create(contextOf(req), caller, caller.orgId, spec.input(req.body) as never), base);
          return send(reply.header('location', (created.meta as Json).location as string), 201, created);
        });
        scope.get(`/${kind}/:id`, opts, async (req, reply) => {
          const projection = projectionOf((req as Req).query);
          const whole = spec.schema !== GROUP_SCHEMA_DEF || wantsMembers(projection);
          const r = spec.resource(await spec.ops.get(callerOf(req), callerOf(req).orgId, idOf(req as Req), { withMembers: whole }), base);
          const version = (r.meta as Json).version as string;
          // The version is of the whole resource: a group read without its members has none to give.
          if (!whole) {
            const shown = project(r, projection, spec.schema);
            delete (shown.meta as Json | undefined)?.version;
            return reply.status(200).type(CONTENT_TYPE).header('cache-control', 'no-store').send(shown);
          }
          if (etagMatches(req.headers['if-none-match'], version)) return reply.status(304).header('etag', version).send();
          return send(reply.header('etag', version), 200, project(r, projection, spec.schema));
        });
        scope.put(`/${kind}/:id`, opts, async (req, reply) => {
          const caller = callerOf(req);
          const input = spec.input(req.body) as never;
          const ifMatch = req.headers['if-match'];
          const r = await spec.ops.replace(contextOf(req), caller, caller.orgId, idOf(req as Req), input, ifMatchOf(ifMatch, spec));
          return send(reply, 200, spec.resource(r, base));
        });
        scope.patch(`/${kind}/:id`, opts, async (req, reply) => {
          const answer = await patch(spec, req as Req);
          return answer ? send(reply, 200, answer) : reply.status(204).send();
        });
        scope.delete(`/${kind}/:id`, opts, async (req, reply) => {
          const caller = callerOf(req);
          const ifMatch = req.headers['if-match'];
          await spec.ops.remove(contextOf(req), caller, caller.orgId, idOf(req as Req), ifMatchOf(ifMatch, spec));
          return reply.status(204).send();
        });
      }
    },
    { prefix: SCIM_MOUNT },
  );

  /** The If-Match check, run on the resource as it is in the change's transaction; none without the header (nothing is read for it). */
  function ifMatchOf(header: string | string[] | undefined, spec: KindSpec<unknown>): ((current: unknown) => void) | undefined {
    return header === undefined ? undefined : (current) => checkIfMatch(header, spec.resource(current, base));
  }

  async function list(spec: KindSpec<unknown>, req: Req, q: Record<string, unknown>): Promise<Json> {
    const caller = callerOf(req);
    const text = (name: string): string | undefined => {
      const v = q[name];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw new ScimError(400, 'invalidValue', `${name} must be a string.`);
      return v;
    };
    const filterText = text('filter');
    const filter = filterText === undefined ? undefined : toDirectoryFilter(parseFilter(filterText), spec.filterPaths);
    // RFC 7644 §3.4.2.4: a startIndex below 1 is 1; a negative count is 0.
    const startIndex = Math.max(1, integer(q.startIndex, 'startIndex') ?? 1);
    const count = Math.min(MAX_COUNT, Math.max(0, integer(q.count, 'count') ?? DEFAULT_COUNT));
    const sortText = text('sortBy');
    let sortBy: string | undefined;
    if (sortText !== undefined) {
      sortBy = normalizeAttrPath(sortText)?.toLowerCase();
      if (!sortBy || !spec.sortKeys.includes(sortBy)) throw new ScimError(400, 'invalidValue', `Results cannot be sorted by ${sortText.slice(0, 100)}; sortBy is one of ${spec.sortKeys.join(', ')}.`);
    }
    const order = text('sortOrder')?.toLowerCase();
    if (order !== undefined && order !== 'ascending' && order !== 'descending') throw new ScimError(400, 'invalidValue', 'sortOrder is "ascending" or "descending".');
    const projection = projectionOf({ attributes: text('attributes'), excludedAttributes: text('excludedAttributes') });
    const withMembers = spec.schema !== GROUP_SCHEMA_DEF || wantsMembers(projection);
    const { total, items } = await spec.ops.search(caller, caller.orgId, { filter, startIndex, count, sortBy, descending: order === 'descending' }, { withMembers });
    return {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: total,
      startIndex,
      itemsPerPage: items.length,
      Resources: items.map((r) => {
        const shown = project(spec.resource(r, base), projection, spec.schema);
        // A group read without its members has no version to give (it would not be the group's).
        if (!withMembers) delete (shown.meta as Json | undefined)?.version;
        return shown;
      }),
    };
  }

  /**
   * RFC 7644 §3.5.2: the operations applied to the resource as it is, and the result saved as a
   * whole, on condition that the resource did not change meanwhile (else applied again to the
   * new one). `If-Match` is checked against the resource the operations apply to.
   */
  async function patch(spec: KindSpec<unknown>, req: Req): Promise<Json | undefined> {
    const caller = callerOf(req);
    const ops = parsePatch(req.body);
    const id = idOf(req);
    const ifMatch = req.headers['if-match'];
    const isGroup = spec.schema === GROUP_SCHEMA_DEF;
    // Okta and Entra ID push a group's members as additions and removals: applied as such.
    const delta = isGroup ? memberDelta(ops) : undefined;
    if (delta) {
      // RFC 7644 §3.5.2: answered 204, so that its cost is the members it names, not the group's size.
      await directory.scim.groups.changeMembers(contextOf(req), caller, caller.orgId, id, delta, ifMatchOf(ifMatch, spec));
      return undefined;
    }
    const membersTouched = !isGroup || ops.some(touchesMembers);
    for (let attempt = 1; ; attempt++) {
      const before = spec.resource(await spec.ops.get(caller, caller.orgId, id), base);
      checkIfMatch(ifMatch, before);
      const after = applyPatch(before, ops, spec.schema);
      const version = (before.meta as Json).version as string;
      const input = spec.input(after) as Json;
      // A PATCH that does not name the members leaves them as they are, however many there are;
      // one that does and leaves none (an emptied list is dropped from the resource) empties them.
      if (!membersTouched) delete input.memberIds;
      else if (isGroup) input.memberIds ??= [];
      try {
        const saved = await spec.ops.replace(contextOf(req), caller, caller.orgId, id, input as never, (current) => {
          if (versionOf(spec.resource(current, base)) !== version) throw new AppError(DirectoryErrors.scimVersionMismatch);
        });
        return project(spec.resource(saved, base), projectionOf(req.query), spec.schema);
      } catch (e) {
        if (!(e instanceof AppError && e.is(DirectoryErrors.scimVersionMismatch)) || attempt >= PATCH_TRIES) throw e;
      }
    }
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

/** Whether members come back: not when the client excluded them, or named attributes without them (excluding a sub-attribute keeps them). */
function wantsMembers(p: { attributes?: string[]; excludedAttributes?: string[] }): boolean {
  if (p.attributes) return p.attributes.some((a) => /^members(\.|$)/i.test(a) || /:Group:members(\.|$)/i.test(a));
  return !(p.excludedAttributes ?? []).some((a) => /^members$/i.test(a) || /:Group:members$/i.test(a));
}

const MEMBER_FILTER = /^members\[(.*)\]$/is;

/** Whether an operation reads or writes the members (a path under them, or a value naming them). */
function touchesMembers(op: PatchOperation): boolean {
  if (op.path !== undefined) return /^members(\[|\.|$)/i.test(op.path) || /:Group:members/i.test(op.path);
  return typeof op.value === 'object' && op.value !== null && Object.keys(op.value).some((k) => /^members$/i.test(k) || /:Group:members$/i.test(k));
}

/** The ids of a `members` value ([{value}, …]); undefined when it is not that. */
function memberValues(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : [v];
  const ids: string[] = [];
  for (const m of list) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
    const entry = Object.entries(m).find(([k]) => k.toLowerCase() === 'value')?.[1];
    if (typeof entry !== 'string' || entry === '') return undefined;
    ids.push(entry);
  }
  return ids;
}

/** The ids a value filter on members names (`value eq "…"`, or several joined by `or`); undefined for another filter. */
function idsOfMemberFilter(text: string): string[] | undefined {
  let f: ScimFilter;
  try {
    f = parseFilter(text);
  } catch {
    return undefined;
  }
  const terms = f.op === 'or' ? f.filters : [f];
  const ids: string[] = [];
  for (const t of terms) {
    if (t.op !== 'eq' || t.path.toLowerCase() !== 'value' || typeof t.value !== 'string') return undefined;
    ids.push(t.value);
  }
  return ids;
}

/**
 * A group PATCH made only of member additions and removals, as the ids added and removed; undefined
 * when any operation is something else (it then goes the general way: applied to the whole group).
 */
export function memberDelta(ops: PatchOperation[]): { add: string[]; remove: string[] } | undefined {
  const add: string[] = [];
  const remove: string[] = [];
  for (const op of ops) {
    const path = op.path;
    if (op.op === 'add' && path !== undefined && /^members$/i.test(path)) {
      const ids = memberValues(op.value);
      if (!ids) return undefined;
      add.push(...ids);
    } else if (op.op === 'add' && path === undefined && typeof op.value === 'object' && op.value !== null && !Array.isArray(op.value)) {
      const entries = Object.entries(op.value);
      if (entries.length !== 1 || !/^members$/i.test((entries[0] as [string, unknown])[0])) return undefined;
      const ids = memberValues((entries[0] as [string, unknown])[1]);
      if (!ids) return undefined;
      add.push(...ids);
    } else if (op.op === 'remove' && path !== undefined && /^members$/i.test(path) && op.value !== undefined) {
      // Entra ID: {"op":"Remove","path":"members","value":[{"value":"…"}]}.
      const ids = memberValues(op.value);
      if (!ids) return undefined;
      remove.push(...ids);
    } else if (op.op === 'remove' && path !== undefined && MEMBER_FILTER.test(path)) {
      const ids = idsOfMemberFilter((MEMBER_FILTER.exec(path) as RegExpExecArray)[1] as string);
      if (!ids) return undefined;
      remove.push(...ids);
    } else return undefined;
  }
  // An id both added and removed: the operations' order decides, so the general way applies them.
  if (add.some((id) => remove.includes(id))) return undefined;
  return { add, remove };
}

function callerOf(req: FastifyRequest): Extract<Caller, { kind: 'client' }> {
  if (!req.scimCaller) throw new ScimError(401, undefined, 'A SCIM token is required.');
  return req.scimCaller;
}

function idOf(req: Req): string {
  const id = req.params.id ?? '';
  if (!ID.test(id)) throw new ScimError(404, undefined, 'No such resource.');
  return id;
}

/** An integer of a query or a SearchRequest, bounded so that it never reaches the database as anything else. */
function integer(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d{1,12}$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new ScimError(400, 'invalidValue', `${name} must be an integer.`);
  return Math.max(-MAX_START_INDEX, Math.min(MAX_START_INDEX, n));
}

function projectionOf(q: Record<string, unknown>): { attributes?: string[]; excludedAttributes?: string[] } {
  const list = (name: string) => {
    const v = q[name];
    if (v !== undefined && typeof v !== 'string' && !Array.isArray(v)) throw new ScimError(400, 'invalidValue', `${name} must be a comma-separated list.`);
    return parseAttributeList(Array.isArray(v) ? v.join(',') : (v as string | undefined));
  };
  const attributes = list('attributes');
  const excludedAttributes = list('excludedAttributes');
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

/** A SearchRequest body (RFC 7644 §3.4.3) as query parameters. */
function searchBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError(400, 'invalidSyntax', 'The body must be a SearchRequest.');
  const b = body as Json;
  const schemas = b.schemas;
  if (!Array.isArray(schemas) || !schemas.includes('urn:ietf:params:scim:api:messages:2.0:SearchRequest')) {
    throw new ScimError(400, 'invalidSyntax', 'schemas must include urn:ietf:params:scim:api:messages:2.0:SearchRequest.');
  }
  const out: Record<string, unknown> = {};
  for (const k of ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count']) if (b[k] !== undefined) out[k] = b[k];
  for (const k of ['attributes', 'excludedAttributes']) {
    const v = b[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new ScimError(400, 'invalidValue', `${k} must be an array of attribute names.`);
    out[k] = v.join(',');
  }
  return out;
}

const stripWeak = (tag: string) => tag.trim().replace(/^W\//, '');

function etagMatches(header: string | string[] | undefined, version: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim());
  return tags.some((t) => t === '*' || stripWeak(t) === stripWeak(version));
}

/** RFC 7644 §3.14: with If-Match, a change applies only to the version the client read. */
function checkIfMatch(header: string | string[] | undefined, current: Json): void {
  if (header === undefined) return;
  if (!etagMatches(header, (current.meta as Json).version as string)) throw new ScimError(412, undefined, 'The resource changed since this version was read (If-Match).');
}

function listOf(resources: Json[]): Json {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}

function byId(resources: Json[], id: string | undefined): Json {
  const found = resources.find((r) => r.id === id || (typeof r.name === 'string' && r.name === id));
  if (!found) throw new ScimError(404, undefined, 'No such resource.');
  return found;
}

function send(reply: FastifyReply, status: number, body: Json): FastifyReply {
  const meta = body.meta as Json | undefined;
  if (meta && typeof meta.version === 'string') reply.header('etag', meta.version);
  return reply.status(status).type(CONTENT_TYPE).header('cache-control', 'no-store').send(body);
}

/** Every error as SCIM's error response (RFC 7644 §3.12); what the directory refuses keeps its message. */
function toScimError(e: unknown): { error: ScimError; retryAfter?: number } {
  if (e instanceof ScimError) return { error: e };
  if (e instanceof AppError) {
    const conflictCodes = [DirectoryErrors.scimUserNameTaken, DirectoryErrors.alreadyInOrganization, DirectoryErrors.groupNameTaken, DirectoryErrors.usernameTaken];
    if (conflictCodes.some((d) => e.is(d))) return { error: new ScimError(409, 'uniqueness', e.message) };
    if (e.is(DirectoryErrors.scimImmutable)) return { error: new ScimError(400, 'mutability', e.message) };
    if (e.is(DirectoryErrors.scimVersionMismatch)) return { error: new ScimError(409, undefined, 'The resource kept changing while the PATCH was applied; try again.') };
    if (e.is(DirectoryErrors.unsupportedFilter)) return { error: new ScimError(400, 'invalidFilter', e.message) };
    switch (e.kind) {
      case 'invalid':
        return { error: new ScimError(400, 'invalidValue', e.message) };
      case 'not_found':
        return { error: new ScimError(404, undefined, 'No such resource.') };
      case 'forbidden':
        return { error: new ScimError(403, undefined, e.message) };
      case 'limit_reached':
        // DIR-4: the plan's user limit, named.
        return { error: new ScimError(403, undefined, e.message) };
      case 'unauthenticated':
        return { error: new ScimError(401, undefined, e.message) };
      case 'rate_limited':
        return { error: new ScimError(429, undefined, e.message), ...(e.retryAfterSeconds !== undefined ? { retryAfter: e.retryAfterSeconds } : {}) };
      case 'conflict':
        return { error: new ScimError(409, undefined, e.message) };
      default:
        return { error: new ScimError(500, undefined, 'Internal error.') };
    }
  }
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (status === 413) return { error: new ScimError(413, undefined, `The request body is larger than ${BODY_LIMIT} bytes.`) };
  if (status === 415) return { error: new ScimError(415, undefined, 'Send the body as application/scim+json (or application/json).') };
  if (typeof status === 'number' && status >= 400 && status < 500) return { error: new ScimError(400, 'invalidSyntax', 'The request is malformed.') };
  return { error: new ScimError(500, undefined, 'Internal error.') };
}

function sendError(e: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, retryAfter } = toScimError(e);
  if (error.status >= 500 && error.status !== 501) req.log.error({ err: e }, 'scim request failed');
  else req.log.info({ status: error.status, scimType: error.scimType }, 'scim request refused');
  if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="SCIM"');
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.status(error.status).type(CONTENT_TYPE).header('cache-control', 'no-store').send(scimErrorBody(error));
}
