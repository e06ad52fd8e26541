import { describe, expect, it } from 'vitest';
import { type ScimType, ScimError } from './errors.ts';
import { PATCH_OP_SCHEMA, type PatchOperation, applyPatch, parsePatch } from './patch.ts';
import { ENTERPRISE_USER_SCHEMA as ENT, GROUP_SCHEMA, GROUP_SCHEMA_DEF, USER_SCHEMA, USER_SCHEMA_DEF } from './schemas.ts';

type Json = Record<string, unknown>;

function errorOf(f: () => unknown): ScimError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

const alice = (): Json => ({
  schemas: [USER_SCHEMA],
  id: 'u1',
  externalId: 'a1b2',
  userName: 'alice@example.com',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  displayName: 'Alice',
  active: true,
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
  groups: [{ value: 'g1', display: 'Engineering' }],
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z' },
});

const engineering = (): Json => ({
  schemas: [GROUP_SCHEMA],
  id: 'g1',
  displayName: 'Engineering',
  members: [
    { value: '2819c223', display: 'Alice' },
    { value: '902c246b', display: 'Bob' },
  ],
  meta: { resourceType: 'Group' },
});

/** A whole PatchOp body as a client sends it, parsed then applied. */
function patchUser(operations: unknown[], user: Json = alice()): Json {
  return applyPatch(user, parsePatch({ schemas: [PATCH_OP_SCHEMA], Operations: operations }), USER_SCHEMA_DEF);
}
function patchGroup(operations: unknown[], group: Json = engineering()): Json {
  return applyPatch(group, parsePatch({ schemas: [PATCH_OP_SCHEMA], Operations: operations }), GROUP_SCHEMA_DEF);
}
function expectError(f: () => unknown, scimType: ScimType, message?: RegExp): void {
  const e = errorOf(f);
  expect(e.status).toBe(400);
  expect(e.scimType).toBe(scimType);
  if (message) expect(e.message).toMatch(message);
}

describe('parsePatch', () => {
  it('PRO-4: lower-cases op and keeps path and value', () => {
    expect(
      parsePatch({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'Replace', path: 'active', value: false }, { op: 'REMOVE', path: 'title' }, { op: 'Add', value: { a: 1 } }],
      }),
    ).toEqual([{ op: 'replace', path: 'active', value: false }, { op: 'remove', path: 'title' }, { op: 'add', value: { a: 1 } }]);
  });

  it.each<[string, unknown]>([
    ['not an object', []],
    ['no schemas', { Operations: [{ op: 'add', value: {} }] }],
    ['a wrong schema', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'add', value: {} }] }],
    ['no Operations', { schemas: [PATCH_OP_SCHEMA] }],
    ['empty Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }],
    ['Operations not a list', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }],
    ['1001 operations', { schemas: [PATCH_OP_SCHEMA], Operations: Array.from({ length: 1001 }, () => ({ op: 'add', value: {} })) }],
    ['an unknown op', { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'move', path: 'a' }] }],
    ['an op not a string', { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 1 }] }],
    ['an operation not an object', { schemas: [PATCH_OP_SCHEMA], Operations: ['add'] }],
    ['a path not a string', { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 3, value: 1 }] }],
  ])('PRO-4: refuses %s with invalidSyntax', (_name, body) => {
    expectError(() => parsePatch(body), 'invalidSyntax');
  });
});

