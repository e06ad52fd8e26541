/** DIR-3: may this user use this resource, and who can use what, with the bindings that grant it. */
import { type Static, Type } from 'typebox';
import { Id, StrictObject, StringEnum, UserRef } from './common.ts';
import { Resource } from './resources.ts';

/** How a user reaches a resource: bound directly (`user`), or through one of their groups (`group`, with its id and name). */
export const Via = Type.Object({
  type: StringEnum(['user', 'group']),
  bindingId: Type.String(),
  groupId: Type.Optional(Type.String()),
  groupName: Type.Optional(Type.String()),
});
export type Via = Static<typeof Via>;

export const AccessQuery = StrictObject({ userId: Id, resourceId: Id });
export type AccessQuery = Static<typeof AccessQuery>;

export const AccessDecision = Type.Object({ allowed: Type.Boolean(), reason: Type.Optional(Type.String()), via: Type.Array(Via) });
export type AccessDecision = Static<typeof AccessDecision>;

/** Every resource a user is bound to. */
export const UserAccess = Type.Object({
  resource: Resource,
  allowed: Type.Boolean(),
  via: Type.Array(Via),
});
export type UserAccess = Static<typeof UserAccess>;
export const UserAccessList = Type.Object({ items: Type.Array(UserAccess) });

/** Every user a resource is bound to. */
export const ResourceAccess = Type.Object({ user: UserRef, allowed: Type.Boolean(), via: Type.Array(Via) });
export type ResourceAccess = Static<typeof ResourceAccess>;
export const ResourceAccessList = Type.Object({ items: Type.Array(ResourceAccess) });
