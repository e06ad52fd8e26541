import { type Kysely, sql } from 'kysely';

/**
 * PRO-1: the directory query language pages through an organization's users and groups in the
 * order of their ids (keyset paging). Without these indexes a page either walks every
 * organization's rows in id order or sorts all of one organization's rows for each page; with
 * them it starts at the previous page's last id and reads only that organization's rows:
 * active members (the only ones LDAP shows) and groups. A memberOf filter names a group by its
 * name whatever its case (cn is caseIgnoreMatch): the last index finds it without reading the
 * organization's other groups.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('memberships_org_status_id_idx').on('memberships').columns(['org_id', 'status', 'id']).execute();
  await db.schema.createIndex('groups_org_id_idx').on('groups').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('groups_org_lower_name_idx').on('groups').expression(sql`org_id, lower(name)`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('groups_org_lower_name_idx').execute();
  await db.schema.dropIndex('groups_org_id_idx').execute();
  await db.schema.dropIndex('memberships_org_status_id_idx').execute();
}