describe('applyPatch: what Microsoft Entra ID sends', () => {
  it('PRO-4: {"op":"Replace","path":"active","value":false} and the string "False"', () => {
    expect(patchUser([{ op: 'Replace', path: 'active', value: false }]).active).toBe(false);
    expect(patchUser([{ op: 'Replace', path: 'active', value: 'False' }]).active).toBe(false);
    expect(patchUser([{ op: 'replace', path: 'active', value: 'true' }], { ...alice(), active: false }).active).toBe(true);
  });

  it('PRO-4: {"op":"Replace","value":{"active":false}} without a path', () => {
    expect(patchUser([{ op: 'Replace', value: { active: false } }]).active).toBe(false);
  });

  it('PRO-4: the multi-valued and single-valued update of its docs', () => {
    const out = patchUser([
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
    ]);
    expect(out.emails).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'alice@home.org', type: 'home' },
    ]);
    expect(out.name).toEqual({ givenName: 'Alice', familyName: 'updatedFamilyName' });
    expect(out.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('PRO-4: the manager as a bare id becomes {value}', () => {
    const out = patchUser([{ op: 'Add', path: `${ENT}:manager`, value: '2819c223-7f76-453a-919d-413861904646' }]);
    expect(out[ENT]).toEqual({ manager: { value: '2819c223-7f76-453a-919d-413861904646' } });
    expect(out.schemas).toEqual([USER_SCHEMA, ENT]);
  });

  it('PRO-4: enterprise attributes by full URN path, and removing the last one drops the extension', () => {
    const out = patchUser([
      { op: 'Add', path: `${ENT}:department`, value: 'Research' },
      { op: 'Replace', path: `${ENT}:employeeNumber`, value: '701984' },
    ]);
    expect(out[ENT]).toEqual({ department: 'Research', employeeNumber: '701984' });
    const back = patchUser(
      [
        { op: 'Remove', path: `${ENT}:department` },
        { op: 'Remove', path: `${ENT}:employeeNumber` },
      ],
      out,
    );
    expect(back[ENT]).toBeUndefined();
    expect(back.schemas).toEqual([USER_SCHEMA]);
  });

  it('PRO-4: adding and removing group members, with "$ref": null', () => {
    const added = patchGroup([{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5' }] }]);
    expect(added.members).toEqual([
      { value: '2819c223', display: 'Alice' },
      { value: '902c246b', display: 'Bob' },
      { value: 'f648f8d5' },
    ]);
    const removed = patchGroup([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: '2819c223' }] }]);
    expect(removed.members).toEqual([{ value: '902c246b', display: 'Bob' }]);
  });

  it('PRO-4: removing a member by value filter', () => {
    expect(patchGroup([{ op: 'Remove', path: 'members[value eq "2819c223"]' }]).members).toEqual([{ value: '902c246b', display: 'Bob' }]);
  });

  it('PRO-4: Add of a work email the user lacks creates it from the filter', () => {
    const out = patchUser([{ op: 'Add', path: 'emails[type eq "other"].value', value: 'a@other.net' }]);
    expect(out.emails).toContainEqual({ type: 'other', value: 'a@other.net' });
  });
});

describe('applyPatch: what Okta sends', () => {
  it('PRO-4: {"op":"replace","value":{"active":false}}', () => {
    expect(patchUser([{ op: 'replace', value: { active: false } }]).active).toBe(false);
  });

  it('PRO-4: a replace that resends id unchanged', () => {
    const out = patchGroup([{ op: 'replace', value: { id: 'g1', displayName: 'Test SCIMv2' } }]);
    expect(out.displayName).toBe('Test SCIMv2');
    expect(out.id).toBe('g1');
  });

  it('PRO-4: group members added with display, removed by filter', () => {
    const out = patchGroup([
      { op: 'add', path: 'members', value: [{ value: '23a35c27', display: 'test.user@okta.local' }] },
      { op: 'remove', path: 'members[value eq "902c246b"]' },
    ]);
    // display is readOnly: the server fills it, what the client sends is ignored (RFC 7643 §2.2).
    expect(out.members).toEqual([{ value: '2819c223', display: 'Alice' }, { value: '23a35c27' }]);
  });
});

