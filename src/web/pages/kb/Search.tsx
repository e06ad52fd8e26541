import { Badge, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { type ApiError, type KbArticleSummary, kbApi, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useLoad } from '../../lib/policies.ts';
import { KbFallback, KbFrame } from './KbFrame.tsx';

const PAGE = 20;
/** The server refuses longer searches. */
const SEARCH_MAX = 200;

export const articleHref = (slug: string) => `/kb/articles/${encodeURIComponent(slug)}`;

function ArticleCard({ article }: { article: KbArticleSummary }) {
  return (
    <Paper withBorder radius="md" p="md" component="li" style={{ listStyle: 'none' }}>
      <Stack gap={4}>
        <AppLink to={articleHref(article.slug)} fw={600}>
          {article.title}
        </AppLink>
        {article.excerpt && (
          <Text size="sm" c="dimmed">
            {article.excerpt}
          </Text>
        )}
        {article.tags.length > 0 && (
          <Group gap={4}>
            {article.tags.map((t) => (
              <Badge key={t} variant="light" size="sm">
                {t}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** SUP-7: `/kb`, search the published articles (every word must match, best match first); without a search, all of them. */
export default function KbSearchPage() {
  const q = (new URLSearchParams(useSearch()).get('q') ?? '').slice(0, SEARCH_MAX);
  const [, navigate] = useLocation();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const load = useCallback(() => kbApi.searchArticles({ q: q.trim() || undefined, limit: PAGE }), [q]);
  const { data, error, loading, reload } = useLoad(load);
  const [more, setMore] = useState<{ items: KbArticleSummary[]; nextCursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => setMore(null), [data]);

  const items = [...(data?.items ?? []), ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : (data?.nextCursor ?? null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const t = text.trim();
    navigate(t ? `/kb?q=${encodeURIComponent(t)}` : '/kb');
  }

  async function loadMore() {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await kbApi.searchArticles({ q: q.trim() || undefined, limit: PAGE, cursor: nextCursor });
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
    } catch (err) {
      setMoreError(toApiError(err));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <KbFrame title="Knowledge base" documentTitle={q ? `${q} · Knowledge base` : 'Knowledge base'}>
      <form role="search" onSubmit={submit}>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput
            label="Search the knowledge base"
            placeholder="e.g. SSSD over LDAPS"
            value={text}
            maxLength={SEARCH_MAX}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      <Text size="sm" c="dimmed">
        Looking for what we support? See the <AppLink to="/kb/supported">supported protocols and system versions</AppLink>.
      </Text>
      {!data ? (
        <KbFallback error={error} loading={loading} onRetry={reload} notFound="Nothing was found." />
      ) : items.length === 0 ? (
        <Text role="status">{q.trim() ? `No article matches “${q.trim()}”. Try other words.` : 'No article has been published yet.'}</Text>
      ) : (
        <Stack gap="sm">
          <Text size="sm" role="status">
            {q.trim() ? `Articles matching “${q.trim()}”, best match first` : 'All articles'}
          </Text>
          <Stack component="ul" gap="sm" p={0} m={0} data-testid="kb-results">
            {items.map((a) => (
              <ArticleCard key={a.slug} article={a} />
            ))}
          </Stack>
          {moreError && <ProblemAlert message={moreError.detail} />}
          {nextCursor && (
            <Button variant="default" onClick={() => void loadMore()} loading={loadingMore} style={{ alignSelf: 'flex-start' }}>
              More articles
            </Button>
          )}
        </Stack>
      )}
    </KbFrame>
  );
}
