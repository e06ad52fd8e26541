import type { Kysely } from 'kysely';

/** The list as 0006 shipped it, to put back on the way down. */
const PROTOCOLS = [
  { id: 'ldap', name: 'LDAP', version: 'v3', notes: 'Simple bind, search with the full filter grammar, paged results, StartTLS and LDAPS.', sort_order: 1 },
  { id: 'oidc', name: 'OpenID Connect', version: '1.0', notes: 'Authorization code with PKCE, refresh, client credentials, discovery and JWKS.', sort_order: 2 },
  { id: 'radius', name: 'RADIUS', version: null, notes: 'PAP with Message-Authenticator, a shared secret per network.', sort_order: 3 },
  { id: 'scim', name: 'SCIM', version: '2.0', notes: 'Users and Groups, filters and PATCH, with a per-organization token.', sort_order: 4 },
  { id: 'saml', name: 'SAML', version: '2.0', notes: 'Identity provider for applications that lack OpenID Connect.', sort_order: 5 },
];

/**
 * SUP-7: the supported protocols are what the running listeners serve, as each registers itself,
 * not a fixed list in the database (which named LDAP, OIDC, RADIUS, SCIM and SAML before any of
 * them existed). The system versions stay: staff keep them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kb_protocols').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kb_protocols')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('notes', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('kb_protocols').values(PROTOCOLS).execute();
}
