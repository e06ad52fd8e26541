import { createHash } from 'node:crypto';
import type { ScimGroupInput, ScimGroupRecord, ScimUserInput, ScimUserRecord } from '../../modules/directory/index.ts';
import { ScimError } from './errors.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './schemas.ts';

/**
 * PRO-4: the directory's records as SCIM resources (RFC 7643 §4), and SCIM resources as what the
 * directory sets. Attribute names are matched case-insensitively (RFC 7643 §2.1); what Okta and
 * Microsoft Entra ID send (booleans as "True"/"False", a manager as a bare id) is taken as meant.
 */

type Json = Record<string, unknown>;

/** A resource's version: a digest of what it shows, so it changes exactly when the resource does. */
export function versionOf(resource: Json): string {
  const { meta, ...rest } = resource;
  const shown = { ...rest, meta: { ...(meta as Json), version: undefined, location: undefined } };
  return `W/"${createHash('sha256').update(JSON.stringify(shown)).digest('base64url').slice(0, 22)}"`;
}

function withVersion(resource: Json): Json {
  const version = versionOf(resource);
  (resource.meta as Json).version = version;
  return resource;
}

export function userResource(u: ScimUserRecord, base: string): Json {
  const enterprise: Json = {
    ...(u.employeeNumber !== null ? { employeeNumber: u.employeeNumber } : {}),
    ...(u.department !== null ? { department: u.department } : {}),
    ...(u.manager ? { manager: { value: u.manager.id, $ref: `${base}/Users/${u.manager.id}`, displayName: u.manager.name } } : {}),
  };
  return withVersion({
    schemas: [USER_SCHEMA, ...(Object.keys(enterprise).length > 0 ? [ENTERPRISE_USER_SCHEMA] : [])],
    id: u.id,
    ...(u.externalId !== null ? { externalId: u.externalId } : {}),
    userName: u.userName,
    name: {
      formatted: u.name,
      ...(u.givenName !== null ? { givenName: u.givenName } : {}),
      ...(u.familyName !== null ? { familyName: u.familyName } : {}),
    },
    displayName: u.name,
    emails: [{ value: u.email, type: 'work', primary: true }],
    active: u.active,
    groups: u.groups.map((g) => ({ value: g.id, $ref: `${base}/Groups/${g.id}`, display: g.name, type: 'direct' })),
    ...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE_USER_SCHEMA]: enterprise } : {}),
    meta: { resourceType: 'User', created: u.createdAt, lastModified: u.updatedAt, location: `${base}/Users/${u.id}` },
  });
}

export function groupResource(g: ScimGroupRecord, base: string): Json {
  return withVersion({
    schemas: [GROUP_SCHEMA],
    id: g.id,
    ...(g.externalId !== null ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    members: g.members.map((m) => ({ value: m.id, $ref: `${base}/Users/${m.id}`, display: m.name, type: 'User' })),
    meta: { resourceType: 'Group', created: g.createdAt, lastModified: g.updatedAt, location: `${base}/Groups/${g.id}` },
  });
}

// ---- reading what a client sends -----------------------------------------------------------------

const bad = (detail: string) => new ScimError(400, 'invalidValue', detail);

/** A member of `o` by case-insensitive name. */
function get(o: Json, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function object(v: unknown, what: string): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} must be an object.`);
  return v as Json;
}

function string(v: unknown, what: string): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw bad(`${what} must be a string.`);
  return v;
}

/** A boolean, or the strings Microsoft Entra ID sends for one ("True", "False"). */
export function boolean(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw bad(`${what} must be a boolean.`);
}

function checkSchemas(body: Json, core: string): void {
  const schemas = get(body, 'schemas');
  if (schemas === undefined) return;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) throw new ScimError(400, 'invalidSyntax', 'schemas must be an array of schema URNs.');
  if (!schemas.some((s) => (s as string).toLowerCase() === core.toLowerCase())) throw new ScimError(400, 'invalidSyntax', `schemas must include ${core}.`);
}

/** The primary address, else the first. */
function primaryEmail(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad('emails must be an array.');
  if (v.length > 20) throw bad('emails has at most 20 values.');
  const items = v.map((e, i) => object(e, `emails[${i}]`) ?? {});
  const chosen = items.find((e) => boolean(get(e, 'primary'), 'emails.primary') === true) ?? items[0];
  if (!chosen) return null;
  return string(get(chosen, 'value'), 'emails.value') ?? null;
}

export function userInput(body: unknown): ScimUserInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError(400, 'invalidSyntax', 'The request body must be a User resource.');
  const o = body as Json;
  checkSchemas(o, USER_SCHEMA);
  const userName = string(get(o, 'userName'), 'userName');
  if (typeof userName !== 'string' || userName.trim() === '') throw bad('userName is required.');
  const name = object(get(o, 'name'), 'name') ?? {};
  const ext = object(get(o, ENTERPRISE_USER_SCHEMA), ENTERPRISE_USER_SCHEMA) ?? {};
  const managerRaw = get(ext, 'manager');
  const manager = typeof managerRaw === 'string' ? managerRaw : string(get(object(managerRaw, 'manager') ?? {}, 'value'), 'manager.value');
  return {
    userName,
    externalId: string(get(o, 'externalId'), 'externalId') ?? null,
    displayName: string(get(o, 'displayName'), 'displayName') ?? null,
    formattedName: string(get(name, 'formatted'), 'name.formatted') ?? null,
    givenName: string(get(name, 'givenName'), 'name.givenName') ?? null,
    familyName: string(get(name, 'familyName'), 'name.familyName') ?? null,
    email: primaryEmail(get(o, 'emails')) ?? null,
    active: boolean(get(o, 'active'), 'active'),
    employeeNumber: string(get(ext, 'employeeNumber'), 'employeeNumber') ?? null,
    department: string(get(ext, 'department'), 'department') ?? null,
    managerId: manager ?? null,
  };
}

export function groupInput(body: unknown): ScimGroupInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError(400, 'invalidSyntax', 'The request body must be a Group resource.');
  const o = body as Json;
  checkSchemas(o, GROUP_SCHEMA);
  const displayName = string(get(o, 'displayName'), 'displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '') throw bad('displayName is required.');
  const members = get(o, 'members');
  let memberIds: string[] | undefined;
  if (members !== undefined && members !== null) {
    if (!Array.isArray(members)) throw bad('members must be an array.');
    memberIds = members.map((m, i) => {
      const v = string(get(object(m, `members[${i}]`) ?? {}, 'value'), `members[${i}].value`);
      if (typeof v !== 'string' || v === '') throw bad(`members[${i}].value is required.`);
      return v;
    });
  }
  // Without `members` the members stay as they are (a PUT that leaves them out clears nothing); [] removes them all.
  return { displayName, externalId: string(get(o, 'externalId'), 'externalId') ?? null, ...(memberIds !== undefined ? { memberIds } : {}) };
}
