/**
 * SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON, with no I/O: the
 * edge loads the resource, this computes the new one, the module stores it.
 *
 * Every operation, whatever its path, is reduced to one step: compute the new
 * value of one top-level attribute, check that value against the attribute's
 * mutability (RFC 7643 §2.2) once, and write it. So the checks cannot differ
 * between `"path": "active"`, `"value": {"active": false}` and a value path.
 *
 * Identity providers bend the RFC and we accept what they really send (PRO-4):
 * `"op": "Replace"` (Entra), booleans as strings (Entra's `"active": "False"`),
 * a bare id for the enterprise `manager`, and `id` resent unchanged (Okta).
 */
import { ScimError } from './errors.ts';
import { type ScimFilter, getCi, matchesFilter, normalizeAttrPath, parseFilter } from './filter.ts';

export interface AttributeDef {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'integer' | 'dateTime';
  multiValued: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  caseExact?: boolean;
  subAttributes?: AttributeDef[];
  required?: boolean;
  /** RFC 7643 §2.2; `default` when absent (`writeOnly` attributes are never returned). */
  returned?: 'always' | 'never' | 'default' | 'request';
  /** RFC 7643 §2.2; `none` when absent. */
  uniqueness?: 'none' | 'server' | 'global';
  description?: string;
  referenceTypes?: string[];
  canonicalValues?: string[];
}

export interface ResourceSchemaDef {
  /** The schema URN. */
  id: string;
  name?: string;
  description?: string;
  attributes: AttributeDef[];
  /** Extension schemas whose attributes live under their URN in the resource (the enterprise User). */
  extensions?: ResourceSchemaDef[];
}

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 1000;

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

type Json = Record<string, unknown>;
const OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace']);

const syntax = (detail: string): never => {
  throw new ScimError(400, 'invalidSyntax', detail);
};
const badPath = (detail: string): never => {
  throw new ScimError(400, 'invalidPath', detail);
};
const badValue = (detail: string): never => {
  throw new ScimError(400, 'invalidValue', detail);
};
const noTarget = (detail: string): never => {
  throw new ScimError(400, 'noTarget', detail);
};
const mutability = (detail: string): never => {
  throw new ScimError(400, 'mutability', detail);
};

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a PatchOp body (RFC 7644 §3.5.2) and returns its operations with `op` in lower case. */
export function parsePatch(body: unknown): PatchOperation[] {
  if (!isObject(body)) return syntax('the body must be a JSON object');
  const schemas = getCi(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    syntax(`"schemas" must include ${PATCH_OP_SCHEMA}`);
  }
  const ops = getCi(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0) return syntax('"Operations" must be a non-empty array');
  if (ops.length > MAX_PATCH_OPERATIONS) syntax(`at most ${MAX_PATCH_OPERATIONS} operations`);
  return ops.map((o, i) => {
    if (!isObject(o)) return syntax(`operation ${i} is not an object`);
    const op = getCi(o, 'op');
    if (typeof op !== 'string' || !OPS.has(op.toLowerCase())) return syntax(`operation ${i}: "op" must be add, remove or replace`);
    const path = getCi(o, 'path');
    if (path !== undefined && path !== null && typeof path !== 'string') syntax(`operation ${i}: "path" must be a string`);
    const out: PatchOperation = { op: op.toLowerCase() as PatchOperation['op'] };
    if (typeof path === 'string' && path.trim() !== '') out.path = path.trim();
    const value = getCi(o, 'value');
    if (value !== undefined) out.value = value;
    return out;
  });
}

/** Applies the operations in order to a copy of the resource; the input is never changed. */
export function applyPatch(resource: Json, ops: PatchOperation[], schema: ResourceSchemaDef): Json {
  const res = structuredClone(resource);
  for (const op of ops) applyOne(res, { ...op, op: opName(op.op) }, schema);
  for (const ext of schema.extensions ?? []) tidyExtension(res, ext);
  return res;
}

function opName(op: unknown): PatchOperation['op'] {
  const lower = typeof op === 'string' ? op.toLowerCase() : '';
  return OPS.has(lower) ? (lower as PatchOperation['op']) : syntax('"op" must be add, remove or replace');
}

