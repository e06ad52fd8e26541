import { describe, expect, it } from 'vitest';
import { ScimError } from './errors.ts';
import type { ResourceSchemaDef } from './patch.ts';
import { parseAttributeList, project } from './projection.ts';
import { ENTERPRISE_USER_SCHEMA as ENT, USER_SCHEMA, USER_SCHEMA_DEF } from './schemas.ts';

const user = () => ({
  schemas: [USER_SCHEMA, ENT],
  id: 'u1',
  externalId: 'a1b2',
  userName: 'alice@example.com',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  active: true,
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', location: 'https://x/Users/u1' },
  [ENT]: { employeeNumber: '7', department: 'R&D', manager: { value: 'm1', displayName: 'Bob' } },
});

describe('parseAttributeList', () => {
  it('PRO-4: splits on commas and trims; absent or empty is undefined', () => {
    expect(parseAttributeList(' userName , name.givenName,emails.value ')).toEqual(['userName', 'name.givenName', 'emails.value']);
    expect(parseAttributeList(undefined)).toBeUndefined();
    expect(parseAttributeList('')).toBeUndefined();
    expect(parseAttributeList(`${ENT}:manager.value`)).toEqual([`${ENT}:manager.value`]);
  });

  it.each([
    ['an empty part', 'userName,,active'],
    ['a trailing comma', 'userName,'],
    ['a bad name', 'user name'],
    ['too deep a path', 'a.b.c'],
    ['over 100 names', Array.from({ length: 101 }, (_, i) => `a${i}`).join(',')],
  ])('PRO-4: refuses %s with invalidValue', (_name, text) => {
    const e = (() => {
      try {
        parseAttributeList(text);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ScimError);
    expect((e as ScimError).scimType).toBe('invalidValue');
  });
});

describe('project: attributes', () => {
  it('PRO-4: only what is asked, plus id, schemas and meta.resourceType (Entra asks for userName)', () => {
    expect(project(user(), { attributes: ['userName'] }, USER_SCHEMA_DEF)).toEqual({
      schemas: [USER_SCHEMA, ENT],
      id: 'u1',
      userName: 'alice@example.com',
      meta: { resourceType: 'User' },
    });
  });

  it('PRO-4: sub-attributes of single and multi-valued attributes, in any case', () => {
    const out = project(user(), { attributes: ['NAME.givenName', 'emails.value', 'name.familyName'] }, USER_SCHEMA_DEF);
    expect(out.name).toEqual({ givenName: 'Alice', familyName: 'Liddell' });
    expect(out.emails).toEqual([{ value: 'alice@example.com' }, { value: 'alice@home.org' }]);
  });

  it('PRO-4: enterprise attributes by URN path, and the whole extension by its URN', () => {
    expect(project(user(), { attributes: [`${ENT}:department`, `${ENT}:manager.value`] }, USER_SCHEMA_DEF)[ENT]).toEqual({ department: 'R&D', manager: { value: 'm1' } });
    expect(project(user(), { attributes: [ENT] }, USER_SCHEMA_DEF)[ENT]).toEqual(user()[ENT]);
    expect(project(user(), { attributes: ['urn:ietf:params:scim:schemas:core:2.0:User:active'] }, USER_SCHEMA_DEF).active).toBe(true);
  });

  it('PRO-4: a whole attribute and one of its sub-attributes give the whole attribute', () => {
    expect(project(user(), { attributes: ['name', 'name.givenName'] }, USER_SCHEMA_DEF).name).toEqual(user().name);
    expect(project(user(), { attributes: ['emails.type', 'emails'] }, USER_SCHEMA_DEF).emails).toEqual(user().emails);
  });

  it('PRO-4: unknown names select nothing', () => {
    expect(Object.keys(project(user(), { attributes: ['nickName', 'urn:x:y:z'] }, USER_SCHEMA_DEF)).sort()).toEqual(['id', 'meta', 'schemas']);
  });
});

describe('project: excludedAttributes', () => {
  it('PRO-4: removes what is named but never id, schemas or meta.resourceType', () => {
    const out = project(user(), { excludedAttributes: ['emails', 'id', 'schemas', 'meta', 'name.givenName', `${ENT}:manager`] }, USER_SCHEMA_DEF);
    expect(out).not.toHaveProperty('emails');
    expect(out.id).toBe('u1');
    expect(out.schemas).toEqual([USER_SCHEMA, ENT]);
    expect(out.meta).toEqual({ resourceType: 'User' });
    expect(out.name).toEqual({ familyName: 'Liddell' });
    expect(out[ENT]).toEqual({ employeeNumber: '7', department: 'R&D' });
  });

  it('PRO-4: sub-attributes of multi-valued attributes and the whole extension', () => {
    const out = project(user(), { excludedAttributes: ['emails.primary', ENT] }, USER_SCHEMA_DEF);
    expect(out.emails).toEqual([
      { value: 'alice@example.com', type: 'work' },
      { value: 'alice@home.org', type: 'home' },
    ]);
    expect(out).not.toHaveProperty(ENT);
  });

  it('PRO-4: with no options the resource comes back whole, as a copy', () => {
    const u = user();
    const out = project(u, {}, USER_SCHEMA_DEF);
    expect(out).toEqual(u);
    expect(out).not.toBe(u);
    (out.name as { givenName: string }).givenName = 'X';
    expect(u.name.givenName).toBe('Alice');
  });

  it('PRO-4: writeOnly attributes are never returned', () => {
    const schema: ResourceSchemaDef = {
      ...USER_SCHEMA_DEF,
      attributes: [...USER_SCHEMA_DEF.attributes, { name: 'password', type: 'string', multiValued: false, mutability: 'writeOnly' }],
    };
    expect(project({ ...user(), password: 'hunter2' }, {}, schema)).not.toHaveProperty('password');
    expect(project({ ...user(), password: 'hunter2' }, { attributes: ['password'] }, schema)).not.toHaveProperty('password');
  });
});
