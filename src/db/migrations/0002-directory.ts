import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('plan_ends_at', 'text').execute();

  for (const [name, type] of [
    ['username', 'text'],
    ['uid_number', 'integer'],
    ['gid_number', 'integer'],
    ['home_directory', 'text'],
    ['login_shell', 'text'],
  ] as const) {
    await db.schema.alterTable('users').addColumn(name, type).execute();
  }
  // Staff have no organization; for them these stay null, and nulls never collide.
  await db.schema.createIndex('users_org_username_unique').on('users').columns(['org_id', 'username']).unique().execute();
  await db.schema.createIndex('users_org_uid_unique').on('users').columns(['org_id', 'uid_number']).unique().execute();

  // One counter per organization for POSIX ids: users' uidNumber (and their private gidNumber) and groups' gidNumber.
  await db.schema
    .createTable('posix_counters')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('next_id', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('gid_number', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('groups_org_name_unique', ['org_id', 'name'])
    .addUniqueConstraint('groups_org_gid_unique', ['org_id', 'gid_number'])
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user_idx').on('group_members').column('user_id').execute();

  await db.schema
    .createTable('resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('resources_org_name_unique', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('bindings_resource_user_unique', ['resource_id', 'user_id'])
    .addUniqueConstraint('bindings_resource_group_unique', ['resource_id', 'group_id'])
    .addCheckConstraint('bindings_user_or_group', sql`(user_id is null) <> (group_id is null)`)
    .execute();
  await db.schema.createIndex('bindings_user_idx').on('bindings').column('user_id').execute();
  await db.schema.createIndex('bindings_group_idx').on('bindings').column('group_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['bindings', 'resources', 'group_members', 'groups', 'posix_counters']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.dropIndex('users_org_uid_unique').ifExists().execute();
  await db.schema.dropIndex('users_org_username_unique').ifExists().execute();
  for (const c of ['login_shell', 'home_directory', 'gid_number', 'uid_number', 'username']) {
    await db.schema.alterTable('users').dropColumn(c).execute();
  }
  await db.schema.alterTable('organizations').dropColumn('plan_ends_at').execute();
}
