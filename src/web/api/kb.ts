// The knowledge base (SUP-7): public articles, search and the supported list; writing for support and owner staff.
import type { Page } from '../../contracts/common.ts';
import type {
  Article,
  ArticleQuery,
  ArticleSummary,
  CreateArticleBody,
  Supported,
  SystemVersion,
  SystemVersionBody,
  UpdateArticleBody,
} from '../../contracts/kb.ts';
import { authed, enc, request } from './client.ts';

export type {
  Article as KbArticle,
  ArticleSummary as KbArticleSummary,
  Supported as KbSupported,
  SystemVersion as KbSystemVersion,
  SystemVersionBody as KbSystemVersionInput,
} from '../../contracts/kb.ts';
/** An article as the editor sends it: its publication always stated. */
export type KbArticleInput = UpdateArticleBody;

const staffKb = '/api/v1/staff/kb';

export const kbApi = {
  searchArticles: (query: Partial<ArticleQuery>) => request<Page<ArticleSummary>>('GET', '/api/v1/kb/articles', { query }),
  getArticle: (slug: string) => request<Article>('GET', `/api/v1/kb/articles/${enc(slug)}`),
  supported: () => request<Supported>('GET', '/api/v1/kb/supported'),
  staffArticles: (query: Partial<ArticleQuery>) => request<Page<ArticleSummary>>('GET', `${staffKb}/articles`, { query, ...authed }),
  staffArticle: (slug: string) => request<Article>('GET', `${staffKb}/articles/${enc(slug)}`, authed),
  createArticle: (input: CreateArticleBody) => request<Article>('POST', `${staffKb}/articles`, { body: input, ...authed }),
  updateArticle: (slug: string, input: UpdateArticleBody) => request<Article>('PUT', `${staffKb}/articles/${enc(slug)}`, { body: input, ...authed }),
  deleteArticle: (slug: string) => request<void>('DELETE', `${staffKb}/articles/${enc(slug)}`, authed),
  saveSystemVersion: (input: SystemVersionBody) => request<SystemVersion>('PUT', `${staffKb}/system-versions`, { body: input, ...authed }),
  deleteSystemVersion: (id: string) => request<void>('DELETE', `${staffKb}/system-versions/${enc(id)}`, authed),
};
