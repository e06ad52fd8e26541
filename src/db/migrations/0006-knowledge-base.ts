import { type Kysely, sql } from 'kysely';
import { isSqlite } from './util.ts';

/** SUP-7: the protocols Castellan supports, as the product ships them (PRO-1 to PRO-5). */
const PROTOCOLS = [
  { id: 'ldap', name: 'LDAP', version: 'v3', notes: 'Simple bind, search with the full filter grammar, paged results, StartTLS and LDAPS.', sort_order: 1 },
  { id: 'oidc', name: 'OpenID Connect', version: '1.0', notes: 'Authorization code with PKCE, refresh, client credentials, discovery and JWKS.', sort_order: 2 },
  { id: 'radius', name: 'RADIUS', version: null, notes: 'PAP with Message-Authenticator, a shared secret per network.', sort_order: 3 },
  { id: 'scim', name: 'SCIM', version: '2.0', notes: 'Users and Groups, filters and PATCH, with a per-organization token.', sort_order: 4 },
  { id: 'saml', name: 'SAML', version: '2.0', notes: 'Identity provider for applications that lack OpenID Connect.', sort_order: 5 },
];

/** SUP-7: the system versions supported when this migration was written; staff keep the list from then on. */
const SYSTEM_VERSIONS: Array<[system: string, version: string, endOfLifeOn: string | null]> = [
  ['Ubuntu', '18.04', '2023-05-31'],
  ['Ubuntu', '20.04', '2025-05-31'],
  ['Ubuntu', '22.04', null],
  ['Ubuntu', '24.04', null],
  ['Debian', '10', '2024-06-30'],
  ['Debian', '11', '2026-08-31'],
  ['Debian', '12', null],
  ['RHEL', '7', '2024-06-30'],
  ['RHEL', '8', '2029-05-31'],
  ['RHEL', '9', '2032-05-31'],
  ['Windows', '10', '2025-10-14'],
  ['Windows', '11', null],
  ['Windows Server', '2012 R2', '2023-10-10'],
  ['Windows Server', '2016', '2027-01-12'],
  ['Windows Server', '2019', '2029-01-09'],
  ['Windows Server', '2022', '2031-10-14'],
  ['macOS', '12', '2024-09-16'],
  ['macOS', '13', null],
  ['macOS', '14', null],
  ['macOS', '15', null],
];

/** Stable ids for the seeded rows, so that every installation names them alike: `sv_ubuntu_18_04`. */
const seededId = (system: string, version: string) => `sv_${`${system}_${version}`.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;

/**
 * Knowledge base (SUP-7): articles with full-text search, and the supported
 * protocols and system versions. Search is FTS5 on SQLite (an external-content
 * table kept in step by triggers, Porter stemming) and a generated tsvector with
 * a GIN index on PostgreSQL (English stemming); title outweighs tags, tags
 * outweigh the body.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = isSqlite(db);
  // FTS5 addresses rows by an integer rowid; an INTEGER PRIMARY KEY keeps it stable across VACUUM.
  const seq = sqlite ? sql`integer primary key` : sql`bigint generated always as identity primary key`;
  let articles = db.schema
    .createTable('kb_articles')
    .addColumn('seq', seq)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // Space-separated lowercase tags.
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_by', 'text');
  if (!sqlite) {
    articles = articles.addColumn('search', sql`tsvector`, (c) =>
      c.generatedAlwaysAs(
        sql`setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', tags), 'B') || setweight(to_tsvector('english', body), 'C')`,
      ).stored(),
    );
  }
  await articles.execute();
  await db.schema.createIndex('kb_articles_published_idx').on('kb_articles').columns(['published', 'title']).execute();

  if (sqlite) {
    await sql`create virtual table kb_articles_fts using fts5(
      title, tags, body,
      content = 'kb_articles', content_rowid = 'seq',
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
    await sql`create trigger kb_articles_fts_insert after insert on kb_articles begin
      insert into kb_articles_fts (rowid, title, tags, body) values (new.seq, new.title, new.tags, new.body);
    end`.execute(db);
    await sql`create trigger kb_articles_fts_delete after delete on kb_articles begin
      insert into kb_articles_fts (kb_articles_fts, rowid, title, tags, body) values ('delete', old.seq, old.title, old.tags, old.body);
    end`.execute(db);
    await sql`create trigger kb_articles_fts_update after update on kb_articles begin
      insert into kb_articles_fts (kb_articles_fts, rowid, title, tags, body) values ('delete', old.seq, old.title, old.tags, old.body);
      insert into kb_articles_fts (rowid, title, tags, body) values (new.seq, new.title, new.tags, new.body);
    end`.execute(db);
  } else {
    await sql`create index kb_articles_search_idx on kb_articles using gin (search)`.execute(db);
  }

  await db.schema
    .createTable('kb_protocols')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('notes', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('kb_protocols').values(PROTOCOLS).execute();

  await db.schema
    .createTable('kb_system_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    // YYYY-MM-DD; null while the vendor has announced none.
    .addColumn('end_of_life_on', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  // One row per system and version, whatever their case ("ubuntu" is "Ubuntu").
  await sql`create unique index kb_system_versions_name_idx on kb_system_versions (lower(system), lower(version))`.execute(db);
  const now = new Date().toISOString();
  await db
    .insertInto('kb_system_versions')
    .values(
      SYSTEM_VERSIONS.map(([system, version, endOfLifeOn]) => ({
        id: seededId(system, version),
        system,
        version,
        end_of_life_on: endOfLifeOn,
        notes: null,
        created_at: now,
        updated_at: now,
        updated_by: null,
      })),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kb_system_versions').execute();
  await db.schema.dropTable('kb_protocols').execute();
  if (isSqlite(db)) await sql`drop table kb_articles_fts`.execute(db);
  await db.schema.dropTable('kb_articles').execute();
}
