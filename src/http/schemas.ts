/** JSON schemas shared by routes. Every body schema refuses unknown fields. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  additionalProperties: true,
} as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['user', 'staff'] },
    email: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
    emailVerified: { type: 'boolean' },
    mfaEnabled: { type: 'boolean' },
    orgId: { type: ['string', 'null'] },
    orgRole: { type: ['string', 'null'] },
    staffRole: { type: ['string', 'null'] },
    username: { type: ['string', 'null'] },
    uidNumber: { type: ['integer', 'null'] },
    gidNumber: { type: ['integer', 'null'] },
    homeDirectory: { type: ['string', 'null'] },
    loginShell: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: [
    'id',
    'kind',
    'email',
    'name',
    'status',
    'emailVerified',
    'mfaEnabled',
    'orgId',
    'orgRole',
    'staffRole',
    'createdAt',
  ],
} as const;

export const organizationSchema = {
  $id: 'Organization',
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    plan: { type: 'string' },
    planEndsAt: { type: ['string', 'null'] },
    companySize: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
    address: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: ['id', 'name', 'plan', 'createdAt'],
} as const;

export const ref = (id: string) => ({ $ref: `${id}#` });

/** Standard error responses, so OpenAPI documents them for every route. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ref('Problem')]));
}

export const strictObject = <P extends Record<string, unknown>>(properties: P, required: (keyof P & string)[] = []) =>
  ({ type: 'object', properties, required, additionalProperties: false }) as const;
