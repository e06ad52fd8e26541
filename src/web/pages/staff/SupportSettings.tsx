import { Alert, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type ApiError, type SupportTargets, type SupportTargetsInput, api } from '../../api.ts';
import { type PickerOption, RemotePicker } from '../../components/RemotePicker.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';
import { PRIORITIES, PRIORITY_LABELS } from '../../lib/support.ts';
import { useSignedIn } from '../../session.tsx';

/** The server refuses more (SUP-4). */
const MAX_TARGET_HOURS = 2000;
const FORBIDDEN = 'Only staff with the owner role change support settings: the server refused this change.';
const HOURS_FIELDS = ['firstResponseHours', 'nextResponseHours', 'resolutionHours'] as const;
type HoursField = (typeof HOURS_FIELDS)[number];
const HOURS_LABELS: Record<HoursField, string> = {
  firstResponseHours: 'First response',
  nextResponseHours: 'Next response',
  resolutionHours: 'Resolution',
};

/** Plans from the smallest, priorities from the most pressing; a plan the page does not know goes last. */
const PLAN_ORDER = ['free', 'paid', 'jumpstart'];
const rank = (list: readonly string[], x: string) => (list.includes(x) ? list.indexOf(x) : list.length);
const byPlanAndPriority = (a: SupportTargets, b: SupportTargets) =>
  rank(PLAN_ORDER, a.plan) - rank(PLAN_ORDER, b.plan) || a.plan.localeCompare(b.plan) || rank(PRIORITIES, a.priority) - rank(PRIORITIES, b.priority);

const planLabel = (plan: string) => plan.charAt(0).toUpperCase() + plan.slice(1);
const hours = (h: number) => `${h} h`;

/** A refusal (403) says who may do this; other problems are the server's own words. */
const problemOf = (e: ApiError | null, otherwise?: string | null): { message: string | null; title?: string } =>
  e?.status === 403 ? { message: FORBIDDEN, title: 'Not allowed' } : { message: otherwise === undefined ? (e?.detail ?? null) : otherwise };

