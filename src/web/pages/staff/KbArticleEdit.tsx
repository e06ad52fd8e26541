import { Button, Checkbox, Group, Paper, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { type KbArticle, type KbArticleInput, kbApi } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { PolicyMarkdown } from '../../components/PolicyMarkdown.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';
import { PublishedBadge, staffArticleHref } from './KbArticles.tsx';

// The server's limits (SUP-7), so the form stops where the API would refuse.
const TITLE_MAX = 200;
const MARKDOWN_MAX = 100_000;
const SLUG_MAX = 100;

interface Draft {
  title: string;
  slug: string;
  tags: string;
  markdown: string;
  published: boolean;
}

/** Where the public reads it. */
const publicHref = (slug: string) => `/kb/articles/${encodeURIComponent(slug)}`;

const EMPTY: Draft = { title: '', slug: '', tags: '', markdown: '', published: false };

const draftOf = (a: KbArticle): Draft => ({ title: a.title, slug: a.slug, tags: a.tags.join(', '), markdown: a.markdown, published: a.published });

/** Tags as typed, separated by commas or spaces; the server checks and lowercases them. */
const tagsOf = (text: string) => text.split(/[\s,]+/).filter((t) => t.length > 0);

function toInput(d: Draft): KbArticleInput {
  const slug = d.slug.trim();
  return { title: d.title.trim(), markdown: d.markdown, tags: tagsOf(d.tags), published: d.published, ...(slug ? { slug } : {}) };
}

/** What the page says after a save that moved it to another address (creation, or a new slug). */
function savedNotice(): string | null {
  const state = window.history.state as { kbSaved?: unknown } | null;
  return typeof state?.kbSaved === 'string' ? state.kbSaved : null;
}

const savedMessage = (a: KbArticle, created: boolean) =>
  `${created ? 'Article created' : 'Changes saved'}${a.published ? ', published: anyone can read it now.' : ' as a draft: only staff see it.'}`;

function ArticleForm({ article }: { article: KbArticle | null }) {
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft>(article ? draftOf(article) : EMPTY);
  const [current, setCurrent] = useState<KbArticle | null>(article);
  const [notice, setNotice] = useState<string | null>(savedNotice);
  const [preview, setPreview] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const save = useRequest();
  const removal = useRequest();
  const errors = splitErrors(save.error, ['title', 'slug', 'tags', 'markdown']);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const input = toInput(draft);
    const r = await save.run(() => (current ? kbApi.updateArticle(current.slug, input) : kbApi.createArticle(input)));
    if (!r.ok) return;
    const message = savedMessage(r.value, current === null);
    if (current === null || r.value.slug !== current.slug) {
      // A new address: the editor opens there, and says what happened.
      navigate(staffArticleHref(r.value.slug), { replace: true, state: { kbSaved: message } });
      return;
    }
    setCurrent(r.value);
    setDraft(draftOf(r.value));
    setNotice(message);
  }

  async function remove() {
    if (!current) return;
    const r = await removal.run(() => kbApi.deleteArticle(current.slug));
    if (r.ok) navigate('/staff/kb', { replace: true, state: { kbDeleted: current.title } });
  }

  return (
    <Stack gap="md">
      <Group gap="lg">
        <AppLink to="/staff/kb">All articles</AppLink>
        {current?.published && <AppLink to={publicHref(current.slug)}>See it as the public sees it</AppLink>}
      </Group>
      {current && (
        <Group gap="sm">
          <PublishedBadge published={current.published} />
          <Text size="sm" c="dimmed">{`Last changed ${formatDateTime(current.updatedAt)}; created ${formatDateTime(current.createdAt)}.`}</Text>
        </Group>
      )}
      {notice && (
        <Text c="teal.8" role="status">
          {notice}
        </Text>
      )}
      <form onSubmit={submit} noValidate aria-label={current ? 'Edit the article' : 'New article'}>
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <TextInput label="Title" required value={draft.title} onChange={(e) => set('title', e.currentTarget.value)} error={errors.field('title')} maxLength={TITLE_MAX} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Address (slug)"
              description={current ? 'Changing it moves the article to a new address.' : 'Leave empty to make it from the title.'}
              value={draft.slug}
              onChange={(e) => set('slug', e.currentTarget.value)}
              error={errors.field('slug')}
              maxLength={SLUG_MAX}
            />
            <TextInput
              label="Tags (optional)"
              description="Up to 10, separated by commas; lowercase letters, digits and dashes."
              value={draft.tags}
              onChange={(e) => set('tags', e.currentTarget.value)}
              error={errors.field('tags')}
            />
          </SimpleGrid>
          <Textarea
            label="Text (Markdown)"
            required
            description="Headings (#), paragraphs, lists (- or 1.), **bold**, *italics*, `code` and [links](https://…). HTML is shown as text."
            value={draft.markdown}
            onChange={(e) => set('markdown', e.currentTarget.value)}
            error={errors.field('markdown')}
            autosize
            minRows={10}
            maxRows={30}
            maxLength={MARKDOWN_MAX}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Group>
            <Button variant="default" size="xs" onClick={() => setPreview((p) => !p)} disabled={!draft.markdown.trim()} aria-pressed={preview}>
              {preview ? 'Hide preview' : 'Preview'}
            </Button>
          </Group>
          {preview && draft.markdown.trim() && (
            <Paper withBorder radius="md" p="md" component="section" aria-label="Preview">
              <PolicyMarkdown markdown={draft.markdown} />
            </Paper>
          )}
          <Checkbox
            label="Published"
            description="Anyone can find and read a published article at /kb, without signing in. Unchecked, the article is a draft only staff see."
            checked={draft.published}
            onChange={(e) => set('published', e.currentTarget.checked)}
          />
          <Group justify="space-between">
            <Button type="submit" loading={save.loading}>
              {current ? 'Save changes' : 'Create article'}
            </Button>
            {current && (
              <Button color="red" variant="outline" onClick={() => setConfirming(true)}>
                Delete…
              </Button>
            )}
          </Group>
        </Stack>
      </form>
      {current && (
        <ConfirmModal
          opened={confirming}
          title="Delete this article?"
          confirmLabel="Delete article"
          onCancel={() => {
            setConfirming(false);
            removal.reset();
          }}
          onConfirm={remove}
          loading={removal.loading}
          error={removal.error?.detail}
        >
          <Text size="sm">
            {`“${current.title}” is deleted for good${current.published ? ', and its public address stops working' : ''}. To hide it for a while instead, uncheck Published and save.`}
          </Text>
        </ConfirmModal>
      )}
    </Stack>
  );
}

/** SUP-7: write a knowledge-base article (no `slug`), or edit, publish, unpublish or delete one. */
export default function KbArticleEditPage({ slug }: { slug?: string }) {
  const load = useCallback(() => (slug === undefined ? Promise.resolve(null) : kbApi.staffArticle(slug)), [slug]);
  const { data, error, loading, reload } = useLoad(load);
  const title = slug === undefined ? 'New article' : (data?.title ?? 'Article');

  return (
    <>
      <PageHeader title={title} documentTitle={slug === undefined ? 'New article' : 'Edit article'} />
      {slug !== undefined && !data ? (
        loading ? (
          <PageLoader label="Loading the article…" minHeight={160} />
        ) : (
          <Stack gap="sm" align="flex-start">
            <ProblemAlert message={error?.status === 404 ? 'There is no such article. It may have been deleted or moved.' : error?.detail} />
            <Group gap="lg">
              <AppLink to="/staff/kb">All articles</AppLink>
              {error?.status !== 404 && (
                <Button variant="default" size="xs" onClick={reload}>
                  Try again
                </Button>
              )}
            </Group>
          </Stack>
        )
      ) : (
        <ArticleForm article={data} />
      )}
    </>
  );
}
