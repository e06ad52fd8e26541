/** DIR-2: groups and their members. */
import { type Static, Type } from 'typebox';
import { Id, Items, Nullable, Page, Query, StrictObject, UserRef, pageQuery } from './common.ts';

const name = Type.String({ minLength: 1, maxLength: 100 });

export const Group = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  gidNumber: Type.Integer(),
  memberCount: Type.Integer({ minimum: 0, description: 'how many users are in the group' }),
  createdAt: Type.String(),
});
export type Group = Static<typeof Group>;
export const GroupPage = Page(Group);
/** The groups one user belongs to. */
export const UserGroups = Items(Group);

export const GroupParams = StrictObject({ orgId: Id, groupId: Id });
export type GroupParams = Static<typeof GroupParams>;
export const GroupMemberParams = StrictObject({ orgId: Id, groupId: Id, userId: Id });
export type GroupMemberParams = Static<typeof GroupMemberParams>;

export const ListGroupsQuery = Query(pageQuery);
export type ListGroupsQuery = Static<typeof ListGroupsQuery>;

export const CreateGroupBody = StrictObject({ name, description: Type.Optional(Type.String({ maxLength: 500 })) });
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = StrictObject({ name: Type.Optional(name), description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) });
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const AddMemberBody = StrictObject({ userId: Id });
export type AddMemberBody = Static<typeof AddMemberBody>;

export const GroupMembers = Items(UserRef);