describe('applyPatch: each op and path kind', () => {
  it('PRO-4: add on a single-valued attribute replaces it; on a complex one merges', () => {
    expect(patchUser([{ op: 'add', path: 'displayName', value: 'Al' }]).displayName).toBe('Al');
    expect(patchUser([{ op: 'add', path: 'name', value: { formatted: 'Alice L.' } }]).name).toEqual({ givenName: 'Alice', familyName: 'Liddell', formatted: 'Alice L.' });
    expect(patchUser([{ op: 'replace', path: 'name', value: { givenName: 'Al' } }]).name).toEqual({ givenName: 'Al', familyName: 'Liddell' });
  });

  it('PRO-4: add on a multi-valued attribute appends, merging an element with the same value', () => {
    const out = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'ALICE@home.org', type: 'other' }, { value: 'new@x.io' }] }]);
    expect(out.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'ALICE@home.org', type: 'other' },
      { value: 'new@x.io' },
    ]);
    expect(patchUser([{ op: 'add', path: 'emails', value: { value: 'one@x.io' } }]).emails).toHaveLength(3);
  });

  it('PRO-4: replace on a multi-valued attribute replaces the list', () => {
    expect(patchUser([{ op: 'replace', path: 'emails', value: [{ value: 'only@x.io' }] }]).emails).toEqual([{ value: 'only@x.io' }]);
  });

  it('PRO-4: replace with a value filter changes the matching elements', () => {
    const out = patchUser([{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'alice@new.org' } }]);
    expect(out.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'alice@new.org', type: 'home' },
    ]);
  });

  it('PRO-4: attr.sub on a multi-valued attribute sets it on each element', () => {
    const out = patchUser([{ op: 'replace', path: 'emails.type', value: 'work' }]);
    expect((out.emails as Json[]).map((e) => e.type)).toEqual(['work', 'work']);
  });

  it('PRO-4: remove: a whole attribute, a sub-attribute, all values, values by filter, a sub-attribute of matches', () => {
    expect(patchUser([{ op: 'remove', path: 'displayName' }])).not.toHaveProperty('displayName');
    expect(patchUser([{ op: 'remove', path: 'name.givenName' }]).name).toEqual({ familyName: 'Liddell' });
    expect(patchUser([{ op: 'remove', path: 'emails' }])).not.toHaveProperty('emails');
    expect(patchUser([{ op: 'remove', path: 'emails[type eq "work"]' }]).emails).toEqual([{ value: 'alice@home.org', type: 'home' }]);
    expect(patchUser([{ op: 'remove', path: 'emails[type eq "work"].primary' }]).emails).toEqual([
      { value: 'alice@example.com', type: 'work' },
      { value: 'alice@home.org', type: 'home' },
    ]);
    expect(patchUser([{ op: 'remove', path: 'emails[type eq "nope"]' }]).emails).toEqual(alice().emails);
  });

  it('PRO-4: replace with null unassigns', () => {
    expect(patchUser([{ op: 'replace', path: 'displayName', value: null }])).not.toHaveProperty('displayName');
    expect(patchUser([{ op: 'replace', value: { displayName: null } }])).not.toHaveProperty('displayName');
  });

  it('PRO-4: the enterprise extension as a whole: value keyed by its URN, or its URN as path', () => {
    const out = patchUser([{ op: 'add', value: { [ENT]: { department: 'R&D', manager: { value: 'm1', displayName: 'ignored' } } } }]);
    expect(out[ENT]).toEqual({ department: 'R&D', manager: { value: 'm1' } });
    expect(patchUser([{ op: 'replace', value: { [`${ENT}:department`]: 'Ops' } }])[ENT]).toEqual({ department: 'Ops' });
    expect(patchUser([{ op: 'replace', path: ENT, value: { employeeNumber: '9' } }])[ENT]).toEqual({ employeeNumber: '9' });
    expect(patchUser([{ op: 'remove', path: ENT }], out)).not.toHaveProperty(ENT);
  });

  it('PRO-4: names and URNs match in any case and are written in the schema spelling', () => {
    const out = patchUser([
      { op: 'replace', path: 'DISPLAYNAME', value: 'A' },
      { op: 'replace', path: 'Name.GivenName', value: 'B' },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:ACTIVE', value: false },
      { op: 'replace', path: `${ENT.toUpperCase()}:Department`, value: 'D' },
    ]);
    expect(out).toMatchObject({ displayName: 'A', name: { givenName: 'B' }, active: false, [ENT]: { department: 'D' } });
    expect(Object.keys(out)).not.toContain('DISPLAYNAME');
  });

  it('PRO-4: primary true on one element clears it on the others', () => {
    const viaFilter = patchUser([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect((viaFilter.emails as Json[]).map((e) => e.primary)).toEqual([false, true]);
    const viaAdd = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'n@x.io', primary: 'True' }] }]);
    expect((viaAdd.emails as Json[]).map((e) => e.primary)).toEqual([false, undefined, true]);
  });

  it('PRO-4: the input object is not mutated', () => {
    const user = alice();
    const frozen = JSON.stringify(user);
    const out = patchUser(
      [
        { op: 'replace', path: 'emails[type eq "home"].primary', value: true },
        { op: 'remove', path: 'name.givenName' },
        { op: 'add', path: `${ENT}:manager`, value: 'm' },
        { op: 'replace', value: { active: false } },
      ],
      user,
    );
    expect(JSON.stringify(user)).toBe(frozen);
    expect(out).not.toBe(user);
  });
});

