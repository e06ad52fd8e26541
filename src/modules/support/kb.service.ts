import { AppError } from '../../core/errors.ts';
import type { DialectName } from '../../db/schema.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import { type KbAdminDeps, createKnowledgeBaseAdmin } from './kb.admin.ts';
import { KbErrors } from './kb.errors.ts';
import { matchScore, searchTerms, versionTokens } from './kb.query.ts';
import * as repo from './kb.repository.ts';
import {
  type ArticleSummaryView,
  type ArticleView,
  type ProtocolView,
  type SupportedView,
  isEndOfLife,
  toArticleSummary,
  toArticleView,
  toSuggestion,
  toSystemVersionView,
} from './kb.views.ts';
import type { ArticleSuggestion, KnowledgeBaseLookup, SystemVersionStatus } from './support.deps.ts';

// The staff writes and their limits live in kb.admin.ts; the module's index exports the limits from here.
export {
  ARTICLE_MARKDOWN_MAX,
  ARTICLE_TITLE_MAX,
  type ArticleInput,
  NOTES_MAX,
  SLUG_MAX,
  SLUG_PATTERN,
  SYSTEM_MAX,
  type SystemVersionInput,
  TAG_PATTERN,
  TAGS_MAX,
  VERSION_MAX,
  slugFrom,
} from './kb.admin.ts';

export interface KnowledgeBaseDeps extends KbAdminDeps {
  dialect: DialectName;
  /** Suggestions link here (absolute links, for mail); without it they are paths on this site. */
  publicUrl?: string;
  /** SUP-7: what the running listeners serve (the core's registry); nothing when not given. */
  served?: () => ProtocolView[];
}

export const SEARCH_MAX = 200;
/** Pages are offsets into a ranked list: deep enough for any person, bounded for the database. */
const MAX_OFFSET = 10_000;
const MAX_SUGGESTIONS = 20;
/** A ticket's text is read this far for a system version: it is named near the start, if at all. */
const VERSION_TEXT_MAX = 4000;

export interface PageOptions {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The offset a cursor stands for (cursors are the offsets of the next page). */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,6}$/.test(cursor) || Number(cursor) > MAX_OFFSET) {
    throw new AppError(KbErrors.invalidSearch, 'The cursor is not valid.', { details: { field: 'cursor' } });
  }
  return Number(cursor);
}

/** One row more than the page was asked for says whether another page follows. */
function pageOf<R, V>(rows: R[], offset: number, limit: number, view: (r: R) => V): Page<V> {
  const more = rows.length > limit && offset + limit <= MAX_OFFSET;
  return { items: rows.slice(0, limit).map(view), nextCursor: more ? String(offset + limit) : null };
}

/**
 * SUP-7: the knowledge base. Anyone reads published articles, searches them
 * (full text, best match first) and reads the supported protocols and system
 * versions; staff with `support.kb` write articles and keep the version list,
 * each write audited in its own transaction. The ticket desk uses it through
 * KnowledgeBaseLookup: suggestions for a ticket, and end-of-life detection.
 */
