import type { Kysely } from 'kysely';

/** DSR-7: what each "Your California Privacy Rights" request carried, its flag and its answer. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shine_the_light_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('site_name', 'text')
    .addColumn('statement', 'text')
    .addColumn('name', 'text')
    .addColumn('street', 'text')
    .addColumn('city', 'text')
    .addColumn('state', 'text')
    .addColumn('zip', 'text')
    .addColumn('second_in_year', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answered_year', 'integer')
    .addColumn('answer', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('shine_the_light_requests').execute();
}
