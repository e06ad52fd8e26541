import { Badge, Group, Stack, Text } from '@mantine/core';
import { useCallback } from 'react';
import { kbApi } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PolicyMarkdown } from '../../components/PolicyMarkdown.tsx';
import { formatDate } from '../../lib/format.ts';
import { useLoad } from '../../lib/policies.ts';
import { KbFallback, KbFrame } from './KbFrame.tsx';

/** SUP-7: `/kb/articles/{slug}`, one published article, its Markdown rendered safely (as React elements, never as HTML). */
export default function KbArticlePage({ slug }: { slug: string }) {
  const load = useCallback(() => kbApi.getArticle(slug), [slug]);
  const { data: article, error, loading, reload } = useLoad(load);

  if (!article) {
    return (
      <KbFrame title="Knowledge base" documentTitle="Knowledge base article">
        <KbFallback error={error} loading={loading} onRetry={reload} notFound="There is no such article." />
      </KbFrame>
    );
  }
  return (
    <KbFrame title={article.title} documentTitle={`${article.title} · Knowledge base`}>
      <Stack gap={4}>
        <Text size="sm" c="dimmed">{`Updated on ${formatDate(article.updatedAt)}.`}</Text>
        {article.tags.length > 0 && (
          <Group gap={4}>
            {article.tags.map((t) => (
              <AppLink key={t} to={`/kb?q=${encodeURIComponent(t)}`} underline="never">
                <Badge variant="light" size="sm" style={{ cursor: 'pointer' }}>
                  {t}
                </Badge>
              </AppLink>
            ))}
          </Group>
        )}
      </Stack>
      <PolicyMarkdown markdown={article.markdown} />
      <AppLink to="/kb" size="sm">
        Back to the knowledge base
      </AppLink>
    </KbFrame>
  );
}