describe('applyPatch: errors and their scimType', () => {
  it.each<[string, PatchOperation[], ScimType]>([
    ['an unknown attribute', [{ op: 'replace', path: 'nickName', value: 'x' }], 'invalidPath'],
    ['an unknown attribute without a path', [{ op: 'replace', value: { nickName: 'x' } }], 'invalidPath'],
    ['an unknown sub-attribute', [{ op: 'replace', path: 'name.middle', value: 'x' }], 'invalidPath'],
    ['an unknown extension', [{ op: 'replace', path: 'urn:example:ext:1.0:User:x', value: 'x' }], 'invalidPath'],
    ['a malformed path', [{ op: 'replace', path: 'emails[type eq', value: 'x' }], 'invalidPath'],
    ['junk after a value filter', [{ op: 'replace', path: 'emails[type eq "work"]x', value: 'x' }], 'invalidPath'],
    ['a filter on a single-valued attribute', [{ op: 'replace', path: 'name[givenName eq "a"]', value: {} }], 'invalidPath'],
    ['a replace whose filter matches nothing', [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x' }], 'noTarget'],
    ['a remove without a path', [{ op: 'remove' }], 'noTarget'],
    ['changing id', [{ op: 'replace', path: 'id', value: 'u2' }], 'mutability'],
    ['changing meta', [{ op: 'replace', value: { meta: { resourceType: 'Group' } } }], 'mutability'],
    ['adding groups on a User', [{ op: 'add', path: 'groups', value: [{ value: 'g2' }] }], 'mutability'],
    ['writing manager.displayName', [{ op: 'replace', path: `${ENT}:manager.displayName`, value: 'x' }], 'mutability'],
    ['removing the required userName', [{ op: 'remove', path: 'userName' }], 'mutability'],
    ['unassigning userName with null', [{ op: 'replace', value: { userName: null } }], 'mutability'],
    ['a number for a string', [{ op: 'replace', path: 'userName', value: 42 }], 'invalidValue'],
    ['"yes" for a boolean', [{ op: 'replace', path: 'active', value: 'yes' }], 'invalidValue'],
    ['a string for a complex attribute without value', [{ op: 'replace', path: 'name', value: 'Alice' }], 'invalidValue'],
    ['a list for a single-valued attribute', [{ op: 'replace', path: 'displayName', value: ['a'] }], 'invalidValue'],
    ['no value on add', [{ op: 'add', path: 'displayName' }], 'invalidValue'],
    ['a non-object value without a path', [{ op: 'replace', value: 'x' }], 'invalidValue'],
    ['an unknown op', [{ op: 'copy' as 'add', path: 'displayName', value: 'x' }], 'invalidSyntax'],
  ])('PRO-4: %s', (_name, ops, scimType) => {
    expectError(() => applyPatch(alice(), ops, USER_SCHEMA_DEF), scimType);
  });

  it('PRO-4: readOnly attributes resent with their current value are ignored (Okta resends id)', () => {
    const out = patchUser([{ op: 'replace', value: { id: 'u1', schemas: [USER_SCHEMA], meta: alice().meta, active: false } }]);
    expect(out).toMatchObject({ id: 'u1', active: false });
    expect(patchUser([{ op: 'add', path: 'groups', value: [{ value: 'g1', display: 'Engineering' }] }]).groups).toEqual(alice().groups);
  });

  it('PRO-4: immutable member values cannot be rewritten in place', () => {
    expectError(() => patchGroup([{ op: 'replace', path: 'members[value eq "2819c223"].value', value: 'x' }]), 'mutability');
  });

  it('PRO-4: removing the required group displayName is a mutability error', () => {
    expectError(() => patchGroup([{ op: 'remove', path: 'displayName' }]), 'mutability', /required/);
  });
});
