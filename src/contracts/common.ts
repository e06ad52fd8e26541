/**
 * The pieces every area's contract shares: the problem details, the API's `User` and
 * `Organization`, pages, ids, and the few schema builders the contracts use.
 *
 * Files in src/contracts import nothing but typebox: the web app imports their types (type-only),
 * and modules take their input types from them, so they must load anywhere.
 */
import { type Static, type TProperties, type TSchema, Type } from 'typebox';

// ---- builders --------------------------------------------------------------------------------

/** A JSON object that refuses unknown fields (bodies, params, query strings). */
export const StrictObject = <P extends TProperties>(properties: P, options: { description?: string; minProperties?: number; maxProperties?: number } = {}) =>
  Type.Object(properties, { ...options, additionalProperties: false });

/**
 * A query string. A field with a `default` is filled in by the validator (`useDefaults`), so the
 * handler always has it: its type stays required, but the wire schema lists it as optional.
 * Clients send `Partial<>` of such a query.
 */
export function Query<P extends TProperties>(properties: P) {
  const schema = StrictObject(properties);
  const required = ((schema.required ?? []) as string[]).filter((key) => !('default' in (properties[key] as object)));
  return Object.assign(schema, { required }) as typeof schema;
}

/** `{ type: [T, 'null'] }`, as the schemas have always written a nullable scalar. */
export const Nullable = <T extends TSchema & { type: string }>(schema: T, options: { description?: string } = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [schema.type, 'null'] });

/** A nullable object: `{ type: ['object', 'null'], properties, required }`. */
export const NullableObject = <T extends TSchema & { type: 'object' }>(schema: T, options: { description?: string } = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: ['object', 'null'] });

/** A string from a fixed list: `{ type: 'string', enum }`. */
export const StringEnum = <const V extends readonly string[]>(values: V, options: { description?: string; default?: V[number] } = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });

/** A string from a fixed list, or null. */
export const NullableEnum = <const V extends readonly string[]>(values: V, options: { description?: string } = {}) =>
  Type.Unsafe<V[number] | null>({ type: ['string', 'null'], enum: [...values, null], ...options });

/** A reference to a shared schema registered by its `$id` (User, Organization, Problem). */
const Ref = <T extends TSchema>(_schema: T, id: string) => Type.Unsafe<Static<T>>({ $ref: `${id}#` });

/** `{ items: [...] }`: a whole list, not paged. */
export const Items = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });

/** `{ items, nextCursor }`: one page of a list (DESIGN, API conventions). */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Bytes (a file, an image), documented as `{ type: 'string', format: 'binary' }`. */
export const Binary = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' });

/** A body-less answer (204, 202): documented as `null`, sent as nothing at all. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null' });

// ---- shared values ---------------------------------------------------------------------------

/** Any id in a path or a query: opaque, never longer than 100 characters. */
export const Id = Type.String({ minLength: 1, maxLength: 100 });

/** `?limit=&cursor=` of a paged list. */
export const pageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
};

export const OrgParams = StrictObject({ orgId: Id });
export type OrgParams = Static<typeof OrgParams>;

export const STAFF_ROLES = ['owner', 'support', 'privacy', 'billing'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const ORG_ROLES = ['admin', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const MEMBERSHIP_STATUSES = ['invited', 'active', 'suspended'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

// ---- shared schemas, registered once by $id -------------------------------------------------

export const ProblemSchema = Type.Object(
  {
    type: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer()),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.Optional(Type.String()) }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details', additionalProperties: true },
);
/** RFC 9457 problem details, as every error is answered. */
export type Problem = Static<typeof ProblemSchema>;

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    kind: StringEnum(['user', 'staff']),
    email: Type.String(),
    name: Type.String(),
    /** `invited` until the person accepts; `active`; or `suspended` (who may use nothing). */
    status: Type.String(),
    emailVerified: Type.Boolean(),
    mfaEnabled: Type.Boolean(),
    orgId: Nullable(Type.String()),
    orgRole: NullableEnum(ORG_ROLES),
    staffRole: NullableEnum(STAFF_ROLES),
    username: Type.Optional(Nullable(Type.String())),
    uidNumber: Type.Optional(Nullable(Type.Integer())),
    gidNumber: Type.Optional(Nullable(Type.Integer())),
    homeDirectory: Type.Optional(Nullable(Type.String())),
    loginShell: Type.Optional(Nullable(Type.String())),
    createdAt: Type.String(),
    invitedAt: Type.Optional(Nullable(Type.String())),
    lastSignInAt: Type.Optional(Nullable(Type.String())),
    accountId: Type.Optional(Type.String({ description: "The person's account (the signed-in person's own views only)" })),
  },
  { $id: 'User' },
);
/**
 * A user as the API shows one: an organization's member (a membership), or the signed-in person
 * themselves in the organization in view.
 */
export type User = Static<typeof UserSchema>;

export const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    /** The name of the organization's LDAP subtree, `o=<slug>` (PRO-1); made from the name at creation, kept on renames. */
    slug: Type.String(),
    plan: Type.String(),
    planEndsAt: Type.Optional(Nullable(Type.String())),
    companySize: Type.Optional(Nullable(Type.String())),
    phone: Type.Optional(Nullable(Type.String())),
    address: Type.Optional(Nullable(Type.String())),
    /** ACC-5: every member must have two-step verification on; LDAP binds and RADIUS take the code after the password. */
    requireMfa: Type.Boolean(),
    /** PRO-4: days a member deprovisioned over SCIM stays suspended before removal (0: at once; null: until an admin removes it). */
    scimRemoveAfterDays: Type.Optional(Nullable(Type.Integer())),
    createdAt: Type.String(),
  },
  { $id: 'Organization' },
);
export type Organization = Static<typeof OrganizationSchema>;

/** The schemas every validator and the OpenAPI document know by `$id`. */
export const SHARED_SCHEMAS = [ProblemSchema, UserSchema, OrganizationSchema] as const;

export const ProblemRef = Ref(ProblemSchema, 'Problem');
export const UserRef = Ref(UserSchema, 'User');
export const OrganizationRef = Ref(OrganizationSchema, 'Organization');

/** `{ user, organization }`: what sign-up and starting another organization answer. */
export const UserAndOrganization = Type.Object({ user: UserRef, organization: OrganizationRef });
export type UserAndOrganization = Static<typeof UserAndOrganization>;
