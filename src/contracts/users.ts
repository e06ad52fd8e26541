/** DIR-2, DIR-4, DIR-5, ACC-6: an organization's users, bulk import and export, and the organization's plan. */
import { type Static, Type } from 'typebox';
import { Id, MEMBERSHIP_STATUSES, Nullable, ORG_ROLES, Query, StrictObject, StringEnum, UserRef, pageQuery } from './common.ts';

const username = Type.String({ minLength: 1, maxLength: 32 });
const name = Type.String({ minLength: 1, maxLength: 200 });

/** Imports carry whole files: the one route whose body may be this large. */
export const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

export const UserParams = StrictObject({ orgId: Id, userId: Id });
export type UserParams = Static<typeof UserParams>;

export const InviteUserBody = StrictObject({
  email: Type.String({ format: 'email', maxLength: 254 }),
  name,
  username: Type.Optional(username),
});
export type InviteUserBody = Static<typeof InviteUserBody>;

export const USER_SORTS = ['name', 'email', 'status', 'created'] as const;
export type UserSort = (typeof USER_SORTS)[number];

export const ListUsersQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(StringEnum(MEMBERSHIP_STATUSES, { description: 'only users with this status' })),
  sort: StringEnum(USER_SORTS, { default: 'name', description: 'the order: by name (the default), email, status (then name) or creation time' }),
  order: StringEnum(['asc', 'desc'] as const, { default: 'asc' }),
  limit: pageQuery.limit,
  // A cursor carries the last row's sort values, so it can be longer than other lists' cursors.
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
});
export type ListUsersQuery = Static<typeof ListUsersQuery>;

/** A page of users, with how many match the filter in all (DIR-2). */
export const UserPage = Type.Object({
  items: Type.Array(UserRef),
  nextCursor: Nullable(Type.String()),
  total: Type.Integer({ minimum: 0, description: 'how many users match the search and status filter, on every page' }),
});
export type UserPage = Static<typeof UserPage>;

export const UpdateUserBody = StrictObject({
  name: Type.Optional(name),
  username: Type.Optional(username),
  loginShell: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^/' })),
  orgRole: Type.Optional(StringEnum(ORG_ROLES)),
  moveHomeDirectory: Type.Optional(
    Type.Boolean({ description: 'with a new username: the home directory follows it (/home/{username}); otherwise it stays where it was' }),
  ),
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const TRANSFER_FORMATS = ['csv', 'ldif'] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

export const ImportUsersBody = StrictObject({
  format: StringEnum(TRANSFER_FORMATS),
  data: Type.String({ minLength: 1, maxLength: IMPORT_BODY_LIMIT }),
  invite: Type.Optional(Type.Boolean({ description: 'email each new user an invitation' })),
  keepPasswordHashes: Type.Optional(
    Type.Boolean({
      description:
        'LDIF: keep each user’s userPassword in {SSHA}, {SSHA512}, {CRYPT} (SHA-512 or bcrypt) or {ARGON2} until their first bind, which replaces it with argon2id (such users are active in the directory at once); other schemes are not kept',
    }),
  ),
});
export type ImportUsersBody = Static<typeof ImportUsersBody>;

/** What a bulk import did (DIR-5). */
export const ImportResult = Type.Object({
  created: Type.Integer(),
  groupsCreated: Type.Integer(),
  skipped: Type.Integer({ description: 'LDIF entries that are neither users nor groups (the base, containers, computers…), left out' }),
  passwordHashesKept: Type.Integer({ description: 'users whose userPassword hash was kept (keepPasswordHashes)' }),
  passwordHashesIgnored: Type.Integer({ description: 'users whose userPassword was not kept: a scheme that cannot be kept, or keepPasswordHashes not set' }),
});
export type ImportResult = Static<typeof ImportResult>;

export const ExportUsersQuery = StrictObject({ format: StringEnum(TRANSFER_FORMATS) });
export type ExportUsersQuery = Static<typeof ExportUsersQuery>;

/** The file an export answers (CSV or LDIF text). */
export const ExportFile = Type.String();

export const PLANS = ['free', 'paid', 'jumpstart'] as const;
export type Plan = (typeof PLANS)[number];

export const SetPlanBody = StrictObject({ plan: StringEnum(PLANS), endsAt: Type.Optional(Type.String({ format: 'date-time' })) });
export type SetPlanBody = Static<typeof SetPlanBody>;

/** `GET /api/v1/staff/orgs?q=`: staff find an organization by name (or its id). */
export const StaffOrgsQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name, any case; or the whole id' })),
  limit: pageQuery.limit,
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: 'nextCursor of the page before' })),
});
export type StaffOrgsQuery = Static<typeof StaffOrgsQuery>;

/** An organization as staff find it; the plan and seats only for staff who set plans (`billing.set_plan`). */
export const StaffOrg = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  plan: Type.Optional(Type.String()),
  planEndsAt: Type.Optional(Nullable(Type.String())),
  seats: Type.Optional(Type.Integer({ description: 'Active and invited members' })),
  userLimit: Type.Optional(Nullable(Type.Integer({ description: 'The user limit in force now; null: none' }))),
});
export type StaffOrg = Static<typeof StaffOrg>;
