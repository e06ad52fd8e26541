import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import { AccountsErrors, type Principal, optionalText, requireCapability, requiredText } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import { KbErrors } from './kb.errors.ts';
import { matchScore, searchTerms, versionTokens } from './kb.query.ts';
import * as repo from './kb.repository.ts';
import {
  type ArticleSummaryView,
  type ArticleView,
  type SupportedView,
  type SystemVersionView,
  isEndOfLife,
  toArticleSummary,
  toArticleView,
  toProtocolView,
  toSuggestion,
  toSystemVersionView,
} from './kb.views.ts';
import type { ArticleSuggestion, KnowledgeBaseLookup, SystemVersionStatus } from './support.deps.ts';

export interface KnowledgeBaseDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  /** Suggestions link here (absolute links, for mail); without it they are paths on this site. */
  publicUrl?: string;
}

export const ARTICLE_TITLE_MAX = 200;
export const ARTICLE_MARKDOWN_MAX = 100_000;
export const SLUG_MAX = 100;
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
export const TAG_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
export const TAGS_MAX = 10;
export const SEARCH_MAX = 200;
export const SYSTEM_MAX = 60;
export const VERSION_MAX = 40;
export const NOTES_MAX = 500;
/** Pages are offsets into a ranked list: deep enough for any person, bounded for the database. */
const MAX_OFFSET = 10_000;
const MAX_SUGGESTIONS = 20;
/** A ticket's text is read this far for a system version: it is named near the start, if at all. */
const VERSION_TEXT_MAX = 4000;

export interface ArticleInput {
  /** Omitted: made from the title. */
  slug?: string | undefined;
  title: string;
  markdown: string;
  tags?: string[] | undefined;
  published?: boolean | undefined;
}

export interface SystemVersionInput {
  system: string;
  version: string;
  /** YYYY-MM-DD, or null when no end of life is announced. */
  endOfLifeOn: string | null;
  notes?: string | null | undefined;
}

export interface PageOptions {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const invalidField = (field: string, message: string) => new AppError(AccountsErrors.invalidField, message, { details: { field } });

/** An address from a title: "Configure SSSD (Ubuntu)" → `configure-sssd-ubuntu`. */
export function slugFrom(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 80)
    .replace(/^-+|-+$/g, '');
}

function validSlug(slug: string): string {
  const s = slug.trim();
  if (s.length === 0 || s.length > SLUG_MAX || !new RegExp(SLUG_PATTERN).test(s)) {
    throw invalidField('slug', `A slug is 1 to ${SLUG_MAX} lowercase letters and digits, words joined by single dashes.`);
  }
  return s;
}

function validTags(tags: string[] | undefined): string {
  const out: string[] = [];
  for (const tag of tags ?? []) {
    const t = tag.trim().toLowerCase();
    if (!new RegExp(TAG_PATTERN).test(t)) throw invalidField('tags', 'A tag is 1 to 40 lowercase letters, digits and dashes.');
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > TAGS_MAX) throw invalidField('tags', `At most ${TAGS_MAX} tags.`);
  return out.join(' ');
}