function applyOne(res: Json, op: PatchOperation, schema: ResourceSchemaDef): void {
  if (op.path === undefined) return applyWithoutPath(res, op, schema);
  if (typeof op.path !== 'string') return syntax('"path" must be a string');
  const ext = (schema.extensions ?? []).find((e) => e.id.toLowerCase() === op.path?.toLowerCase());
  if (ext) return applyToExtension(res, op, ext, schema);
  const target = resolvePath(op.path, schema);
  const box = container(res, target.ext);
  const current = readAttr(box, target.attr.name);
  let next: unknown;
  if (op.op === 'remove' && op.value !== undefined && op.value !== null && !target.filter && !target.sub && target.attr.multiValued) {
    next = removedValues(current, target.attr, op.value);
  } else if (op.op === 'remove' || (op.op === 'replace' && op.value === null)) {
    next = removed(current, target);
  } else {
    if (op.value === undefined || op.value === null) badValue(`"${op.op}" on "${op.path}" needs a value`);
    next = written(current, target, op.op, op.value);
  }
  commit(box, target.attr, current, next, op.path);
}

/** No path: the value's keys are attribute paths, or an extension URN holding its attributes (RFC 7644 §3.5.2.1). */
function applyWithoutPath(res: Json, op: PatchOperation, schema: ResourceSchemaDef): void {
  if (op.op === 'remove') return noTarget('"remove" needs a path (RFC 7644 §3.5.2.2)');
  if (!isObject(op.value)) return badValue(`"${op.op}" without a path needs an object value`);
  for (const [key, value] of Object.entries(op.value)) {
    if (key.toLowerCase() === 'schemas') continue;
    const ext = (schema.extensions ?? []).find((e) => e.id.toLowerCase() === key.toLowerCase());
    if (ext) applyToExtension(res, { op: op.op, value }, ext, schema);
    else applyOne(res, { op: op.op, path: key, value }, schema);
  }
}

/** The whole extension as target: its object's keys are its attributes. */
function applyToExtension(res: Json, op: PatchOperation, ext: ResourceSchemaDef, schema: ResourceSchemaDef): void {
  if (op.op === 'remove' || op.value === null) {
    for (const attr of ext.attributes) applyOne(res, { op: 'remove', path: `${ext.id}:${attr.name}` }, schema);
    return;
  }
  if (!isObject(op.value)) return badValue(`the value of ${ext.id} must be an object`);
  for (const [key, value] of Object.entries(op.value)) applyOne(res, { op: op.op, path: `${ext.id}:${key}`, value }, schema);
}

interface Target {
  ext?: ResourceSchemaDef;
  attr: AttributeDef;
  filter?: ScimFilter;
  sub?: AttributeDef;
}

function findDef(defs: AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return defs?.find((d) => d.name.toLowerCase() === lower);
}