export function createKnowledgeBase(deps: KnowledgeBaseDeps) {
  const { db, clock } = deps;
  const admin = createKnowledgeBaseAdmin(deps);
  const publicUrl = (deps.publicUrl ?? '').replace(/\/+$/, '');

  function validQuery(q: string): string[] {
    if (q.length > SEARCH_MAX) throw new AppError(KbErrors.invalidSearch, `A search is at most ${SEARCH_MAX} characters.`, { details: { field: 'q' } });
    return searchTerms(q);
  }

  async function page(q: string | undefined, opts: PageOptions, publishedOnly: boolean): Promise<Page<ArticleSummaryView>> {
    const offset = offsetOf(opts.cursor);
    const limit = Math.max(1, Math.min(opts.limit, 100));
    if (q === undefined || q.trim() === '') {
      return pageOf(await repo.listArticles(db, { publishedOnly, offset, limit: limit + 1 }), offset, limit, toArticleSummary);
    }
    const terms = validQuery(q);
    const rows = await repo.searchArticles(db, { terms, match: 'all', publishedOnly, offset, limit: limit + 1 });
    return pageOf(rows, offset, limit, toArticleSummary);
  }

  /** Published articles matching every word of `q`, best first; without `q`, every published article by title. */
  async function searchArticles(q: string | undefined, opts: PageOptions): Promise<Page<ArticleSummaryView>> {
    return page(q, opts, true);
  }

  async function listArticles(opts: PageOptions): Promise<Page<ArticleSummaryView>> {
    return page(undefined, opts, true);
  }

  /** A published article; a draft is not found, as if it did not exist. */
  async function getArticle(slug: string): Promise<ArticleView> {
    const row = await repo.findArticle(db, slug);
    if (!row || Number(row.published) !== 1) throw new AppError(KbErrors.articleNotFound);
    return toArticleView(row);
  }

  /** Staff: drafts too. */
  async function listArticlesForStaff(caller: Caller, q: string | undefined, opts: PageOptions): Promise<Page<ArticleSummaryView>> {
    requireCapability(caller, 'support.kb');
    return page(q, opts, false);
  }

  async function getArticleForStaff(caller: Caller, slug: string): Promise<ArticleView> {
    requireCapability(caller, 'support.kb');
    const row = await repo.findArticle(db, slug);
    if (!row) throw new AppError(KbErrors.articleNotFound);
    return toArticleView(row);
  }

  const versionOrder = (a: { system: string; version: string }, b: { system: string; version: string }) =>
    a.system.localeCompare(b.system, 'en', { sensitivity: 'base' }) || a.version.localeCompare(b.version, 'en', { numeric: true, sensitivity: 'base' });

  /**
   * What this instance serves (from the listeners running, never a fixed list) and the system
   * versions staff keep, each version's end of life judged at `at`.
   */
  async function listSupported(at: Date = clock.now()): Promise<SupportedView> {
    const served = deps.served?.() ?? [];
    const systemVersions = (await repo.listSystemVersions(db)).sort(versionOrder).map((r) => toSystemVersionView(r, at));
    return { served, systemVersions };
  }

  /** KnowledgeBaseLookup: published articles sharing any word with the text, best first. */
  async function suggest(text: string, limit: number): Promise<ArticleSuggestion[]> {
    const n = Math.min(Math.max(Math.trunc(limit), 0), MAX_SUGGESTIONS);
    const terms = searchTerms(text);
    if (n === 0 || terms.length === 0) return [];
    const rows = await repo.searchArticles(db, { terms, match: 'any', publishedOnly: true, offset: 0, limit: n });
    return rows.map((r) => toSuggestion(r, publicUrl));
  }

  /** KnowledgeBaseLookup: the listed version the text names, the most specific when several do. */
  async function checkSystemVersion(text: string, at: Date): Promise<SystemVersionStatus | null> {
    const words = versionTokens(text.slice(0, VERSION_TEXT_MAX));
    if (words.length === 0) return null;
    let best: { score: number; row: Awaited<ReturnType<typeof repo.listSystemVersions>>[number] } | null = null;
    for (const row of (await repo.listSystemVersions(db)).sort(versionOrder)) {
      const score = matchScore(words, versionTokens(row.system), versionTokens(row.version));
      if (score > (best?.score ?? 0)) best = { score, row };
    }
    if (!best) return null;
    const { row } = best;
    return { system: row.system, version: row.version, endOfLife: isEndOfLife(row.end_of_life_on, at), endOfLifeOn: row.end_of_life_on };
  }

  return {
    searchArticles,
    listArticles,
    getArticle,
    listArticlesForStaff,
    getArticleForStaff,
    createArticle: admin.createArticle,
    updateArticle: admin.updateArticle,
    deleteArticle: admin.deleteArticle,
    listSupported,
    upsertSystemVersion: admin.upsertSystemVersion,
    deleteSystemVersion: admin.deleteSystemVersion,
    suggest,
    checkSystemVersion,
  } satisfies KnowledgeBaseLookup & Record<string, unknown>;
}

export type KnowledgeBase = ReturnType<typeof createKnowledgeBase>;
