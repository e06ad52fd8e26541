import type { Kysely } from 'kysely';

/**
 * DSR-2, DSR-3: where each data-subject request stands in its verification, which fulfilment
 * (DSR-1) waits for. Requests already in the table need none recorded: `not_required` until staff
 * look at them again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('privacy_requests').addColumn('verification', 'text', (c) => c.notNull().defaultTo('not_required')).execute();
  await db.schema.alterTable('privacy_requests').addColumn('verification_method', 'text').execute();
  await db.schema.alterTable('privacy_requests').addColumn('verified_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('privacy_requests').dropColumn('verified_at').execute();
  await db.schema.alterTable('privacy_requests').dropColumn('verification_method').execute();
  await db.schema.alterTable('privacy_requests').dropColumn('verification').execute();
}
