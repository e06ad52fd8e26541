import { type Kysely, sql } from 'kysely';
import { isSqlite } from './util.ts';

/**
 * DIR-1, DIR-2, GOV-3: a person's account is no longer a row of one organization.
 *
 * - `users` becomes `accounts` (one per email, instance-wide: credentials, MFA, staff role). Ids are
 *   kept, so sessions, tokens and every table that names a person still point at the same row.
 * - `memberships` is an account's entry in one organization (role, status invited/active/suspended,
 *   username and POSIX ids). Each organization member of the old table becomes one membership with
 *   the SAME id, since routes and protocols name a directory user by that id; groups and bindings
 *   now point at memberships.
 * - A member an admin created who never set a password was a placeholder account (the squatting
 *   defect: the owner's own sign-up then created nothing). It becomes an invited membership with no
 *   account, its pending invitation link kept, and the placeholder is removed.
 */

/** Tables with a column naming a person: they keep pointing at the same ids, now accounts. */
const PERSON_REFERENCES = [
  'sessions',
  'one_time_tokens',
  'recovery_codes',
  'analytics_events',
  'visitor_links',
  'policy_acknowledgements',
  'policy_notices',
  'mail_opens',
  'support_tickets',
  'support_specialists',
];
/** Tables naming a directory user: they point at memberships now. */
const MEMBER_REFERENCES = ['group_members', 'bindings'];

/** A member that was only ever a placeholder: created by an admin or an import, never given a password. */
const PLACEHOLDER = sql`u.org_id is not null and u.password_hash is null`;

export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) await upSqlite(db);
  else await upPostgres(db);
}

