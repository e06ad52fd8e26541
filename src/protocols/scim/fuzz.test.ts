/**
 * Whatever an identity provider sends, the SCIM library answers with a result
 * or a ScimError, never with a TypeError, a RangeError or a stack overflow
 * (PRO-4). Seeded, so a failure names an input that reproduces it.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from './errors.ts';
import { matchesFilter, parseFilter } from './filter.ts';
import { PATCH_OP_SCHEMA, applyPatch, parsePatch } from './patch.ts';
import { parseAttributeList, project } from './projection.ts';
import { ENTERPRISE_USER_SCHEMA as ENT, GROUP_SCHEMA_DEF, USER_SCHEMA, USER_SCHEMA_DEF } from './schemas.ts';

/** mulberry32: small, fast and deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs f on each input; returns the inputs for which it threw something other than a ScimError. */
function crashes<T>(inputs: Iterable<T>, f: (input: T) => unknown): { input: T; error: unknown }[] {
  const bad: { input: T; error: unknown }[] = [];
  for (const input of inputs) {
    try {
      f(input);
    } catch (error) {
      if (!(error instanceof ScimError)) bad.push({ input, error });
    }
  }
  return bad;
}

const SEEDS = [
  'userName eq "alice@example.com"',
  'externalId eq "a1b2"',
  'displayName eq "Engineering"',
  'members[value eq "x"]',
  'emails[type eq "work" and value co "@example.com"]',
  'title pr and not (userType eq "Intern" or active eq false)',
  `${ENT}:employeeNumber ge 10`,
  'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "A\\u00e9\\n"',
  'meta.lastModified gt "2011-05-13T04:42:34Z" OR age le -1.5e3',
];
const PIECES = ['(', ')', '[', ']', '"', '\\', ' ', 'and', 'or', 'not', 'eq', 'EQ', 'pr', 'gt', 'co', 'a', 'emails', '.', ':', 'urn:', '1', '-', 'e9', 'true', 'null', '\\u', '\u0000', 'é', '💥'];

function* filterInputs(n: number): Generator<string> {
  const r = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  for (let i = 0; i < n; i++) {
    const kind = r();
    if (kind < 0.4) {
      // A real filter with a few characters inserted, deleted or replaced.
      let s = pick(SEEDS);
      for (let m = 1 + Math.floor(r() * 4); m > 0; m--) {
        const at = Math.floor(r() * (s.length + 1));
        const what = r();
        if (what < 0.33) s = s.slice(0, at) + pick(PIECES) + s.slice(at);
        else if (what < 0.66) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 3));
        else s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(at + 1);
      }
      yield s;
    } else if (kind < 0.8) {
      // Tokens glued together.
      const parts: string[] = [];
      for (let m = Math.floor(r() * 12); m > 0; m--) parts.push(pick(PIECES));
      yield parts.join(r() < 0.5 ? ' ' : '');
    } else if (kind < 0.85) {
      yield pick(['(', '[', 'not (', '((a pr) or ']).repeat(Math.floor(r() * 3000));
    } else {
      // Well-formed combinations of the seeds.
      const parts: string[] = [];
      for (let m = 1 + Math.floor(r() * 5); m > 0; m--) parts.push(r() < 0.3 ? `not (${pick(SEEDS)})` : `(${pick(SEEDS)})`);
      yield parts.join(r() < 0.5 ? ' and ' : ' or ');
    }
  }
}

const sampleUser = {
  schemas: [USER_SCHEMA, ENT],
  id: 'u1',
  userName: 'alice@example.com',
  name: { givenName: 'Alice' },
  active: true,
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }, 'junk', null],
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34Z' },
  [ENT]: { employeeNumber: '12' },
};