/** PATH = attrPath / valuePath [subAttr] (RFC 7644 §3.5.2, Figure 7), resolved against the schema. */
function resolvePath(path: string, schema: ResourceSchemaDef): Target {
  const open = path.indexOf('[');
  let attrText = path;
  let filter: ScimFilter | undefined;
  let subName: string | undefined;
  if (open >= 0) {
    const close = path.lastIndexOf(']');
    if (close < open) badPath(`unbalanced "[" in path "${path}"`);
    attrText = path.slice(0, open);
    filter = pathFilter(path.slice(open + 1, close), path);
    const after = path.slice(close + 1);
    if (after !== '') {
      if (!/^\.(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/.test(after)) badPath(`unexpected "${after}" after "]" in path "${path}"`);
      subName = after.slice(1);
    }
  }
  const norm = normalizeAttrPath(attrText) ?? badPath(`"${path}" is not an attribute path`);
  const colon = norm.lastIndexOf(':');
  let ext: ResourceSchemaDef | undefined;
  if (colon >= 0) {
    const urn = norm.slice(0, colon).toLowerCase();
    if (urn !== schema.id.toLowerCase()) {
      ext = (schema.extensions ?? []).find((e) => e.id.toLowerCase() === urn) ?? badPath(`unknown schema in path "${path}"`);
    }
  }
  const names = norm.slice(colon + 1).split('.');
  if (names.length > 1 && filter) badPath(`"${path}" has a sub-attribute before "["`);
  const attr = findDef((ext ?? schema).attributes, names[0] as string) ?? badPath(`unknown attribute in path "${path}"`);
  subName ??= names[1];
  const target: Target = { attr };
  if (ext) target.ext = ext;
  if (subName !== undefined) {
    if (attr.type !== 'complex') badPath(`"${attr.name}" has no sub-attributes`);
    target.sub = findDef(attr.subAttributes, subName) ?? badPath(`unknown sub-attribute in path "${path}"`);
  }
  if (filter) {
    if (!attr.multiValued || attr.type !== 'complex') badPath(`"${attr.name}" is not a multi-valued complex attribute`);
    target.filter = filter;
  }
  return target;
}

/** A value filter in a path: a malformed one makes the path invalid (RFC 7644 §3.12, invalidPath). */
function pathFilter(text: string, path: string): ScimFilter {
  let f: ScimFilter;
  try {
    f = parseFilter(text);
  } catch (e) {
    if (e instanceof ScimError) badPath(`bad filter in path "${path}": ${e.message}`);
    throw e;
  }
  if (hasValuePath(f)) badPath(`value filters cannot nest in path "${path}"`);
  return f;
}

function hasValuePath(f: ScimFilter): boolean {
  if (f.op === 'valuePath') return true;
  if (f.op === 'and' || f.op === 'or') return f.filters.some(hasValuePath);
  if (f.op === 'not') return hasValuePath(f.filter);
  return false;
}

/** The object holding the attribute: the resource, or its extension object (created on demand). */
function container(res: Json, ext: ResourceSchemaDef | undefined): Json {
  if (!ext) return res;
  const existing = readAttr(res, ext.id);
  if (isObject(existing)) return existing;
  const box: Json = {};
  writeKey(res, ext.id, box);
  return box;
}

function readAttr(box: Json, name: string): unknown {
  return getCi(box, name);
}

/** Writes under the schema's spelling, dropping other spellings of the same name (RFC 7643 §2.1). */
function writeKey(box: Json, name: string, value: unknown): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(box)) if (k.toLowerCase() === lower) delete box[k];
  if (value !== undefined) box[name] = value;
}

/**
 * The mutability check (RFC 7644 §3.5.2, RFC 7643 §2.2), then the write.
 * Setting a readOnly or immutable attribute to the value it has is a no-op:
 * Okta resends `id` with its changes.
 */
function commit(box: Json, attr: AttributeDef, current: unknown, next: unknown, path: string): void {
  if (Array.isArray(next) && next.length === 0) next = undefined;
  if (deepEqual(current, next)) return;
  if (attr.mutability === 'readOnly') mutability(`"${attr.name}" is readOnly`);
  if (attr.mutability === 'immutable' && current !== undefined) mutability(`"${attr.name}" is immutable`);
  // RFC 7644 §3.5.2.2: unassigning a required attribute is a mutability error.
  if (next === undefined && attr.required) mutability(`"${attr.name}" is required and cannot be removed (path "${path}")`);
  writeKey(box, attr.name, next);
}

/** The attribute's value after `remove` (or `replace` with null). A filter matching nothing removes nothing. */
function removed(current: unknown, t: Target): unknown {
  if (!t.filter && !t.sub) return undefined;
  if (t.sub) guardSub(t.sub);
  if (!t.attr.multiValued) {
    if (!isObject(current) || !t.sub) return current;
    const next = { ...current };
    writeKey(next, t.sub.name, undefined);
    return Object.keys(next).length === 0 ? undefined : next;
  }
  const arr = Array.isArray(current) ? current : [];
  const hit = (e: unknown) => !t.filter || matchesFilter(e, t.filter, caseExactOf(t.attr));
  if (!t.sub) return arr.filter((e) => !hit(e));
  return arr.map((e) => {
    if (!isObject(e) || !hit(e)) return e;
    const copy = { ...e };
    writeKey(copy, (t.sub as AttributeDef).name, undefined);
    return copy;
  });
}

/**
 * `remove` with a path and a list of values: Entra removes group members as
 * `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`, outside the
 * RFC's grammar but unambiguous; the elements equal to a listed one go.
 */
