import type { Kysely } from 'kysely';

/**
 * DIR-3: the access decision runs on every protocol request. These indexes
 * hold what it reads of a user (organization and status) and of a user's group
 * memberships, so it is answered from the indexes alone, without visiting rows
 * spread over the two largest directory tables (`npm run bench -- access`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('users_access_idx').on('users').columns(['id', 'org_id', 'status']).execute();
  await db.schema.createIndex('group_members_user_org_group_idx').on('group_members').columns(['user_id', 'org_id', 'group_id']).execute();
  // Superseded by the one above, which starts with the same column.
  await db.schema.dropIndex('group_members_user_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('group_members_user_idx').on('group_members').column('user_id').execute();
  await db.schema.dropIndex('group_members_user_org_group_idx').execute();
  await db.schema.dropIndex('users_access_idx').execute();
}
