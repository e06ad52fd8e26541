import { Button, Checkbox, Group, Paper, Radio, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type Policy, type PublishPolicyInput, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PolicyMarkdown } from '../../components/PolicyMarkdown.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { STATUS_LABELS, useLoad, versionHref } from '../../lib/policies.ts';

interface Draft {
  title: string;
  summary: string;
  markdown: string;
  material: boolean;
  when: 'now' | 'later';
  /** A datetime-local value, in the browser's time zone. */
  effectiveAt: string;
}

const EMPTY: Draft = { title: '', summary: '', markdown: '', material: false, when: 'now', effectiveAt: '' };

function toInput(d: Draft): PublishPolicyInput | string {
  const summary = d.summary.trim();
  const input: PublishPolicyInput = { title: d.title.trim(), markdown: d.markdown, material: d.material, ...(summary ? { summary } : {}) };
  if (d.when === 'now') return input;
  const at = new Date(d.effectiveAt);
  if (!d.effectiveAt || Number.isNaN(at.getTime())) return 'Choose the date and time the version takes effect.';
  return { ...input, effectiveAt: at.toISOString() };
}

function Published({ policy, emailed }: { policy: Policy; emailed: number }) {
  return (
    <Text c="teal.8" role="status">
      {`Version ${policy.version} is published and ${policy.status === 'upcoming' ? `takes effect on ${formatDateTime(policy.effectiveAt)}` : 'in effect now'}. `}
      {policy.material ? `The notice was emailed to ${emailed} ${emailed === 1 ? 'user' : 'users'}. ` : ''}
      <AppLink to={versionHref(policy.version)}>See it as the public sees it</AppLink>
    </Text>
  );
}

function Versions({ refresh }: { refresh: number }) {
  // `refresh` changes after each publication, reloading the list.
  const load = useCallback(() => api.listPolicies().then((r) => ({ ...r, refresh })), [refresh]);
  const { data, error } = useLoad(load);
  if (error) return <ProblemAlert message={error.detail} />;
  if (!data) return null;
  if (data.items.length === 0) return <Text c="dimmed">No version is published yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Version</Table.Th>
            <Table.Th scope="col">Title</Table.Th>
            <Table.Th scope="col">Effective</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.items.map((p) => (
            <Table.Tr key={p.version}>
              <Table.Td>
                <AppLink to={versionHref(p.version)}>{String(p.version)}</AppLink>
              </Table.Td>
              <Table.Td>{p.material ? `${p.title} (material)` : p.title}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.effectiveAt)}</Table.Td>
              <Table.Td>{STATUS_LABELS[p.status]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** PRV-8: staff with the privacy or owner role publish a new version of the privacy policy. */
export default function PublishPolicyPage() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [confirming, setConfirming] = useState(false);
  const [preview, setPreview] = useState(false);
  const [result, setResult] = useState<{ policy: Policy; emailed: number } | null>(null);
  const [published, setPublished] = useState(0);
  const [dateError, setDateError] = useState<string | null>(null);
  const { loading, error, run, setError } = useRequest();
  const errors = splitErrors(error, ['title', 'summary', 'markdown', 'effectiveAt']);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function publish() {
    const input = toInput(draft);
    if (typeof input === 'string') return;
    const r = await run(() => api.publishPolicy(input));
    setConfirming(false);
    if (r.ok) {
      setResult({ policy: r.value, emailed: r.value.emailed });
      setDraft(EMPTY);
      setPreview(false);
      setPublished((n) => n + 1);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setResult(null);
    const input = toInput(draft);
    if (typeof input === 'string') {
      setError(null);
      setDateError(input);
      return;
    }
    setDateError(null);
    // Publishing cannot be undone, and a material change emails every user: ask first.
    setConfirming(true);
  }

  return (
    <>
      <PageHeader
        title="Privacy policy"
        description="Publish a new version. Every version stays public in the archive; a material change is announced on the sign-in page and in the app, and emailed to every user."
      />
      <Stack gap="lg">
        {result && <Published policy={result.policy} emailed={result.emailed} />}
        <Section title="New version">
          <form onSubmit={submit} noValidate aria-label="Publish a policy version">
            <Stack gap="sm">
              <ProblemAlert message={errors.alert} />
              <TextInput label="Title" value={draft.title} onChange={(e) => set('title', e.currentTarget.value)} error={errors.field('title')} maxLength={200} />
              <Textarea
                label="Text (Markdown)"
                description="Headings (#), paragraphs, lists (- or 1.), **bold**, *italics* and [links](https://…). HTML is shown as text."
                value={draft.markdown}
                onChange={(e) => set('markdown', e.currentTarget.value)}
                error={errors.field('markdown')}
                autosize
                minRows={10}
                maxRows={30}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              />
              <Group>
                <Button variant="default" size="xs" onClick={() => setPreview((p) => !p)} disabled={!draft.markdown.trim()}>
                  {preview ? 'Hide preview' : 'Preview'}
                </Button>
              </Group>
              {preview && (
                <Paper withBorder radius="md" p="md" aria-label="Preview">
                  <PolicyMarkdown markdown={draft.markdown} />
                </Paper>
              )}
              <Checkbox
                label="Material change"
                description="Announced on the sign-in page and in the app until each user acknowledges it, and emailed to every user with a verified address."
                checked={draft.material}
                onChange={(e) => set('material', e.currentTarget.checked)}
              />
              <Textarea
                label={draft.material ? 'Summary of the change' : 'Summary of the change (optional)'}
                description="One or two sentences; the notices and the email show it."
                value={draft.summary}
                onChange={(e) => set('summary', e.currentTarget.value)}
                error={errors.field('summary')}
                autosize
                minRows={2}
                maxLength={500}
              />
              <Radio.Group label="Takes effect" value={draft.when} onChange={(v) => set('when', v === 'later' ? 'later' : 'now')}>
                <Stack gap={6} mt={6}>
                  <Radio value="now" label="When published" />
                  <Radio value="later" label="On a later date" />
                </Stack>
              </Radio.Group>
              {draft.when === 'later' && (
                <TextInput
                  type="datetime-local"
                  label="Effective date and time (your time zone)"
                  value={draft.effectiveAt}
                  onChange={(e) => set('effectiveAt', e.currentTarget.value)}
                  error={dateError ?? errors.field('effectiveAt')}
                  w={{ base: '100%', sm: 280 }}
                />
              )}
              <Group>
                <Button type="submit" loading={loading}>
                  Publish…
                </Button>
              </Group>
            </Stack>
          </form>
        </Section>
        <Section title="Published versions" description="The public archive is at /privacy/archive.">
          <Versions refresh={published} />
        </Section>
      </Stack>
      <ConfirmModal
        opened={confirming}
        title="Publish this version?"
        confirmLabel={draft.material ? 'Publish and email everyone' : 'Publish'}
        onCancel={() => setConfirming(false)}
        onConfirm={publish}
        loading={loading}
      >
        <Text size="sm">
          {`“${draft.title.trim()}” becomes the next version of the privacy policy, ${draft.when === 'now' ? 'in effect at once' : `in effect from ${formatDateTime(draft.effectiveAt)}`}. A published version cannot be changed or withdrawn.`}
        </Text>
        {draft.material && <Text size="sm">As a material change, it is emailed to every user now and shown to each of them until they acknowledge it.</Text>}
      </ConfirmModal>
    </>
  );
}
