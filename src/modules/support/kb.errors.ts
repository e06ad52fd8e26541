import { defineError } from '../../core/errors.ts';

/** SUP-7: the knowledge base's error codes. */
export const KbErrors = {
  articleNotFound: defineError('support.article_not_found', 'not_found', 'There is no such knowledge-base article.'),
  slugTaken: defineError('support.slug_taken', 'conflict', 'Another article already has this address (slug).'),
  invalidSearch: defineError('support.invalid_search', 'invalid', 'The search is not valid.'),
  systemVersionNotFound: defineError('support.system_version_not_found', 'not_found', 'There is no such system version in the supported list.'),
} as const;
