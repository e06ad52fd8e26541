import { NoContent } from '../../contracts/common.ts';
import {
  Article,
  ArticlePage,
  ArticleQuery,
  CreateArticleBody,
  KB_ARTICLE_BODY_LIMIT,
  SlugParams,
  Supported,
  SystemVersion,
  SystemVersionBody,
  SystemVersionParams,
  UpdateArticleBody,
} from '../../contracts/kb.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** SUP-7: the knowledge base. Reading and searching are public; writing is for staff with the support or owner role. */
export function kbRoutes(app: HttpApp, deps: HttpDeps): void {
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
        querystring: ArticleQuery,
        response: { 200: ArticlePage, ...errorResponses(400, 422) },
      },
    },
    async (req) => {
      const q = req.query;
      return kb.searchArticles(q.q, { limit: q.limit, cursor: q.cursor });
    },
  );

  app.get(
    '/api/v1/kb/articles/:slug',
    {
      config: publicRoute,
      schema: { tags, summary: 'A published article, its text in Markdown', params: SlugParams, response: { 200: Article, ...errorResponses(400, 404) } },
    },
    async (req) => kb.getArticle(req.params.slug),
  );

  app.get(
    '/api/v1/kb/supported',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'The supported protocols and system versions; versions past their end of life are marked',
        response: { 200: Supported },
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
        querystring: ArticleQuery,
        response: { 200: ArticlePage, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async (req) => {
      const q = req.query;
      return kb.listArticlesForStaff(callerOf(req), q.q, { limit: q.limit, cursor: q.cursor });
    },
  );

  app.get(
    '/api/v1/staff/kb/articles/:slug',
    {
      config: auth,
      schema: { tags, summary: 'An article, draft or published (staff)', params: SlugParams, response: { 200: Article, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => kb.getArticleForStaff(callerOf(req), req.params.slug),
  );

  app.post(
    '/api/v1/staff/kb/articles',
    {
      config: auth,
      bodyLimit: KB_ARTICLE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Write an article (staff with the support or owner role)',
        body: CreateArticleBody,
        response: { 201: Article, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await kb.createArticle(contextOf(req), callerOf(req), req.body)),
  );

  app.put(
    '/api/v1/staff/kb/articles/:slug',
    {
      config: auth,
      bodyLimit: KB_ARTICLE_BODY_LIMIT,
      schema: {
        tags,
        summary: "Replace an article's title, text, tags and publication; a new slug moves it (staff)",
        params: SlugParams,
        body: UpdateArticleBody,
        response: { 200: Article, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => kb.updateArticle(contextOf(req), callerOf(req), req.params.slug, req.body),
  );

  app.delete(
    '/api/v1/staff/kb/articles/:slug',
    {
      config: auth,
      schema: { tags, summary: 'Delete an article (staff)', params: SlugParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req, reply) => {
      await kb.deleteArticle(contextOf(req), callerOf(req), req.params.slug);
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
        body: SystemVersionBody,
        response: { 200: SystemVersion, 201: SystemVersion, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const { created, systemVersion: view } = await kb.upsertSystemVersion(contextOf(req), callerOf(req), req.body);
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
        params: SystemVersionParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await kb.deleteSystemVersion(contextOf(req), callerOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