function validDate(value: string | null): string | null {
  if (value === null) return null;
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw invalidField('endOfLifeOn', 'endOfLifeOn is a date, YYYY-MM-DD.');
  }
  return value;
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
  const { db, dialect, clock, audit } = deps;
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
    const rows = await repo.searchArticles(db, { dialect, terms, match: 'all', publishedOnly, offset, limit: limit + 1 });
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
  async function listArticlesForStaff(principal: Principal, q: string | undefined, opts: PageOptions): Promise<Page<ArticleSummaryView>> {
    requireCapability(principal.user, 'support.kb');
    return page(q, opts, false);
  }

  async function getArticleForStaff(principal: Principal, slug: string): Promise<ArticleView> {
    requireCapability(principal.user, 'support.kb');
    const row = await repo.findArticle(db, slug);
    if (!row) throw new AppError(KbErrors.articleNotFound);
    return toArticleView(row);
  }

  function validArticle(input: Omit<ArticleInput, 'slug'>) {
    return {
      title: requiredText(input.title, 'title', ARTICLE_TITLE_MAX),
      body: requiredText(input.markdown, 'markdown', ARTICLE_MARKDOWN_MAX),
      tags: validTags(input.tags),
      published: input.published ? 1 : 0,
    };
  }

  /** A slug is taken: by a row already there, or by one inserted meanwhile (the unique index). */
  async function writeOrSlugTaken<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (e instanceof AppError && e.is(CommonErrors.conflict)) throw new AppError(KbErrors.slugTaken, undefined, { details: { field: 'slug' } });
      throw e;
    }
  }

  async function createArticle(ctx: RequestContext, principal: Principal, input: ArticleInput): Promise<ArticleView> {
    requireCapability(principal.user, 'support.kb');
    const fields = validArticle(input);
    const slug = validSlug(input.slug ?? slugFrom(fields.title));
    const now = clock.now().toISOString();
    const row = { id: newId('kba'), slug, ...fields, created_at: now, updated_at: now, created_by: principal.user.id, updated_by: principal.user.id };
    await writeOrSlugTaken(() =>
      db.transaction().execute(async (trx) => {
        if (await repo.findArticle(trx, slug)) throw new AppError(KbErrors.slugTaken, undefined, { details: { field: 'slug' } });
        await repo.insertArticle(trx, row);
        await audit.record(trx, ctx, {
          action: 'support.kb_article_created',
          orgId: null,
          target: { type: 'kb_article', id: row.id },
          details: { slug, title: fields.title, published: fields.published === 1 },
        });
      }),
    );
    return toArticleView(row);
  }

  /** Replaces the article's title, text, tags and publication; a new `slug` moves it. */
  async function updateArticle(ctx: RequestContext, principal: Principal, slug: string, input: ArticleInput): Promise<ArticleView> {
    requireCapability(principal.user, 'support.kb');
    const fields = validArticle(input);
    const newSlug = input.slug === undefined ? slug : validSlug(input.slug);
    const now = clock.now().toISOString();
    const updated = await writeOrSlugTaken(() =>
      db.transaction().execute(async (trx) => {
        const row = await repo.findArticle(trx, slug);
        if (!row) throw new AppError(KbErrors.articleNotFound);
        if (newSlug !== slug && (await repo.findArticle(trx, newSlug))) throw new AppError(KbErrors.slugTaken, undefined, { details: { field: 'slug' } });
        const patch = { slug: newSlug, ...fields, updated_at: now, updated_by: principal.user.id };
        await repo.updateArticle(trx, row.id, patch);
        await audit.record(trx, ctx, {
          action: 'support.kb_article_updated',
          orgId: null,
          target: { type: 'kb_article', id: row.id },
          details: { slug: newSlug, ...(newSlug !== slug ? { previousSlug: slug } : {}), title: fields.title, published: fields.published === 1 },
        });
        return { ...row, ...patch };
      }),
    );
    return toArticleView(updated);
  }

  async function deleteArticle(ctx: RequestContext, principal: Principal, slug: string): Promise<void> {
    requireCapability(principal.user, 'support.kb');
    await db.transaction().execute(async (trx) => {
      const row = await repo.findArticle(trx, slug);
      if (!row) throw new AppError(KbErrors.articleNotFound);
      await repo.deleteArticle(trx, row.id);
      await audit.record(trx, ctx, {
        action: 'support.kb_article_deleted',
        orgId: null,
        target: { type: 'kb_article', id: row.id },
        details: { slug, title: row.title },
      });
    });
  }

  const versionOrder = (a: { system: string; version: string }, b: { system: string; version: string }) =>
    a.system.localeCompare(b.system, 'en', { sensitivity: 'base' }) || a.version.localeCompare(b.version, 'en', { numeric: true, sensitivity: 'base' });

  /** The supported protocols and system versions, each version's end of life judged at `at`. */
  async function listSupported(at: Date = clock.now()): Promise<SupportedView> {
    const protocols = (await repo.listProtocols(db)).map(toProtocolView);
    const systemVersions = (await repo.listSystemVersions(db)).sort(versionOrder).map((r) => toSystemVersionView(r, at));
    return { protocols, systemVersions };
  }

  /** Adds the system version, or changes the one of that system and version (any case). */
  async function upsertSystemVersion(
    ctx: RequestContext,
    principal: Principal,
    input: SystemVersionInput,
  ): Promise<{ created: boolean; systemVersion: SystemVersionView }> {
    requireCapability(principal.user, 'support.kb');
    const system = requiredText(input.system, 'system', SYSTEM_MAX);
    const version = requiredText(input.version, 'version', VERSION_MAX);
    if (versionTokens(system).length === 0) throw invalidField('system', 'A system is named with letters or digits.');
    if (versionTokens(version).length === 0) throw invalidField('version', 'A version is named with letters or digits.');
    const endOfLifeOn = validDate(input.endOfLifeOn);
    const notes = optionalText(input.notes, 'notes', NOTES_MAX);
    const now = clock.now();
    const at = now.toISOString();
    const saved = await db.transaction().execute(async (trx) => {
      const existing = await repo.findSystemVersionByName(trx, system, version);
      const row = existing
        ? { ...existing, system, version, end_of_life_on: endOfLifeOn, notes, updated_at: at, updated_by: principal.user.id }
        : { id: newId('sv'), system, version, end_of_life_on: endOfLifeOn, notes, created_at: at, updated_at: at, updated_by: principal.user.id };
      if (existing) await repo.updateSystemVersion(trx, existing.id, { system, version, end_of_life_on: endOfLifeOn, notes, updated_at: at, updated_by: principal.user.id });
      else await repo.insertSystemVersion(trx, row);
      await audit.record(trx, ctx, {
        action: existing ? 'support.kb_system_version_updated' : 'support.kb_system_version_added',
        orgId: null,
        target: { type: 'kb_system_version', id: row.id },
        details: {
          system,
          version,
          endOfLifeOn,
          ...(existing ? { previous: { system: existing.system, version: existing.version, endOfLifeOn: existing.end_of_life_on } } : {}),
        },
      });
      return { created: !existing, row };
    });
    return { created: saved.created, systemVersion: toSystemVersionView(saved.row, now) };
  }

  async function deleteSystemVersion(ctx: RequestContext, principal: Principal, id: string): Promise<void> {
    requireCapability(principal.user, 'support.kb');
    await db.transaction().execute(async (trx) => {
      const row = await repo.findSystemVersion(trx, id);
      if (!row) throw new AppError(KbErrors.systemVersionNotFound);
      await repo.deleteSystemVersion(trx, id);
      await audit.record(trx, ctx, {
        action: 'support.kb_system_version_deleted',
        orgId: null,
        target: { type: 'kb_system_version', id },
        details: { system: row.system, version: row.version, endOfLifeOn: row.end_of_life_on },
      });
    });
  }

  /** KnowledgeBaseLookup: published articles sharing any word with the text, best first. */
  async function suggest(text: string, limit: number): Promise<ArticleSuggestion[]> {
    const n = Math.min(Math.max(Math.trunc(limit), 0), MAX_SUGGESTIONS);
    const terms = searchTerms(text);
    if (n === 0 || terms.length === 0) return [];
    const rows = await repo.searchArticles(db, { dialect, terms, match: 'any', publishedOnly: true, offset: 0, limit: n });
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
    createArticle,
    updateArticle,
    deleteArticle,
    listSupported,
    upsertSystemVersion,
    deleteSystemVersion,
    suggest,
    checkSystemVersion,
  } satisfies KnowledgeBaseLookup & Record<string, unknown>;
}

export type KnowledgeBase = ReturnType<typeof createKnowledgeBase>;
