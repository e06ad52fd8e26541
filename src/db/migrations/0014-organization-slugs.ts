import type { Kysely } from 'kysely';

/**
 * PRO-1: each organization gets a slug, the stable name its LDAP subtree (`o=<slug>`) goes by. It
 * is made from the name once (lower-case letters, digits and single hyphens) and does not follow a
 * rename, so that distinguished names configured on hosts keep working. Existing organizations get
 * theirs here, oldest first, a number appended where two names give the same slug.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('slug', 'text').execute();
  const rows = await db.selectFrom('organizations').select(['id', 'name']).orderBy('created_at').orderBy('id').execute();
  const taken = new Set<string>();
  for (const r of rows as Array<{ id: string; name: string }>) {
    const base = slugFrom(r.name);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base.slice(0, 40)}-${n}`;
    taken.add(slug);
    await db.updateTable('organizations').set({ slug }).where('id', '=', r.id).execute();
  }
  await db.schema.createIndex('organizations_slug_unique').on('organizations').column('slug').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('organizations_slug_unique').execute();
  await db.schema.alterTable('organizations').dropColumn('slug').execute();
}

/** A copy of the module's rule as it was when this ran (migrations import no app code). */
function slugFrom(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return s || 'org';
}