function TargetsForm({ row, onSaved, onCancel }: { row: SupportTargets; onSaved: (t: SupportTargets) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Record<HoursField, string>>({
    firstResponseHours: String(row.firstResponseHours),
    nextResponseHours: String(row.nextResponseHours),
    resolutionHours: String(row.resolutionHours),
  });
  const [local, setLocal] = useState<Partial<Record<HoursField, string>>>({});
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, HOURS_FIELDS);
  const problem = problemOf(error, errors.alert);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checks: Partial<Record<HoursField, string>> = {};
    const input = {} as SupportTargetsInput;
    for (const f of HOURS_FIELDS) {
      const n = Number(draft[f].trim().replace(',', '.'));
      if (draft[f].trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_TARGET_HOURS) checks[f] = `Enter a number of hours above 0, at most ${MAX_TARGET_HOURS}.`;
      input[f] = n;
    }
    setLocal(checks);
    if (Object.keys(checks).length > 0) return;
    const r = await run(() => api.setSupportTargets(row.plan, row.priority, input));
    if (r.ok) onSaved(r.value);
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Targets for ${row.plan}, ${PRIORITY_LABELS[row.priority].toLowerCase()}`}>
      <Stack gap="sm">
        <Text size="sm">
          {`Saving recomputes the due times of every open ticket of the ${row.plan} plan at ${PRIORITY_LABELS[row.priority].toLowerCase()} priority, ` +
            'from the clocks they have already run; each recomputed ticket and the change itself are audited.'}
        </Text>
        <ProblemAlert message={problem.message} title={problem.title} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {HOURS_FIELDS.map((f) => (
            <TextInput
              key={f}
              type="number"
              inputMode="decimal"
              min={0}
              max={MAX_TARGET_HOURS}
              step="any"
              label={`${HOURS_LABELS[f]} (business hours)`}
              value={draft[f]}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setDraft((d) => ({ ...d, [f]: value }));
              }}
              error={local[f] ?? errors.field(f)}
            />
          ))}
        </SimpleGrid>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel} disabled={loading}>
            Cancel
          </Button>
          <Button type="submit" loading={loading}>
            Save targets
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TargetsTable({ items, owner, onChange }: { items: SupportTargets[]; owner: boolean; onChange: (t: SupportTargets) => void }) {
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={owner ? 760 : 680}>
        <Table data-testid="targets-table" striped verticalSpacing="sm" horizontalSpacing="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Plan</Table.Th>
              <Table.Th scope="col">Priority</Table.Th>
              {HOURS_FIELDS.map((f) => (
                <Table.Th key={f} scope="col">
                  {HOURS_LABELS[f]}
                </Table.Th>
              ))}
              <Table.Th scope="col">Changed</Table.Th>
              {owner && <Table.Th scope="col">Action</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...items].sort(byPlanAndPriority).map((t) => (
              <Table.Tr key={`${t.plan}/${t.priority}`} data-testid={`targets-${t.plan}-${t.priority}`}>
                <Table.Td>{planLabel(t.plan)}</Table.Td>
                <Table.Td>{PRIORITY_LABELS[t.priority]}</Table.Td>
                {HOURS_FIELDS.map((f) => (
                  <Table.Td key={f} data-field={f}>
                    {hours(t[f])}
                  </Table.Td>
                ))}
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <time dateTime={t.updatedAt}>{formatDateTime(t.updatedAt)}</time>
                </Table.Td>
                {owner && (
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => onChange(t)} aria-label={`Change the targets for ${t.plan}, ${PRIORITY_LABELS[t.priority].toLowerCase()}`}>
                      Change
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

const findOrgOptions = async (q: string): Promise<PickerOption[]> => {
  const r = await api.findOrgs({ q, limit: 20 });
  return r.items.map((o) => ({ value: o.id, label: `${o.name} (${o.id})` }));
};

/** SUP-2: only staff who work the desk may be specialists (the server decides); the list shows them. */
const findSpecialistOptions = async (q: string): Promise<PickerOption[]> => {
  const r = await api.findStaff(q);
  return r.items.filter((m) => m.staffRole === 'support' || m.staffRole === 'owner').map((m) => ({ value: m.id, label: `${m.name} <${m.email}> (${m.staffRole})` }));
};

function SpecialistForm() {
  const [org, setOrg] = useState<PickerOption | null>(null);
  const [staff, setStaff] = useState<PickerOption | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const [action, setAction] = useState<'assign' | 'remove'>('assign');
  const errors = splitErrors(error, ['orgId', 'staffId']);
  const notFound = action === 'assign' ? 'There is no such organization any more.' : 'This organization has no dedicated specialist.';
  const problem = problemOf(error, error?.status === 404 ? notFound : errors.alert);

  async function assign(e: FormEvent) {
    e.preventDefault();
    if (!org || !staff) return;
    setDone(null);
    setAction('assign');
    const r = await run(() => api.setSpecialist(org.value, staff.value));
    if (r.ok) setDone(`${r.value.name} is now the dedicated specialist of ${org.label}; its new tickets go to them.`);
  }

  async function remove() {
    if (!org) return;
    setDone(null);
    setAction('remove');
    const r = await run(() => api.removeSpecialist(org.value));
    if (r.ok) setDone(`${org.label} has no dedicated specialist any more.`);
  }

  return (
    <form onSubmit={assign} noValidate aria-label="Dedicated specialist">
      <Stack gap="sm">
        <ProblemAlert message={problem.message} title={problem.title} />
        {done && (
          <Text c="teal.8" role="status">
            {done}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <RemotePicker
            label="Organization"
            placeholder="Type part of its name"
            required
            value={org}
            onChange={setOrg}
            find={findOrgOptions}
            error={errors.field('orgId')}
          />
          <RemotePicker
            label="Specialist"
            description="Staff with the support or owner role. Not needed to remove the specialist."
            placeholder="Type part of a name"
            value={staff}
            onChange={setStaff}
            find={findSpecialistOptions}
            error={errors.field('staffId')}
          />
        </SimpleGrid>
        <Group gap="sm">
          <Button type="submit" loading={loading && action === 'assign'} disabled={!org || !staff || (loading && action !== 'assign')}>
            Assign specialist
          </Button>
          <Button variant="default" color="red" onClick={remove} loading={loading && action === 'remove'} disabled={!org || (loading && action !== 'remove')}>
            Remove specialist
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * SUP-2, SUP-4: the service-level targets and a jumpstart organization's
 * dedicated specialist. The desk reads the targets; only owner staff change
 * either (the server decides: others get 403, shown as such).
 */
export default function SupportSettingsPage() {
  const { user } = useSignedIn();
  const owner = user.kind === 'staff' && user.staffRole === 'owner';
  const load = useCallback(() => api.supportTargets(), []);
  const { data, error, loading, reload } = useLoad(load);
  const [items, setItems] = useState<SupportTargets[] | null>(null);
  const [editing, setEditing] = useState<SupportTargets | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const rows = items ?? data?.items ?? null;
  const loadProblem = problemOf(error);

  function onSaved(t: SupportTargets) {
    setItems((rows ?? []).map((r) => (r.plan === t.plan && r.priority === t.priority ? t : r)));
    setEditing(null);
    setSaved(`The targets for ${t.plan}, ${PRIORITY_LABELS[t.priority].toLowerCase()} are saved; the open tickets they apply to were recomputed.`);
  }

  return (
    <>
      <PageHeader
        title="Support settings"
        description="Service-level targets per plan and priority, and the dedicated specialists of jumpstart organizations."
      />
      <Stack gap="lg">
        {!owner && (
          <Alert color="yellow" variant="light" title="Read only" role="note">
            Only staff with the owner role change these settings; the server refuses anyone else (403). You can read the targets here.
          </Alert>
        )}
        {saved && (
          <Text c="teal.8" role="status">
            {saved}
          </Text>
        )}
        <Section
          title="Service-level targets"
          description="In business hours: Monday to Friday, 9:00 to 17:00 America/Denver, U.S. federal holidays excluded; the clocks stop while a ticket waits on its customer. A change applies to new tickets and recomputes the due times of the open ones."
        >
          <ProblemAlert message={loadProblem.message} title={loadProblem.title} />
          {error && error.status !== 403 && (
            <Group>
              <Button variant="default" size="xs" onClick={reload}>
                Try again
              </Button>
            </Group>
          )}
          {rows === null && loading && <PageLoader label="Loading the targets…" minHeight={120} />}
          {rows !== null && (
            <TargetsTable
              items={rows}
              owner={owner}
              onChange={(t) => {
                setSaved(null);
                setEditing(t);
              }}
            />
          )}
        </Section>
        <Section
          title="Dedicated specialist"
          description="SUP-2: a jumpstart organization's tickets are routed to its specialist, an active staff member with the support or owner role."
        >
          {owner ? (
            <SpecialistForm />
          ) : (
            <Text size="sm" c="dimmed">
              Assigning a specialist is for owner staff.
            </Text>
          )}
        </Section>
      </Stack>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? `Targets: ${planLabel(editing.plan)}, ${PRIORITY_LABELS[editing.priority].toLowerCase()}` : ''}
        centered
        size="lg"
      >
        {editing && (
          <TargetsForm key={`${editing.plan}/${editing.priority}`} row={editing} onSaved={onSaved} onCancel={() => setEditing(null)} />
        )}
      </Modal>
    </>
  );
}
