import type { Kysely } from 'kysely';

/**
 * DIR-5, ACC-2: an LDIF import asked to keep password hashes (`--keep-password-hashes`) keeps a
 * member's `{SSHA}`, `{SSHA512}`, `{CRYPT}` (SHA-512, bcrypt) or `{ARGON2}` hash from the directory
 * they came from, encrypted like every sensitive field (SEC-2), until their first successful
 * sign-in or bind replaces it with argon2id. Null for everyone else.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('memberships').addColumn('imported_password_hash_enc', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('memberships').dropColumn('imported_password_hash_enc').execute();
}
