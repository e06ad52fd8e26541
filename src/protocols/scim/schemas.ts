/**
 * What Castellan's SCIM service speaks: the User, Group and enterprise User
 * schemas as definitions PATCH and projection work from, and the discovery
 * documents (RFC 7644 §4) generated from those same definitions, so what we
 * advertise cannot drift from what we enforce.
 */
import type { AttributeDef, ResourceSchemaDef } from './patch.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

type Extra = Partial<Omit<AttributeDef, 'name' | 'type'>>;
const str = (name: string, extra: Extra = {}): AttributeDef => ({ name, type: 'string', multiValued: false, mutability: 'readWrite', caseExact: false, ...extra });
const ref = (name: string, referenceTypes: string[], extra: Extra = {}): AttributeDef => ({
  name,
  type: 'reference',
  multiValued: false,
  mutability: 'readWrite',
  caseExact: true,
  referenceTypes,
  ...extra,
});

/** `id` (RFC 7643 §3.1): assigned by us, returned always, unique, case-exact. */
const ID = str('id', { mutability: 'readOnly', returned: 'always', uniqueness: 'server', caseExact: true, description: 'Unique identifier assigned by the service provider.' });
const EXTERNAL_ID = str('externalId', { caseExact: true, description: "The client's identifier for the resource." });
/** `meta` (RFC 7643 §3.1): readOnly; PATCH refuses changes, resending it unchanged is fine. */
const META: AttributeDef = {
  name: 'meta',
  type: 'complex',
  multiValued: false,
  mutability: 'readOnly',
  subAttributes: [
    str('resourceType', { mutability: 'readOnly', caseExact: true }),
    { name: 'created', type: 'dateTime', multiValued: false, mutability: 'readOnly' },
    { name: 'lastModified', type: 'dateTime', multiValued: false, mutability: 'readOnly' },
    ref('location', ['uri'], { mutability: 'readOnly' }),
    str('version', { mutability: 'readOnly', caseExact: true }),
  ],
};
/** Attributes every resource has (RFC 7643 §3.1), left out of the schema documents as the RFC's own examples do. */
const COMMON = new Set(['id', 'meta']);

export const ENTERPRISE_USER_SCHEMA_DEF: ResourceSchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber'),
    str('department'),
    {
      name: 'manager',
      type: 'complex',
      multiValued: false,
      mutability: 'readWrite',
      description: "The user's manager.",
      subAttributes: [
        str('value', { caseExact: true, description: 'The id of the manager.' }),
        ref('$ref', ['User']),
        str('displayName', { mutability: 'readOnly' }),
      ],
    },
  ],
};

export const USER_SCHEMA_DEF: ResourceSchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    ID,
    EXTERNAL_ID,
    str('userName', { required: true, uniqueness: 'server', description: 'Unique identifier for the user, used to sign in.' }),
    {
      name: 'name',
      type: 'complex',
      multiValued: false,
      mutability: 'readWrite',
      subAttributes: [str('formatted'), str('givenName'), str('familyName')],
    },
    str('displayName'),
    {
      name: 'emails',
      type: 'complex',
      multiValued: true,
      mutability: 'readWrite',
      subAttributes: [
        str('value'),
        str('type', { canonicalValues: ['work', 'home', 'other'] }),
        { name: 'primary', type: 'boolean', multiValued: false, mutability: 'readWrite' },
      ],
    },
    { name: 'active', type: 'boolean', multiValued: false, mutability: 'readWrite' },
    {
      name: 'groups',
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      description: 'The groups the user belongs to; changed through the Group resource.',
      subAttributes: [str('value', { mutability: 'readOnly', caseExact: true }), str('display', { mutability: 'readOnly' }), ref('$ref', ['Group'], { mutability: 'readOnly' })],
    },
    META,
  ],
  extensions: [ENTERPRISE_USER_SCHEMA_DEF],
};

export const GROUP_SCHEMA_DEF: ResourceSchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    ID,
    EXTERNAL_ID,
    str('displayName', { required: true }),
    {
      name: 'members',
      type: 'complex',
      multiValued: true,
      mutability: 'readWrite',
      subAttributes: [
        str('value', { mutability: 'immutable', caseExact: true }),
        str('display', { mutability: 'readOnly' }),
        ref('$ref', ['User', 'Group'], { mutability: 'immutable' }),
        str('type', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
    },
    META,
  ],
};

const trim = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** RFC 7644 §5: what this service supports. Bulk is not offered; sort and ETags are. */
export function serviceProviderConfig(baseUrl: string): object {
  const base = trim(baseUrl);
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: `${base}/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 1000 },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued for the SCIM client.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6: the User (with the optional enterprise extension) and Group resource types. */
export function resourceTypes(baseUrl: string): object[] {
  const base = trim(baseUrl);
  const type = (id: string, endpoint: string, schema: string, extra: object) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id,
    name: id,
    endpoint,
    description: id,
    schema,
    ...extra,
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${id}` },
  });
  return [
    type('User', '/Users', USER_SCHEMA, { schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }] }),
    type('Group', '/Groups', GROUP_SCHEMA, {}),
  ];
}

/** One attribute in the RFC 7643 §7 form, with the RFC's defaults written out. */
function attributeDocument(a: AttributeDef): object {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    ...(a.description === undefined ? {} : { description: a.description }),
    required: a.required ?? false,
    ...(a.canonicalValues === undefined ? {} : { canonicalValues: a.canonicalValues }),
    ...(a.type === 'string' || a.type === 'reference' ? { caseExact: a.caseExact ?? false } : {}),
    mutability: a.mutability,
    returned: a.returned ?? (a.mutability === 'writeOnly' ? 'never' : 'default'),
    ...(a.type === 'complex' || a.type === 'boolean' ? {} : { uniqueness: a.uniqueness ?? 'none' }),
    ...(a.referenceTypes === undefined ? {} : { referenceTypes: a.referenceTypes }),
    ...(a.subAttributes === undefined ? {} : { subAttributes: a.subAttributes.map(attributeDocument) }),
  };
}

function schemaDocument(base: string, def: ResourceSchemaDef): object {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: def.id,
    name: def.name ?? def.id,
    description: def.description ?? def.name ?? def.id,
    attributes: def.attributes.filter((a) => !COMMON.has(a.name)).map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${def.id}` },
  };
}

/** RFC 7643 §7: the User, enterprise User and Group schemas, from the definitions above. */
export function schemaDocuments(baseUrl: string): object[] {
  const base = trim(baseUrl);
  return [USER_SCHEMA_DEF, ENTERPRISE_USER_SCHEMA_DEF, GROUP_SCHEMA_DEF].map((d) => schemaDocument(base, d));
}
