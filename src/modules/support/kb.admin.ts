import type { CreateArticleBody, SystemVersionBody } from '../../contracts/kb.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Database } from '../../db/schema.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { AccountsErrors, optionalText, requiredText } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import { KbErrors } from './kb.errors.ts';
import { versionTokens } from './kb.query.ts';
import * as repo from './kb.repository.ts';
import { type ArticleView, type SystemVersionView, toArticleView, toSystemVersionView } from './kb.views.ts';

export interface KbAdminDeps {
  db: Kysely<Database>;
  clock: Clock;
  audit: Audit;
}

export const ARTICLE_TITLE_MAX = 200;
export const ARTICLE_MARKDOWN_MAX = 100_000;
export const SLUG_MAX = 100;
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
export const TAG_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
export const TAGS_MAX = 10;
export const SYSTEM_MAX = 60;
export const VERSION_MAX = 40;
export const NOTES_MAX = 500;

/** An article to write; its slug, omitted, is made from the title. */
export type ArticleInput = CreateArticleBody;

/** `endOfLifeOn`: YYYY-MM-DD, or null when no end of life is announced. */
export type SystemVersionInput = SystemVersionBody;

const invalidField = (field: string, message: string) => new AppError(AccountsErrors.invalidField, message, { details: { field } });
const slugTaken = () => new AppError(KbErrors.slugTaken, undefined, { details: { field: 'slug' } });

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

function validArticle(input: Omit<ArticleInput, 'slug'>) {
  return {
    title: requiredText(input.title, 'title', ARTICLE_TITLE_MAX),
    body: requiredText(input.markdown, 'markdown', ARTICLE_MARKDOWN_MAX),
    tags: validTags(input.tags),
    published: input.published ? 1 : 0,
  };
}

function validSystemVersion(input: SystemVersionInput) {
  const system = requiredText(input.system, 'system', SYSTEM_MAX);
  const version = requiredText(input.version, 'version', VERSION_MAX);
  if (versionTokens(system).length === 0) throw invalidField('system', 'A system is named with letters or digits.');
  if (versionTokens(version).length === 0) throw invalidField('version', 'A version is named with letters or digits.');
  return { system, version, end_of_life_on: validDate(input.endOfLifeOn), notes: optionalText(input.notes, 'notes', NOTES_MAX) };
}

/** A slug is taken: by a row already there, or by one inserted meanwhile (the unique index). */
async function writeOrSlugTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof AppError && e.is(CommonErrors.conflict)) throw slugTaken();
    throw e;
  }
}

/**
 * SUP-7: the knowledge base's staff writes. Each needs `support.kb`, runs in
 * its own transaction and is audited in it.
 */
export function createKnowledgeBaseAdmin(deps: KbAdminDeps) {
  const { db, clock, audit } = deps;

  async function createArticle(ctx: RequestContext, caller: Caller, input: ArticleInput): Promise<ArticleView> {
    requireCapability(caller, 'support.kb');
    const fields = validArticle(input);
    const slug = validSlug(input.slug ?? slugFrom(fields.title));
    const now = clock.now().toISOString();
    const row = { id: newId('kba'), slug, ...fields, created_at: now, updated_at: now, created_by: accountIdOf(caller), updated_by: accountIdOf(caller) };
    await writeOrSlugTaken(() =>
      db.transaction().execute(async (trx) => {
        if (await repo.findArticle(trx, slug)) throw slugTaken();
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
  async function updateArticle(ctx: RequestContext, caller: Caller, slug: string, input: ArticleInput): Promise<ArticleView> {
    requireCapability(caller, 'support.kb');
    const fields = validArticle(input);
    const newSlug = input.slug === undefined ? slug : validSlug(input.slug);
    const now = clock.now().toISOString();
    const updated = await writeOrSlugTaken(() =>
      db.transaction().execute(async (trx) => {
        const row = await repo.findArticle(trx, slug);
        if (!row) throw new AppError(KbErrors.articleNotFound);
        if (newSlug !== slug && (await repo.findArticle(trx, newSlug))) throw slugTaken();
        const patch = { slug: newSlug, ...fields, updated_at: now, updated_by: accountIdOf(caller) };
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

  async function deleteArticle(ctx: RequestContext, caller: Caller, slug: string): Promise<void> {
    requireCapability(caller, 'support.kb');
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

  /** Adds the system version, or changes the one of that system and version (any case). */
  async function upsertSystemVersion(
    ctx: RequestContext,
    caller: Caller,
    input: SystemVersionInput,
  ): Promise<{ created: boolean; systemVersion: SystemVersionView }> {
    requireCapability(caller, 'support.kb');
    const fields = validSystemVersion(input);
    const { system, version } = fields;
    const now = clock.now();
    const changes = { ...fields, updated_at: now.toISOString(), updated_by: accountIdOf(caller) };
    const saved = await db.transaction().execute(async (trx) => {
      const existing = await repo.findSystemVersionByName(trx, system, version);
      const row = existing ? { ...existing, ...changes } : { id: newId('sv'), ...changes, created_at: changes.updated_at };
      if (existing) await repo.updateSystemVersion(trx, existing.id, changes);
      else await repo.insertSystemVersion(trx, row);
      await audit.record(trx, ctx, {
        action: existing ? 'support.kb_system_version_updated' : 'support.kb_system_version_added',
        orgId: null,
        target: { type: 'kb_system_version', id: row.id },
        details: {
          system,
          version,
          endOfLifeOn: fields.end_of_life_on,
          ...(existing ? { previous: { system: existing.system, version: existing.version, endOfLifeOn: existing.end_of_life_on } } : {}),
        },
      });
      return { created: !existing, row };
    });
    return { created: saved.created, systemVersion: toSystemVersionView(saved.row, now) };
  }

  async function deleteSystemVersion(ctx: RequestContext, caller: Caller, id: string): Promise<void> {
    requireCapability(caller, 'support.kb');
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

  return { createArticle, updateArticle, deleteArticle, upsertSystemVersion, deleteSystemVersion };
}
