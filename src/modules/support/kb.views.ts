import type { Article, ArticleSummary, Protocol, Supported, SystemVersion } from '../../contracts/kb.ts';
import type { ArticleSuggestion } from './support.deps.ts';
import type { KbArticlesTable, KbSystemVersionsTable } from './kb.tables.ts';

// The knowledge base's views are the HTTP contract's types (src/contracts/kb.ts).
export type ArticleView = Article;
export type ArticleSummaryView = ArticleSummary;
export type ProtocolView = Protocol;
export type SystemVersionView = SystemVersion;
export type SupportedView = Supported;

export const EXCERPT_LENGTH = 200;

export const tagsOf = (tags: string): string[] => tags.split(' ').filter((t) => t.length > 0);

/** Plain text from the Markdown subset: markers, link targets and code ticks removed. */
export function excerptOf(markdown: string): string {
  const text = markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/^ {0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)/, ''))
    .filter((l) => !/^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(l))
    .join(' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > EXCERPT_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

type ArticleRow = Omit<KbArticlesTable, 'seq'>;

export const toArticleView = (r: ArticleRow): ArticleView => ({
  slug: r.slug,
  title: r.title,
  markdown: r.body,
  tags: tagsOf(r.tags),
  published: Number(r.published) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toArticleSummary = (r: ArticleRow): ArticleSummaryView => ({
  slug: r.slug,
  title: r.title,
  excerpt: excerptOf(r.body),
  tags: tagsOf(r.tags),
  published: Number(r.published) === 1,
  updatedAt: r.updated_at,
});

export const toSuggestion = (r: Pick<ArticleRow, 'slug' | 'title'>, publicUrl: string): ArticleSuggestion => ({
  slug: r.slug,
  title: r.title,
  url: `${publicUrl}/kb/articles/${encodeURIComponent(r.slug)}`,
});


/** SUP-7: end of life once the last day of support is before the day of `at` (UTC). */
export const isEndOfLife = (endOfLifeOn: string | null, at: Date): boolean => endOfLifeOn !== null && endOfLifeOn < at.toISOString().slice(0, 10);

export const toSystemVersionView = (r: KbSystemVersionsTable, at: Date): SystemVersionView => ({
  id: r.id,
  system: r.system,
  version: r.version,
  endOfLifeOn: r.end_of_life_on,
  endOfLife: isEndOfLife(r.end_of_life_on, at),
  notes: r.notes,
});