function removedValues(current: unknown, attr: AttributeDef, value: unknown): unknown {
  const gone = coerce(attr, value, attr.name) as unknown[];
  const valueDef = findDef(attr.subAttributes, 'value');
  const arr = Array.isArray(current) ? current : [];
  return arr.filter((e) => !gone.some((g) => sameElement(e, g, attr, valueDef)));
}

/** The attribute's value after `add` or `replace` of `value` at the target. */
function written(current: unknown, t: Target, op: 'add' | 'replace', value: unknown): unknown {
  const { attr } = t;
  if (t.filter) return writtenFiltered(current, t, t.filter, op, value);
  if (t.sub) {
    guardSub(t.sub);
    const sv = coerceSimple(t.sub, value, `${attr.name}.${t.sub.name}`);
    if (!attr.multiValued) return { ...(isObject(current) ? current : {}), [t.sub.name]: sv };
    const arr = Array.isArray(current) ? current : [];
    if (arr.length === 0) return [{ [t.sub.name]: sv }];
    return withPrimary(
      arr.map((e) => ({ ...(isObject(e) ? e : {}), [(t.sub as AttributeDef).name]: sv })),
      new Set(),
    );
  }
  const v = coerce(attr, value, attr.name);
  if (!attr.multiValued) {
    // RFC 7644 §3.5.2.1 and §3.5.2.3: a complex value's sub-attributes are merged, others left unchanged.
    return attr.type === 'complex' && isObject(current) ? { ...current, ...(v as Json) } : v;
  }
  const elements = v as unknown[];
  if (op === 'replace') return withPrimary(elements.map(asJson), new Set(elements));
  return appendUnique(Array.isArray(current) ? current : [], elements, attr);
}

function asJson(e: unknown): Json {
  return isObject(e) ? e : {};
}

/** `add` to a multi-valued attribute appends, merging into an element with the same `value` (RFC 7644 §3.5.2.1). */
function appendUnique(current: unknown[], elements: unknown[], attr: AttributeDef): unknown[] {
  const out = [...current];
  const touched = new Set<unknown>();
  const valueDef = findDef(attr.subAttributes, 'value');
  for (const e of elements) {
    const at = out.findIndex((o) => sameElement(o, e, attr, valueDef));
    if (at < 0) {
      out.push(e);
      touched.add(e);
    } else if (isObject(e) && isObject(out[at])) {
      const merged = { ...(out[at] as Json), ...e };
      out[at] = merged;
      touched.add(merged);
    }
  }
  return attr.type === 'complex' ? withPrimary(out.map(asJson), touched) : out;
}

function sameElement(a: unknown, b: unknown, attr: AttributeDef, valueDef: AttributeDef | undefined): boolean {
  if (attr.type !== 'complex' || !valueDef) return deepEqual(a, b);
  const av = getCi(a, 'value');
  const bv = getCi(b, 'value');
  if (av === undefined || bv === undefined) return deepEqual(a, b);
  if (typeof av === 'string' && typeof bv === 'string' && !valueDef.caseExact) return av.toLowerCase() === bv.toLowerCase();
  return av === bv;
}

/** A value path target: change the matching elements; `add` creates one from the filter's `eq` terms when none matches. */
function writtenFiltered(current: unknown, t: Target, filter: ScimFilter, op: 'add' | 'replace', value: unknown): unknown {
  const { attr, sub } = t;
  if (sub) guardSub(sub);
  const patchOf = (): Json => (sub ? { [sub.name]: coerceSimple(sub, value, `${attr.name}.${sub.name}`) } : asJson(coerceElement(attr, value)));
  const arr = Array.isArray(current) ? current : [];
  const touched = new Set<unknown>();
  const next = arr.map((e) => {
    if (!isObject(e) || !matchesFilter(e, filter, caseExactOf(attr))) return e;
    const changed = { ...e, ...patchOf() };
    touched.add(changed);
    return changed;
  });
  if (touched.size === 0) {
    // RFC 7644 §3.5.2.3: a replace whose filter matches nothing is noTarget.
    if (op === 'replace') noTarget(`no value of "${attr.name}" matches the filter`);
    const seed = elementFromFilter(filter, attr) ?? noTarget(`no value of "${attr.name}" matches the filter`);
    const created = asJson(coerceElement(attr, { ...seed, ...patchOf() }));
    touched.add(created);
    next.push(created);
  }
  return withPrimary(next.map(asJson), touched);
}

