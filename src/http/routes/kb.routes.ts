import type { FastifyInstance } from 'fastify';
import {
  ARTICLE_MARKDOWN_MAX,
  ARTICLE_TITLE_MAX,
  type ArticleInput,
  NOTES_MAX,
  SEARCH_MAX,
  SLUG_MAX,
  SLUG_PATTERN,
  SYSTEM_MAX,
  type SystemVersionInput,
  TAGS_MAX,
  VERSION_MAX,
} from '../../modules/support/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { idParam } from './users.routes.ts';

/** An article's text may be long and is not ASCII only: this route takes up to 512 KiB. */
export const KB_ARTICLE_BODY_LIMIT = 512 * 1024;

const slug = { type: 'string', minLength: 1, maxLength: SLUG_MAX, pattern: SLUG_PATTERN } as const;
const slugParams = strictObject({ slug }, ['slug']);
const listQuery = strictObject({
  q: { type: 'string', maxLength: SEARCH_MAX, description: 'Words to search for; every word must match, best match first. Punctuation is ignored' },
  limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  cursor: { type: 'string', pattern: '^[0-9]{1,6}$', description: 'The nextCursor of the page before' },
});
type ListQuery = { q?: string; limit: number; cursor?: string };

const articleInput = {
  slug: { ...slug, description: 'The address of the article; omitted: made from the title (on create) or kept (on update)' },
  title: { type: 'string', minLength: 1, maxLength: ARTICLE_TITLE_MAX },
  markdown: { type: 'string', minLength: 1, maxLength: ARTICLE_MARKDOWN_MAX },
  tags: { type: 'array', maxItems: TAGS_MAX, items: { type: 'string', minLength: 1, maxLength: 40 } },
  published: { type: 'boolean', description: 'Published articles are public; drafts are seen only by staff' },
} as const;

const article = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    title: { type: 'string' },
    markdown: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    published: { type: 'boolean' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  required: ['slug', 'title', 'markdown', 'tags', 'published', 'createdAt', 'updatedAt'],
} as const;

const articleSummary = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    title: { type: 'string' },
    excerpt: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    published: { type: 'boolean' },
    updatedAt: { type: 'string' },
  },
  required: ['slug', 'title', 'excerpt', 'tags', 'published', 'updatedAt'],
} as const;

const articlePage = {
  type: 'object',
  properties: { items: { type: 'array', items: articleSummary }, nextCursor: { type: ['string', 'null'] } },
  required: ['items', 'nextCursor'],
} as const;

const systemVersion = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    system: { type: 'string' },
    version: { type: 'string' },
    endOfLifeOn: { type: ['string', 'null'], description: 'YYYY-MM-DD, the last day of support' },
    endOfLife: { type: 'boolean', description: 'The end of life has passed (judged at the time of the request)' },
    notes: { type: ['string', 'null'] },
  },
  required: ['id', 'system', 'version', 'endOfLifeOn', 'endOfLife', 'notes'],
} as const;

const supported = {
  type: 'object',
  properties: {
    protocols: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, version: { type: ['string', 'null'] }, notes: { type: ['string', 'null'] } },
        required: ['id', 'name', 'version', 'notes'],
      },
    },
    systemVersions: { type: 'array', items: systemVersion },
  },
  required: ['protocols', 'systemVersions'],
} as const;

/** SUP-7: the knowledge base. Reading and searching are public; writing is for staff with the support or owner role. */
export function kbRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const kb = deps.knowledgeBase;
  const publicRoute = { auth: 'none' as const };
  const auth = { auth: 'required' as const };
  const tags = ['knowledge base'];

  app.get(
    '/api/v1/kb/articles',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Published articles: with q, those matching every word, best match first (full-text, stemmed); without, all by title',
        querystring: listQuery,
        response: { 200: articlePage, ...errorResponses(400, 422) },
      },
    },
    async (req) => {
      const q = req.query as ListQuery;
      return kb.searchArticles(q.q, { limit: q.limit, cursor: q.cursor });
    },
  );

  app.get(
    '/api/v1/kb/articles/:slug',
    {
      config: publicRoute,
      schema: { tags, summary: 'A published article, its text in Markdown', params: slugParams, response: { 200: article, ...errorResponses(400, 404) } },
    },
    async (req) => kb.getArticle((req.params as { slug: string }).slug),
  );

  app.get(
    '/api/v1/kb/supported',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'The supported protocols and system versions; versions past their end of life are marked',
        response: { 200: supported },
      },
    },
    async () => kb.listSupported(),
  );

  app.get(
    '/api/v1/staff/kb/articles',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Every article, drafts included (staff with the support or owner role)',
        querystring: listQuery,
        response: { 200: articlePage, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async (req) => {
      const q = req.query as ListQuery;
      return kb.listArticlesForStaff(principalOf(req), q.q, { limit: q.limit, cursor: q.cursor });
    },
  );

  app.get(
    '/api/v1/staff/kb/articles/:slug',
    {
      config: auth,
      schema: { tags, summary: 'An article, draft or published (staff)', params: slugParams, response: { 200: article, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => kb.getArticleForStaff(principalOf(req), (req.params as { slug: string }).slug),
  );

  app.post(
    '/api/v1/staff/kb/articles',
    {
      config: auth,
      bodyLimit: KB_ARTICLE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Write an article (staff with the support or owner role)',
        body: strictObject(articleInput, ['title', 'markdown']),
        response: { 201: article, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await kb.createArticle(contextOf(req), principalOf(req), req.body as ArticleInput)),
  );

  app.put(
    '/api/v1/staff/kb/articles/:slug',
    {
      config: auth,
      bodyLimit: KB_ARTICLE_BODY_LIMIT,
      schema: {
        tags,
        summary: "Replace an article's title, text, tags and publication; a new slug moves it (staff)",
        params: slugParams,
        body: strictObject(articleInput, ['title', 'markdown', 'published']),
        response: { 200: article, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => kb.updateArticle(contextOf(req), principalOf(req), (req.params as { slug: string }).slug, req.body as ArticleInput),
  );

  app.delete(
    '/api/v1/staff/kb/articles/:slug',
    {
      config: auth,
      schema: { tags, summary: 'Delete an article (staff)', params: slugParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req, reply) => {
      await kb.deleteArticle(contextOf(req), principalOf(req), (req.params as { slug: string }).slug);
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/v1/staff/kb/system-versions',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Add a supported system version, or change the one with this system and version (any case) (staff)',
        body: strictObject(
          {
            system: { type: 'string', minLength: 1, maxLength: SYSTEM_MAX, description: 'e.g. Ubuntu, Windows Server' },
            version: { type: 'string', minLength: 1, maxLength: VERSION_MAX, description: 'e.g. 22.04, 2012 R2' },
            endOfLifeOn: { type: ['string', 'null'], format: 'date', description: 'YYYY-MM-DD, the last day of support; null when none is announced' },
            notes: { type: ['string', 'null'], maxLength: NOTES_MAX },
          },
          ['system', 'version', 'endOfLifeOn'],
        ),
        response: { 200: systemVersion, 201: systemVersion, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const { created, systemVersion: view } = await kb.upsertSystemVersion(contextOf(req), principalOf(req), req.body as SystemVersionInput);
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  app.delete(
    '/api/v1/staff/kb/system-versions/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Remove a system version from the supported list (staff)',
        params: strictObject({ id: idParam }, ['id']),
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await kb.deleteSystemVersion(contextOf(req), principalOf(req), (req.params as { id: string }).id);
      return reply.status(204).send();
    },
  );
}
