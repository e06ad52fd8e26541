import type { Kysely } from 'kysely';

/**
 * PRO-3: the RADIUS server's state. `radius_networks` gives a network resource its shared secret
 * (sealed with the field-encryption key: HMAC-MD5 needs the secret itself) and a copy of the client
 * addresses its settings list. `radius_sessions` holds accounting (RFC 2866): one row per network
 * and Acct-Session-Id, folded from Start, Interim-Update and Stop. Both go with their resource and
 * organization. Octet counts can pass 2^32 (Gigawords), hence bigint.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('radius_networks')
    .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('clients', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'text')
    .execute();
  await db.schema.createIndex('radius_networks_org').on('radius_networks').columns(['org_id']).execute();
  await db.schema
    .createTable('radius_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('network_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('acct_session_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('membership_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('nas_address', 'text', (c) => c.notNull())
    .addColumn('calling_station_id', 'text')
    .addColumn('input_octets', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('output_octets', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('session_time', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('terminate_cause', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('stopped_at', 'text')
    .execute();
  await db.schema.createIndex('radius_sessions_key').on('radius_sessions').columns(['network_id', 'acct_session_id']).unique().execute();
  await db.schema.createIndex('radius_sessions_org').on('radius_sessions').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('radius_sessions_member').on('radius_sessions').columns(['membership_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('radius_sessions').execute();
  await db.schema.dropTable('radius_networks').execute();
}