/** `type eq "work" and primary eq true` → `{type: "work", primary: true}`; undefined for any other shape. */
function elementFromFilter(f: ScimFilter, attr: AttributeDef): Json | undefined {
  if (f.op === 'and') {
    const parts = f.filters.map((g) => elementFromFilter(g, attr));
    return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  if (f.op !== 'eq' || f.value === null) return undefined;
  const def = findDef(attr.subAttributes, f.path);
  return def ? { [def.name]: f.value } : undefined;
}

/** RFC 7643 §2.4: at most one `primary: true`; the element just set wins over the others. */
function withPrimary(arr: Json[], touched: Set<unknown>): Json[] {
  const winner = [...arr].reverse().find((e) => touched.has(e) && e.primary === true);
  if (!winner) return arr;
  return arr.map((e) => (e !== winner && e.primary === true ? { ...e, primary: false } : e));
}

function caseExactOf(attr: AttributeDef) {
  return (path: string) => findDef(attr.subAttributes, path)?.caseExact === true;
}

/**
 * A path naming a readOnly sub-attribute (`manager.displayName`) or an
 * immutable one (`members[…].value`) cannot be written (RFC 7643 §2.2).
 */
function guardSub(sub: AttributeDef): void {
  if (sub.mutability === 'readOnly' || sub.mutability === 'immutable') mutability(`"${sub.name}" is ${sub.mutability}`);
}

/** A client value for the whole attribute, checked against its type; a lone value for a multi-valued one becomes a list. */
function coerce(attr: AttributeDef, value: unknown, label: string): unknown {
  if (!attr.multiValued) return coerceElement(attr, value, label);
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => coerceElement(attr, v, label));
}

/**
 * One value of the attribute. A bare string for a complex attribute with a
 * `value` sub-attribute means `{value}`: Entra sends the manager's id that way.
 * readOnly sub-attributes a client sends inside a writable value are ignored,
 * as RFC 7643 §2.2 says for readOnly values; inside a readOnly attribute they
 * are kept so the resent-unchanged comparison can see them.
 */
function coerceElement(attr: AttributeDef, value: unknown, label = attr.name): unknown {
  if (attr.type !== 'complex') return coerceSimple(attr, value, label);
  let v = value;
  if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && findDef(attr.subAttributes, 'value')) v = { value: v };
  if (!isObject(v)) return badValue(`"${label}" must be an object`);
  const out: Json = {};
  for (const [key, sv] of Object.entries(v)) {
    if (sv === null || sv === undefined) continue;
    const sub = findDef(attr.subAttributes, key) ?? badPath(`unknown sub-attribute "${label}.${key}"`);
    if (sub.mutability === 'readOnly' && attr.mutability !== 'readOnly') continue;
    out[sub.name] = coerceSimple(sub, sv, `${label}.${sub.name}`);
  }
  return out;
}

function coerceSimple(def: AttributeDef, value: unknown, label: string): unknown {
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra sends `"active": "False"`.
      if (typeof value === 'string' && /^(?:true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return badValue(`"${label}" must be a boolean`);
    case 'integer':
      return Number.isSafeInteger(value) ? value : badValue(`"${label}" must be an integer`);
    case 'dateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : badValue(`"${label}" must be a dateTime`);
    case 'string':
    case 'reference':
      return typeof value === 'string' ? value : badValue(`"${label}" must be a string`);
    default:
      return badValue(`"${label}" cannot be set this way`);
  }
}

/** Keeps `schemas` in step with the extension: listed while it holds data, gone with its object when empty. */
function tidyExtension(res: Json, ext: ResourceSchemaDef): void {
  const box = readAttr(res, ext.id);
  const schemas = Array.isArray(res.schemas) ? res.schemas : undefined;
  const listed = schemas?.some((s) => typeof s === 'string' && s.toLowerCase() === ext.id.toLowerCase()) ?? false;
  if (isObject(box) && Object.keys(box).length > 0) {
    if (schemas && !listed) res.schemas = [...schemas, ext.id];
    return;
  }
  if (box !== undefined) writeKey(res, ext.id, undefined);
  if (schemas && listed) res.schemas = schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== ext.id.toLowerCase());
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}
