import { type Insertable, type Updateable, sql } from 'kysely';
import { dialectOf } from '../../db/dialect.ts';
import type { Executor } from '../../db/schema.ts';
import { fts5Match } from './kb.query.ts';
import type { KbArticlesTable, KbSystemVersionsTable } from './kb.tables.ts';

/** Every column but the index's own (`seq`, and PostgreSQL's `search` vector). */
const ARTICLE_COLUMNS = ['id', 'slug', 'title', 'body', 'tags', 'published', 'created_at', 'updated_at', 'created_by', 'updated_by'] as const;

export type ArticleRow = Omit<KbArticlesTable, 'seq'>;

export interface ArticleSearch {
  /** Words only (see kb.query.ts): never raw user text. */
  terms: string[];
  /** Every word must match (a search), or any word (suggestions). */
  match: 'all' | 'any';
  publishedOnly: boolean;
  offset: number;
  limit: number;
}

export async function findArticle(ex: Executor, slug: string): Promise<ArticleRow | undefined> {
  return ex.selectFrom('kb_articles').select(ARTICLE_COLUMNS).where('slug', '=', slug).executeTakeFirst();
}

export async function insertArticle(ex: Executor, row: Insertable<KbArticlesTable>): Promise<void> {
  await ex.insertInto('kb_articles').values(row).execute();
}

export async function updateArticle(ex: Executor, id: string, patch: Updateable<KbArticlesTable>): Promise<void> {
  await ex.updateTable('kb_articles').set(patch).where('id', '=', id).execute();
}

export async function deleteArticle(ex: Executor, id: string): Promise<void> {
  await ex.deleteFrom('kb_articles').where('id', '=', id).execute();
}

/** By title, then slug (unique): a stable order for offset pages. */
export async function listArticles(ex: Executor, f: { publishedOnly: boolean; offset: number; limit: number }): Promise<ArticleRow[]> {
  return ex
    .selectFrom('kb_articles')
    .select(ARTICLE_COLUMNS)
    .$if(f.publishedOnly, (q) => q.where('published', '=', 1))
    .orderBy('title')
    .orderBy('slug')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

/**
 * Full-text search, best match first. SQLite: FTS5 with BM25, title weighing
 * 10, tags 5 and the body 1. PostgreSQL: ts_rank over the weighted vector
 * (title A, tags B, body C). Each word is quoted (FTS5) or bound (PostgreSQL).
 */
export async function searchArticles(ex: Executor, s: ArticleSearch): Promise<ArticleRow[]> {
  if (s.terms.length === 0) return [];
  const published = s.publishedOnly ? sql`and a.published = 1` : sql``;
  const columns = sql.join(ARTICLE_COLUMNS.map((c) => sql.ref(`a.${c}`)));
  if (dialectOf(ex) === 'sqlite') {
    const match = fts5Match(s.terms, s.match === 'all' ? 'AND' : 'OR');
    const result = await sql<ArticleRow>`
      select ${columns} from kb_articles_fts f join kb_articles a on a.seq = f.rowid
      where kb_articles_fts match ${match} ${published}
      order by bm25(kb_articles_fts, 10.0, 5.0, 1.0), a.seq
      limit ${s.limit} offset ${s.offset}`.execute(ex);
    return result.rows;
  }
  const query =
    s.match === 'all'
      ? sql`plainto_tsquery('english', ${s.terms.join(' ')})`
      : sql.join(
          s.terms.map((t) => sql`plainto_tsquery('english', ${t})`),
          sql` || `,
        );
  const result = await sql<ArticleRow>`
    select ${columns} from kb_articles a, (select ${query} as q) query
    where a.search @@ query.q ${published}
    order by ts_rank(a.search, query.q) desc, a.seq
    limit ${s.limit} offset ${s.offset}`.execute(ex);
  return result.rows;
}

export async function listSystemVersions(ex: Executor): Promise<KbSystemVersionsTable[]> {
  return ex.selectFrom('kb_system_versions').selectAll().execute();
}

export async function findSystemVersion(ex: Executor, id: string): Promise<KbSystemVersionsTable | undefined> {
  return ex.selectFrom('kb_system_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row for this system and version, whatever their case. */
export async function findSystemVersionByName(ex: Executor, system: string, version: string): Promise<KbSystemVersionsTable | undefined> {
  return ex
    .selectFrom('kb_system_versions')
    .selectAll()
    .where(sql<boolean>`lower(system) = ${system.toLowerCase()}`)
    .where(sql<boolean>`lower(version) = ${version.toLowerCase()}`)
    .executeTakeFirst();
}

export async function insertSystemVersion(ex: Executor, row: KbSystemVersionsTable): Promise<void> {
  await ex.insertInto('kb_system_versions').values(row).execute();
}

export async function updateSystemVersion(ex: Executor, id: string, patch: Updateable<KbSystemVersionsTable>): Promise<void> {
  await ex.updateTable('kb_system_versions').set(patch).where('id', '=', id).execute();
}

export async function deleteSystemVersion(ex: Executor, id: string): Promise<void> {
  await ex.deleteFrom('kb_system_versions').where('id', '=', id).execute();
}
