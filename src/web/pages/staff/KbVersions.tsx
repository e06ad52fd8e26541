import { Button, Group, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type KbSystemVersion, type KbSystemVersionInput, kbApi } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { SystemVersionsTable } from '../../components/SystemVersionsTable.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';

// The server's limits (SUP-7).
const SYSTEM_MAX = 60;
const VERSION_MAX = 40;
const NOTES_MAX = 500;

interface Draft {
  system: string;
  version: string;
  /** YYYY-MM-DD from the date input; empty when none is announced. */
  endOfLifeOn: string;
  notes: string;
}

/** The form's first field, focused when a row is chosen for a change. */
const SYSTEM_FIELD = 'kb-version-system';

const EMPTY: Draft = { system: '', version: '', endOfLifeOn: '', notes: '' };

const toInput = (d: Draft): KbSystemVersionInput => ({
  system: d.system.trim(),
  version: d.version.trim(),
  endOfLifeOn: d.endOfLifeOn || null,
  notes: d.notes.trim() || null,
});

function VersionForm({ draft, onChange, onSaved }: { draft: Draft; onChange: (d: Draft) => void; onSaved: (v: KbSystemVersion) => void }) {
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['system', 'version', 'endOfLifeOn', 'notes']);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => onChange({ ...draft, [key]: value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => kbApi.saveSystemVersion(toInput(draft)));
    if (r.ok) onSaved(r.value);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Add or change a system version">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            id={SYSTEM_FIELD}
            label="System"
            description="e.g. Ubuntu, Windows Server"
            required
            value={draft.system}
            onChange={(e) => set('system', e.currentTarget.value)}
            error={errors.field('system')}
            maxLength={SYSTEM_MAX}
          />
          <TextInput
            label="Version"
            description="e.g. 24.04, 2012 R2"
            required
            value={draft.version}
            onChange={(e) => set('version', e.currentTarget.value)}
            error={errors.field('version')}
            maxLength={VERSION_MAX}
          />
          <TextInput
            type="date"
            label="Last day of support (optional)"
            description="Empty when no end of life is announced."
            value={draft.endOfLifeOn}
            onChange={(e) => set('endOfLifeOn', e.currentTarget.value)}
            error={errors.field('endOfLifeOn')}
          />
        </SimpleGrid>
        <TextInput label="Notes (optional)" value={draft.notes} onChange={(e) => set('notes', e.currentTarget.value)} error={errors.field('notes')} maxLength={NOTES_MAX} />
        <Text size="sm" c="dimmed">
          A system and version already in the list (in any case) is changed; any other is added.
        </Text>
        <Group>
          <Button type="submit" loading={loading}>
            Save version
          </Button>
          <Button variant="subtle" onClick={() => onChange(EMPTY)} disabled={loading}>
            Clear
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** SUP-7: the supported system versions, as staff keep them; tickets naming one past its end of life are flagged. */
export default function KbVersionsPage() {
  const load = useCallback(() => kbApi.supported(), []);
  const { data, error, loading, reload } = useLoad(load);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<KbSystemVersion | null>(null);
  const removal = useRequest();

  function edit(v: KbSystemVersion) {
    setNotice(null);
    setDraft({ system: v.system, version: v.version, endOfLifeOn: v.endOfLifeOn ?? '', notes: v.notes ?? '' });
    document.getElementById(SYSTEM_FIELD)?.focus();
  }

  function saved(v: KbSystemVersion) {
    setNotice(`${v.system} ${v.version} is saved.`);
    setDraft(EMPTY);
    reload();
  }

  async function remove() {
    if (!removing) return;
    const r = await removal.run(() => kbApi.deleteSystemVersion(removing.id));
    if (!r.ok) return;
    setNotice(`${removing.system} ${removing.version} is no longer in the supported list.`);
    setRemoving(null);
    reload();
  }

  return (
    <>
      <PageHeader
        title="Supported system versions"
        description="The list at /kb/supported. A ticket that names a version past its last day of support is flagged and answered with a request to update."
      />
      <Stack gap="lg">
        <Group gap="lg">
          <AppLink to="/staff/kb">Knowledge base articles</AppLink>
          <AppLink to="/kb/supported">The public list</AppLink>
        </Group>
        {notice && (
          <Text c="teal.8" role="status">
            {notice}
          </Text>
        )}
        <Section title="Add or change a version">
          <VersionForm draft={draft} onChange={setDraft} onSaved={saved} />
        </Section>
        <ProblemAlert message={error?.detail} />
        {!data && loading && <PageLoader label="Loading the list…" minHeight={160} />}
        {data && (
          <Paper withBorder radius="md">
            <SystemVersionsTable
              versions={data.systemVersions}
              testId="kb-versions"
              busy={loading}
              actions={(v) => (
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" onClick={() => edit(v)} aria-label={`Change ${v.system} ${v.version}`}>
                    Change
                  </Button>
                  <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(v)} aria-label={`Remove ${v.system} ${v.version}`}>
                    Remove
                  </Button>
                </Group>
              )}
            />
            {data.systemVersions.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                The list is empty.
              </Text>
            )}
          </Paper>
        )}
      </Stack>
      <ConfirmModal
        opened={removing !== null}
        title="Remove this version?"
        confirmLabel="Remove version"
        onCancel={() => {
          setRemoving(null);
          removal.reset();
        }}
        onConfirm={remove}
        loading={removal.loading}
        error={removal.error?.detail}
      >
        <Text size="sm">
          {removing
            ? `${removing.system} ${removing.version} leaves the supported list; tickets naming it are no longer checked against its end of life.`
            : ''}
        </Text>
      </ConfirmModal>
    </>
  );
}
