import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { type KbArticleSummary, kbApi } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { usePaged } from '../../lib/paged.ts';

const PAGE_SIZE = 50;
/** The server refuses longer searches. */
const SEARCH_MAX = 200;

export const staffArticleHref = (slug: string) => `/staff/kb/articles/${encodeURIComponent(slug)}`;

/** Publication as a badge: drafts are only seen here. */
export function PublishedBadge({ published }: { published: boolean }) {
  return (
    <Badge color={published ? 'teal' : 'gray'} variant="light" style={WHOLE}>
      {published ? 'Published' : 'Draft'}
    </Badge>
  );
}

function Row({ a }: { a: KbArticleSummary }) {
  return (
    <Table.Tr>
      <Table.Td style={{ minWidth: 240 }}>
        <Stack gap={2}>
          <AppLink to={staffArticleHref(a.slug)} fw={500}>
            {a.title}
          </AppLink>
          <Text size="xs" c="dimmed">
            {`/kb/articles/${a.slug}`}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>
        <PublishedBadge published={a.published} />
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {a.tags.map((t) => (
            <Badge key={t} variant="outline" size="sm" style={WHOLE}>
              {t}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={a.updatedAt}>{formatDateTime(a.updatedAt)}</time>
      </Table.Td>
    </Table.Tr>
  );
}

/** The title of the article the editor just deleted, when it sent the reader here. */
function deletedTitle(): string | null {
  const state = window.history.state as { kbDeleted?: unknown } | null;
  return typeof state?.kbDeleted === 'string' ? state.kbDeleted : null;
}

/** SUP-7: every article, drafts included, for staff with the support or owner role; each opens in the editor. */
export default function KbArticlesPage() {
  const [, navigate] = useLocation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [deleted] = useState(deletedTitle);
  const fetchPage = useCallback(
    (cursor: string | undefined) =>
      kbApi.staffArticles({ q: q || undefined, limit: PAGE_SIZE, cursor }).then((p) => ({ ...p, items: p.items.map((a) => ({ ...a, id: a.slug })) })),
    [q],
  );
  const list = usePaged(fetchPage);

  function search(e: FormEvent) {
    e.preventDefault();
    setQ(text.trim());
  }

  return (
    <>
      <PageHeader
        title="Knowledge base"
        description="Write and publish articles, and keep the list of supported system versions. Drafts are seen only here; published articles are public at /kb."
      />
      <Stack gap="md">
        <Group justify="space-between">
          <Group gap="lg">
            <AppLink to="/staff">Staff home</AppLink>
            <AppLink to="/staff/kb/versions">Supported system versions</AppLink>
            <AppLink to="/kb">Public knowledge base</AppLink>
          </Group>
          <Button onClick={() => navigate('/staff/kb/new')}>New article</Button>
        </Group>
        {deleted && (
          <Text c="teal.8" role="status">
            {`“${deleted}” is deleted.`}
          </Text>
        )}
        <form onSubmit={search} role="search" aria-label="Search the articles">
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Search the articles, drafts included"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              maxLength={SEARCH_MAX}
              w={{ base: '100%', sm: 360 }}
            />
            <Button type="submit" variant="default">
              Search
            </Button>
            {q && (
              <Button
                variant="subtle"
                onClick={() => {
                  setText('');
                  setQ('');
                }}
              >
                Show all
              </Button>
            )}
          </Group>
        </form>
        <ProblemAlert message={list.error?.detail} />
        {list.items === null && list.loading && <PageLoader label="Loading the articles…" minHeight={160} />}
        {list.items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={720}>
              <Table data-testid="kb-articles" striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-busy={list.loading}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Article</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col">Tags</Table.Th>
                    <Table.Th scope="col">Updated</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((a) => (
                    <Row key={a.slug} a={a} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                {q ? 'No article matches this search.' : 'No article yet. Write the first one.'}
              </Text>
            )}
          </Paper>
        )}
        <ProblemAlert message={list.moreError?.detail} />
        {list.nextCursor && (
          <Group justify="center">
            <Button variant="default" onClick={list.loadMore} loading={list.loadingMore}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
