import { describe, expect, it } from 'vitest';
import { SCIM_ERROR_SCHEMA, ScimError, scimErrorBody } from './errors.ts';
import type { AttributeDef } from './patch.ts';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  GROUP_SCHEMA_DEF,
  USER_SCHEMA,
  USER_SCHEMA_DEF,
  resourceTypes,
  schemaDocuments,
  serviceProviderConfig,
} from './schemas.ts';

const BASE = 'https://castellan.test/scim/v2/';
const find = (defs: AttributeDef[] | undefined, name: string) => defs?.find((d) => d.name === name);

describe('schema definitions', () => {
  it('PRO-4: the User definition has the attributes and mutabilities PATCH relies on', () => {
    const a = USER_SCHEMA_DEF.attributes;
    expect(find(a, 'id')).toMatchObject({ mutability: 'readOnly' });
    expect(find(a, 'userName')).toMatchObject({ required: true, caseExact: false });
    expect(find(a, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(find(a, 'emails')?.subAttributes?.map((s) => s.name)).toEqual(['value', 'type', 'primary']);
    expect(find(a, 'active')).toMatchObject({ type: 'boolean' });
    const ext = USER_SCHEMA_DEF.extensions?.[0];
    expect(ext?.id).toBe(ENTERPRISE_USER_SCHEMA);
    expect(find(find(ext?.attributes, 'manager')?.subAttributes, 'displayName')).toMatchObject({ mutability: 'readOnly' });
  });

  it('PRO-4: the Group definition', () => {
    expect(GROUP_SCHEMA_DEF.id).toBe(GROUP_SCHEMA);
    expect(find(GROUP_SCHEMA_DEF.attributes, 'displayName')).toMatchObject({ required: true });
    expect(find(GROUP_SCHEMA_DEF.attributes, 'members')?.subAttributes?.map((s) => s.name)).toEqual(['value', 'display', '$ref', 'type']);
  });
});

describe('discovery documents', () => {
  it('PRO-4: ServiceProviderConfig: patch, filter (1000), sort, etag; no bulk, no password change; bearer tokens', () => {
    expect(serviceProviderConfig(BASE)).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://castellan.test/scim/v2/ServiceProviderConfig' },
    });
  });

  it('PRO-4: ResourceTypes: User with the optional enterprise extension, and Group', () => {
    expect(resourceTypes(BASE)).toMatchObject([
      {
        id: 'User',
        endpoint: '/Users',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: 'https://castellan.test/scim/v2/ResourceTypes/User' },
      },
      { id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA },
    ]);
  });

  it('PRO-4: Schemas: the three schemas in the RFC 7643 §7 form, generated from the definitions', () => {
    const docs = schemaDocuments(BASE) as { id: string; attributes: { name: string; subAttributes?: { name: string }[] }[]; meta: { location: string } }[];
    expect(docs.map((d) => d.id)).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
    const userDoc = docs[0];
    expect(userDoc?.meta.location).toBe(`https://castellan.test/scim/v2/Schemas/${USER_SCHEMA}`);
    expect(userDoc?.attributes.map((a) => a.name)).toEqual(['externalId', 'userName', 'name', 'displayName', 'emails', 'active', 'groups']);
    expect(userDoc?.attributes.find((a) => a.name === 'userName')).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    expect(docs[1]?.attributes.find((a) => a.name === 'manager')?.subAttributes?.map((s) => s.name)).toEqual(['value', '$ref', 'displayName']);
  });
});

describe('errors', () => {
  it('PRO-4: the error body carries status as a string (RFC 7644 §3.12)', () => {
    expect(scimErrorBody(new ScimError(400, 'invalidFilter', 'bad'))).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '400', scimType: 'invalidFilter', detail: 'bad' });
    expect(scimErrorBody(new ScimError(404, undefined, 'no such user'))).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '404', detail: 'no such user' });
  });
});
