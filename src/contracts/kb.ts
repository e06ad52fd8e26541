/** SUP-7: the knowledge base: public articles, search and the supported list; writing for support staff. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query, StrictObject } from './common.ts';

export const ARTICLE_TITLE_MAX = 200;
export const ARTICLE_MARKDOWN_MAX = 100_000;
export const SLUG_MAX = 100;
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
export const TAGS_MAX = 10;
export const SYSTEM_MAX = 60;
export const VERSION_MAX = 40;
export const NOTES_MAX = 500;
export const SEARCH_MAX = 200;
/** An article's text may be long and is not ASCII only: writing one takes up to 512 KiB. */
export const KB_ARTICLE_BODY_LIMIT = 512 * 1024;

const slug = Type.String({ minLength: 1, maxLength: SLUG_MAX, pattern: SLUG_PATTERN });

export const SlugParams = StrictObject({ slug });
export type SlugParams = Static<typeof SlugParams>;

export const ArticleQuery = Query({
  q: Type.Optional(
    Type.String({ maxLength: SEARCH_MAX, description: 'Words to search for; every word must match, best match first. Punctuation is ignored' }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'The nextCursor of the page before' })),
});
export type ArticleQuery = Static<typeof ArticleQuery>;

const articleFields = {
  slug: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: SLUG_MAX,
      pattern: SLUG_PATTERN,
      description: 'The address of the article; omitted: made from the title (on create) or kept (on update)',
    }),
  ),
  title: Type.String({ minLength: 1, maxLength: ARTICLE_TITLE_MAX }),
  markdown: Type.String({ minLength: 1, maxLength: ARTICLE_MARKDOWN_MAX }),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: TAGS_MAX })),
  published: Type.Boolean({ description: 'Published articles are public; drafts are seen only by staff' }),
};

/** Writing an article: a draft unless `published`. */
export const CreateArticleBody = StrictObject({ ...articleFields, published: Type.Optional(articleFields.published) });
export type CreateArticleBody = Static<typeof CreateArticleBody>;

/** Replacing an article: its publication is always stated. */
export const UpdateArticleBody = StrictObject(articleFields);
export type UpdateArticleBody = Static<typeof UpdateArticleBody>;

/** An article as anyone may read it (the public sees published ones only). */
export const Article = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  markdown: Type.String(),
  tags: Type.Array(Type.String()),
  published: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Article = Static<typeof Article>;

/** An article in a list or among search results. */
export const ArticleSummary = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  /** The start of the text, Markdown removed. */
  excerpt: Type.String(),
  tags: Type.Array(Type.String()),
  published: Type.Boolean(),
  updatedAt: Type.String(),
});
export type ArticleSummary = Static<typeof ArticleSummary>;
export const ArticlePage = Page(ArticleSummary);

export const SystemVersion = Type.Object({
  id: Type.String(),
  system: Type.String(),
  version: Type.String(),
  endOfLifeOn: Nullable(Type.String(), { description: 'YYYY-MM-DD, the last day of support' }),
  endOfLife: Type.Boolean({ description: 'The end of life has passed (judged at the time of the request)' }),
  notes: Nullable(Type.String()),
});
export type SystemVersion = Static<typeof SystemVersion>;

/** A protocol this instance serves, as its listener describes it (SUP-7). */
export const Protocol = Type.Object({
  id: Type.String({ description: 'http, smtp, and each protocol edge as it comes (ldap, radius, ...)' }),
  name: Type.String(),
  version: Nullable(Type.String(), { description: 'The protocol version or standard, e.g. HTTP/1.1, RFC 5321' }),
  notes: Type.String({ description: 'What works' }),
});
export type Protocol = Static<typeof Protocol>;

export const Supported = Type.Object({
  served: Type.Array(Protocol, { description: 'What this instance serves now, from the listeners that are running (each node answers for its own)' }),
  systemVersions: Type.Array(SystemVersion, { description: 'The system versions staff keep, those past their end of life marked' }),
});
export type Supported = Static<typeof Supported>;

export const SystemVersionBody = StrictObject({
  system: Type.String({ minLength: 1, maxLength: SYSTEM_MAX, description: 'e.g. Ubuntu, Windows Server' }),
  version: Type.String({ minLength: 1, maxLength: VERSION_MAX, description: 'e.g. 22.04, 2012 R2' }),
  endOfLifeOn: Nullable(Type.String({ format: 'date' }), { description: 'YYYY-MM-DD, the last day of support; null when none is announced' }),
  notes: Type.Optional(Nullable(Type.String({ maxLength: NOTES_MAX }))),
});
export type SystemVersionBody = Static<typeof SystemVersionBody>;

export const SystemVersionParams = StrictObject({ id: Id });
export type SystemVersionParams = Static<typeof SystemVersionParams>;
