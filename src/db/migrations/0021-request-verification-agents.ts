import { sql, type Kysely } from 'kysely';
import { isSqlite } from './util.ts';

/**
 * DSR-2, DSR-3: how each data-subject request is being verified (the email loop, the data points
 * matched, the signed declaration, the California residence attestation, the subject's own
 * confirmation, a staff decision), and the authorized agent who made a request with the signed
 * authorization they uploaded.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('privacy_request_verifications')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('email_confirmed_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('points_required', 'integer')
    .addColumn('points_matched', 'integer')
    .addColumn('matched_keys', 'text')
    .addColumn('declaration_name', 'text')
    .addColumn('declared_at', 'text')
    .addColumn('residence', 'text')
    .addColumn('residence_attested_at', 'text')
    .addColumn('identity_verified_at', 'text')
    .addColumn('identity_verified_by', 'text')
    .addColumn('subject_confirmed_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision', 'text')
    .addColumn('decision_method', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('privacy_request_agents')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', isSqlite(db) ? 'blob' : sql`bytea`)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('privacy_request_agents_email').on('privacy_request_agents').columns(['email_normalized']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('privacy_request_agents').execute();
  await db.schema.dropTable('privacy_request_verifications').execute();
}