const PATHS = [
  'active',
  'userName',
  'displayName',
  'name',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "work" and primary eq true].primary',
  'emails[not (type eq "x")]',
  'members',
  'members[value eq "2819c223"]',
  'members[value eq "2819c223"].display',
  'groups',
  'id',
  'meta',
  'meta.created',
  'externalId',
  ENT,
  `${ENT}:manager`,
  `${ENT}:manager.value`,
  `${ENT}:manager.displayName`,
  `${ENT}:department`,
  'urn:ietf:params:scim:schemas:core:2.0:User:active',
  'urn:x:y:z',
  'emails[',
  'emails[type eq "work"]]',
  'a.b.c',
  '',
  '[]',
  '💥',
];
const KEYS = ['active', 'userName', 'displayName', 'name', 'emails', 'members', 'id', 'meta', 'schemas', 'value', 'type', 'primary', 'givenName', ENT, `${ENT}:department`, '__proto__', 'constructor', 'toString'];

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (k < 0.12) return null;
  if (k < 0.24) return r() < 0.5;
  if (k < 0.32) return ['True', 'false', 'yes', ''][Math.floor(r() * 4)];
  if (k < 0.44) return Math.floor(r() * 2000) - 1000 + (r() < 0.2 ? 0.5 : 0);
  if (k < 0.6 || depth <= 0) return ['x', 'work', 'alice@example.com', '2819c223', '2011-05-13T04:42:34Z', 'not a date'][Math.floor(r() * 6)];
  if (k < 0.8) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let m = Math.floor(r() * 4); m > 0; m--) o[KEYS[Math.floor(r() * KEYS.length)] as string] = randomValue(r, depth - 1);
  return o;
}

function* patchBodies(n: number): Generator<unknown> {
  const r = rng(11);
  for (let i = 0; i < n; i++) {
    if (r() < 0.05) {
      yield randomValue(r, 3);
      continue;
    }
    const ops = Array.from({ length: 1 + Math.floor(r() * r() * 4) }, () => {
      const op: Record<string, unknown> = { op: r() < 0.03 ? ['move', 7, null][Math.floor(r() * 3)] : ['add', 'Add', 'replace', 'REPLACE', 'remove', 'Remove'][Math.floor(r() * 6)] };
      if (r() < 0.75) op.path = r() < 0.9 ? PATHS[Math.floor(r() * PATHS.length)] : randomValue(r, 0);
      if (r() < 0.85) op.value = randomValue(r, 3);
      return op;
    });
    yield { schemas: r() < 0.97 ? [PATCH_OP_SCHEMA] : ['x'], Operations: r() < 0.97 ? ops : randomValue(r, 2) };
  }
}

describe('fuzz', () => {
  it('PRO-4: 100,000 random and mutated filters parse or throw ScimError, never anything else', () => {
    const bad = crashes(filterInputs(100_000), (text) => {
      const f = parseFilter(text);
      matchesFilter(sampleUser, f, (p) => p.length % 2 === 0);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('PRO-4: 20,000 random PATCH bodies apply or throw ScimError, and never change their input', () => {
    const user = structuredClone(sampleUser);
    const group = { schemas: [GROUP_SCHEMA_DEF.id], id: 'g1', displayName: 'Eng', members: [{ value: '2819c223' }] };
    const before = JSON.stringify([user, group]);
    const bad = crashes(patchBodies(20_000), (body) => {
      const ops = parsePatch(body);
      try {
        applyPatch(user, ops, USER_SCHEMA_DEF);
      } finally {
        applyPatch(group, ops, GROUP_SCHEMA_DEF);
      }
    });
    expect(bad.slice(0, 5)).toEqual([]);
    expect(JSON.stringify([user, group])).toBe(before);
  });

  it('PRO-4: random attribute lists project or throw ScimError', () => {
    const r = rng(3);
    const lists = Array.from({ length: 5000 }, () => Array.from({ length: Math.floor(r() * 5) }, () => [...PATHS, ...KEYS][Math.floor(r() * (PATHS.length + KEYS.length))]).join(','));
    const bad = crashes(lists, (text) => {
      const names = parseAttributeList(text);
      project(sampleUser, r() < 0.5 ? { attributes: names } : { excludedAttributes: names }, USER_SCHEMA_DEF);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