async function createMemberships(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('memberships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    // Null until the invitation is accepted: inviting never looks up, links or reserves an account.
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    // The address invited; once accepted, the account's address (kept in step when it changes).
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    // The name the organization knows the person by (its admins may change it).
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('uid_number', 'integer')
    .addColumn('gid_number', 'integer')
    .addColumn('home_directory', 'text')
    .addColumn('login_shell', 'text')
    .addColumn('invite_token_hash', 'text', (c) => c.unique())
    .addColumn('invite_expires_at', 'text')
    .addColumn('invited_by', 'text')
    .addColumn('invited_at', 'text')
    .addColumn('accepted_at', 'text')
    .addColumn('last_sign_in_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

async function fillMemberships(db: Kysely<any>, from: string): Promise<void> {
  await sql`
    insert into memberships (id, org_id, account_id, email, email_normalized, name, role, status, username, uid_number, gid_number,
                             home_directory, login_shell, invite_token_hash, invite_expires_at, invited_by, invited_at, accepted_at,
                             last_sign_in_at, created_at, updated_at)
    select u.id, u.org_id,
           case when ${PLACEHOLDER} then null else u.id end,
           u.email, u.email_normalized, u.name, u.org_role,
           case when u.status = 'suspended' then 'suspended' when ${PLACEHOLDER} then 'invited' else 'active' end,
           u.username, u.uid_number, u.gid_number, u.home_directory, u.login_shell,
           case when ${PLACEHOLDER} then (select t.token_hash from one_time_tokens t
                 where t.user_id = u.id and t.purpose = 'invite' and t.used_at is null order by t.created_at desc limit 1) end,
           case when ${PLACEHOLDER} then (select t.expires_at from one_time_tokens t
                 where t.user_id = u.id and t.purpose = 'invite' and t.used_at is null order by t.created_at desc limit 1) end,
           null,
           case when ${PLACEHOLDER} then u.created_at end,
           case when ${PLACEHOLDER} then null else u.created_at end,
           null, u.created_at, u.updated_at
    from ${sql.table(from)} u
    where u.org_id is not null`.execute(db);
}

async function membershipIndexes(db: Kysely<any>): Promise<void> {
  const m = db.schema;
  await m.createIndex('memberships_org_username_unique').on('memberships').columns(['org_id', 'username']).unique().execute();
  await m.createIndex('memberships_org_uid_unique').on('memberships').columns(['org_id', 'uid_number']).unique().execute();
  await m.createIndex('memberships_org_email_unique').on('memberships').columns(['org_id', 'email_normalized']).unique().execute();
  // Resolving a signed-in person's role in an organization, read from the index alone.
  await m.createIndex('memberships_account_idx').on('memberships').columns(['account_id', 'org_id', 'role', 'status', 'id']).unique().execute();
  // DIR-3: the access decision reads a member's organization and status from the index alone.
  await m.createIndex('memberships_access_idx').on('memberships').columns(['id', 'org_id', 'status']).execute();
  // Pending invitations of an address, shown to its owner once verified.
  await m.createIndex('memberships_email_idx').on('memberships').columns(['email_normalized', 'status']).execute();
}

/** The columns of an account, as the new table has them. */
const ACCOUNT_COLUMNS =
  'id, email, email_normalized, name, password_hash, email_verified_at, status, staff_role, totp_secret_enc, totp_enabled_at, totp_last_step, created_at, updated_at';

async function upSqlite(db: Kysely<any>): Promise<void> {
  // Rebuilding tables that others reference needs foreign keys off; the pragma only works outside a
  // transaction, so it is set around one (SQLite migrations do not run in a transaction).
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create table accounts (
        id text primary key,
        email text not null,
        email_normalized text not null constraint accounts_email_unique unique,
        name text not null,
        password_hash text,
        email_verified_at text,
        status text not null,
        staff_role text,
        totp_secret_enc text,
        totp_enabled_at text,
        totp_last_step integer,
        created_at text not null,
        updated_at text not null)`.execute(trx);
      await sql`insert into accounts (${sql.raw(ACCOUNT_COLUMNS)})
        select id, email, email_normalized, name, password_hash, email_verified_at,
               case when staff_role is null then 'active' else status end,
               staff_role, totp_secret_enc, totp_enabled_at, totp_last_step, created_at, updated_at
        from users u where not (${PLACEHOLDER})`.execute(trx);
      await createMemberships(trx);
      await fillMemberships(trx, 'users');
      for (const t of PERSON_REFERENCES) await repointSqlite(trx, t, 'accounts');
      for (const t of MEMBER_REFERENCES) await repointSqlite(trx, t, 'memberships');
      await sql`drop table users`.execute(trx);
      // What belonged to a removed placeholder goes with it, as the foreign keys say.
      for (const [t, c] of [['sessions', 'user_id'], ['one_time_tokens', 'user_id'], ['recovery_codes', 'user_id'], ['analytics_events', 'user_id'], ['visitor_links', 'user_id'], ['policy_acknowledgements', 'user_id'], ['policy_notices', 'user_id'], ['mail_opens', 'user_id'], ['support_specialists', 'staff_id']] as const) {
        await sql`delete from ${sql.table(t)} where ${sql.ref(c)} is not null and ${sql.ref(c)} not in (select id from accounts)`.execute(trx);
      }
      for (const c of ['opened_by', 'specialist_id']) {
        await sql`update support_tickets set ${sql.ref(c)} = null where ${sql.ref(c)} not in (select id from accounts)`.execute(trx);
      }
      await renameAccountColumns(trx);
      await membershipIndexes(trx);
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`accounts and memberships: ${broken.rows.length} broken references after the migration`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/**
 * SQLite cannot change a foreign key in place: the table is rebuilt with the reference pointing at
 * `to` (https://www.sqlite.org/lang_altertable.html, "other kinds of table schema changes"), its
 * rows copied and its indexes recreated.
 */
async function repointSqlite(db: Kysely<any>, table: string, to: string): Promise<void> {
  const def = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const create = def.rows[0]?.sql;
  if (!create) return;
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
  const next = `${table}__rebuilt`;
  const rewritten = create
    .replace(/^create table\s+("?)[A-Za-z_]+\1/i, `create table "${next}"`)
    .replace(/references\s+"?users"?/gi, `references "${to}"`);
  await sql.raw(rewritten).execute(db);
  await sql.raw(`insert into "${next}" select * from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${next}" rename to "${table}"`).execute(db);
  for (const i of indexes.rows) await sql.raw(i.sql).execute(db);
}

/** Columns the accounts module owns name what they hold: the account, no longer a "user". */
async function renameAccountColumns(db: Kysely<any>): Promise<void> {
  for (const t of ['sessions', 'one_time_tokens', 'recovery_codes']) {
    await db.schema.alterTable(t).renameColumn('user_id', 'account_id').execute();
  }
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  await sql`alter table users rename to accounts`.execute(db);
  await sql`alter index users_pkey rename to accounts_pkey`.execute(db);
  await sql`alter table accounts rename constraint users_email_unique to accounts_email_unique`.execute(db);
  await createMemberships(db);
  await fillMemberships(db, 'accounts');
  for (const t of MEMBER_REFERENCES) {
    await sql`alter table ${sql.table(t)} drop constraint ${sql.raw(`${t}_user_id_fkey`)}`.execute(db);
    await sql`alter table ${sql.table(t)} add constraint ${sql.raw(`${t}_user_id_fkey`)}
      foreign key (user_id) references memberships (id) on delete cascade`.execute(db);
  }
  await sql`delete from accounts u where ${PLACEHOLDER}`.execute(db);
  await sql`update accounts set status = 'active' where staff_role is null`.execute(db);
  await sql`alter table accounts drop constraint users_member_or_staff`.execute(db);
  // Dropping the columns drops the indexes built on them (users_org_idx, the per-organization uniques, users_access_idx).
  for (const c of ['org_id', 'org_role', 'username', 'uid_number', 'gid_number', 'home_directory', 'login_shell']) {
    await db.schema.alterTable('accounts').dropColumn(c).execute();
  }
  await renameAccountColumns(db);
  await membershipIndexes(db);
}

export async function down(): Promise<void> {
  throw new Error('0008-accounts-memberships cannot be undone: restore the backup taken before upgrading');
}
