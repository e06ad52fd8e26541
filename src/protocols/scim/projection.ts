/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which parts
 * of a resource a response carries. Identity providers ask for little
 * (Entra: `attributes=userName`), which keeps responses small.
 *
 * Whatever is asked, `id`, `schemas` and `meta.resourceType` are returned
 * ("returned: always", RFC 7643 §7), and writeOnly attributes never are.
 */
import { ScimError } from './errors.ts';
import { getCi, normalizeAttrPath } from './filter.ts';
import type { AttributeDef, ResourceSchemaDef } from './patch.ts';

export const MAX_ATTRIBUTE_NAMES = 100;

type Json = Record<string, unknown>;

/** One requested name, resolved: an attribute (maybe one sub-attribute of it), or a whole extension. */
type Selector = { ext?: ResourceSchemaDef; attr?: AttributeDef; sub?: AttributeDef };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function findDef(defs: AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return defs?.find((d) => d.name.toLowerCase() === lower);
}

/** The `attributes` / `excludedAttributes` query parameter: comma-separated names; absent or empty means none. */
export function parseAttributeList(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const names = text.split(',').map((n) => n.trim());
  if (names.length > MAX_ATTRIBUTE_NAMES) throw new ScimError(400, 'invalidValue', `at most ${MAX_ATTRIBUTE_NAMES} attribute names`);
  for (const n of names) {
    if (n === '') throw new ScimError(400, 'invalidValue', 'an attribute name in the list is empty');
    if (n.length > 300 || normalizeAttrPath(n) === undefined) throw new ScimError(400, 'invalidValue', `${JSON.stringify(n.slice(0, 100))} is not an attribute name`);
  }
  return names;
}

/** Resolves a name against the schema; unknown names select nothing, as RFC 7644 §3.4.2.5 lets servers do. */
function select(name: string, schema: ResourceSchemaDef): Selector | undefined {
  const whole = (schema.extensions ?? []).find((e) => e.id.toLowerCase() === name.toLowerCase());
  if (whole) return { ext: whole };
  const norm = normalizeAttrPath(name);
  if (norm === undefined) return undefined;
  const colon = norm.lastIndexOf(':');
  let ext: ResourceSchemaDef | undefined;
  if (colon >= 0) {
    const urn = norm.slice(0, colon).toLowerCase();
    ext = (schema.extensions ?? []).find((e) => e.id.toLowerCase() === urn);
    if (!ext && urn !== schema.id.toLowerCase()) return undefined;
  }
  const [attrName, subName] = norm.slice(colon + 1).split('.') as [string, string | undefined];
  const attr = findDef((ext ?? schema).attributes, attrName);
  if (!attr) return undefined;
  if (subName === undefined) return ext ? { ext, attr } : { attr };
  const sub = findDef(attr.subAttributes, subName);
  if (!sub) return undefined;
  return ext ? { ext, attr, sub } : { attr, sub };
}

/** The resource as a response carries it, given the request's `attributes` and `excludedAttributes`. */
export function project(resource: Json, opts: { attributes?: string[]; excludedAttributes?: string[] }, schema: ResourceSchemaDef): Json {
  const base = structuredClone(resource);
  dropNeverReturned(base, schema);
  const picked = opts.attributes && opts.attributes.length > 0 ? pick(base, opts.attributes, schema) : base;
  for (const name of opts.excludedAttributes ?? []) {
    const s = select(name, schema);
    if (s) exclude(picked, s, schema);
  }
  return picked;
}

function dropNeverReturned(res: Json, schema: ResourceSchemaDef): void {
  const never = (a: AttributeDef) => a.mutability === 'writeOnly' || a.returned === 'never';
  const strip = (box: unknown, defs: AttributeDef[]) => {
    if (!isObject(box)) return;
    for (const a of defs) {
      if (never(a)) deleteCi(box, a.name);
      else if (a.subAttributes) for (const el of asList(getCi(box, a.name))) strip(el, a.subAttributes);
    }
  };
  strip(res, schema.attributes);
  for (const ext of schema.extensions ?? []) strip(getCi(res, ext.id), ext.attributes);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function deleteCi(box: Json, name: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(box)) if (k.toLowerCase() === lower) delete box[k];
}

/** Only the named attributes, plus what is always returned. */
function pick(res: Json, names: string[], schema: ResourceSchemaDef): Json {
  const out: Json = {};
  copyAlways(res, out, schema);
  for (const name of names) {
    const s = select(name, schema);
    if (!s) continue;
    const from = s.ext ? getCi(res, s.ext.id) : res;
    if (!isObject(from)) continue;
    let to = out;
    if (s.ext) {
      const existing = out[s.ext.id];
      to = isObject(existing) ? existing : (out[s.ext.id] = {});
    }
    if (!s.attr) {
      Object.assign(to, from);
      continue;
    }
    const value = getCi(from, s.attr.name);
    if (value === undefined) continue;
    to[s.attr.name] = s.sub ? mergeSub(to[s.attr.name], value, s.sub) : value;
  }
  return out;
}

function copyAlways(res: Json, out: Json, schema: ResourceSchemaDef): void {
  if (res.schemas !== undefined) out.schemas = res.schemas;
  for (const a of schema.attributes) {
    const v = getCi(res, a.name);
    if (v !== undefined && (a.returned === 'always' || a.name === 'id')) out[a.name] = v;
  }
  const resourceType = getCi(getCi(res, 'meta'), 'resourceType');
  if (resourceType !== undefined) out.meta = { resourceType };
}

/** Adds one sub-attribute of `value` to what was already picked of it (`name.givenName` then `name.familyName`). */
function mergeSub(picked: unknown, value: unknown, sub: AttributeDef): unknown {
  const one = (have: unknown, el: unknown): Json => {
    const base: Json = isObject(have) ? have : {};
    const v = getCi(el, sub.name);
    return v === undefined ? base : { ...base, [sub.name]: v };
  };
  // A whole attribute picked before stays whole: adding one of its own sub-attributes changes nothing.
  if (!Array.isArray(value)) return one(picked, value);
  const have = Array.isArray(picked) ? picked : [];
  return value.map((el, i) => one(have[i], el));
}

/** Removes what the selector names, keeping what is always returned (RFC 7644 §3.4.2.5). */
function exclude(res: Json, s: Selector, schema: ResourceSchemaDef): void {
  const box = s.ext ? getCi(res, s.ext.id) : res;
  if (!isObject(box)) return;
  if (!s.attr) {
    deleteCi(res, (s.ext as ResourceSchemaDef).id);
    return;
  }
  if (!s.ext && (s.attr.returned === 'always' || s.attr.name === 'id')) return;
  if (s.sub) {
    for (const el of asList(getCi(box, s.attr.name))) if (isObject(el) && !(s.attr.name === 'meta' && /^resourcetype$/i.test(s.sub.name))) deleteCi(el, s.sub.name);
    return;
  }
  if (!s.ext && s.attr.name === 'meta' && schema.attributes.includes(s.attr)) {
    const resourceType = getCi(getCi(box, 'meta'), 'resourceType');
    deleteCi(box, 'meta');
    if (resourceType !== undefined) box.meta = { resourceType };
    return;
  }
  deleteCi(box, s.attr.name);
}
