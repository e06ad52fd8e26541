import { Button, Code, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type AuditEntry, type AuditFilters, api } from '../api.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { VerifyEmailNotice } from '../components/VerifyEmailNotice.tsx';
import { formatDateTime } from '../lib/format.ts';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { useSignedIn } from '../session.tsx';

interface Draft {
  action: string;
  from: string;
  to: string;
}

/** A local calendar day (YYYY-MM-DD) as the instant it starts, in ISO form. */
function startOfDay(day: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "From" is inclusive from the start of its day; "To" includes its whole day (the API's `until` is exclusive). */
function toFilters(d: Draft): AuditFilters {
  return {
    action: d.action.trim() || undefined,
    since: d.from ? startOfDay(d.from) : undefined,
    until: d.to ? startOfDay(d.to, 1) : undefined,
  };
}

function who(entry: AuditEntry, myId: string): string {
  if (entry.actor.id && entry.actor.id === myId) return 'You';
  if (!entry.actor.id) return entry.actor.type;
  return `${entry.actor.type} ${entry.actor.id}`;
}

/** SEC-1: the organization's audit log, newest first, with filters and "Load more". */
export default function AuditLogPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [draft, setDraft] = useState<Draft>({ action: '', from: '', to: '' });
  const [applied, setApplied] = useState<AuditFilters>({});
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const first = useRequest();
  const more = useRequest();
  const errors = splitErrors(first.error, ['action', 'from', 'to'], { since: 'from', until: 'to' });

  const fetchFirst = first.run;
  const load = useCallback(
    async (filters: AuditFilters) => {
      const r = await fetchFirst(() => api.auditLog(orgId, filters));
      if (r.ok) {
        setItems(r.value.items);
        setNextCursor(r.value.nextCursor);
      }
    },
    [orgId, fetchFirst],
  );

  useEffect(() => {
    void load({});
  }, [load]);

  async function apply(e: FormEvent) {
    e.preventDefault();
    if (draft.from && draft.to && draft.to < draft.from) {
      setRangeError('Choose a date on or after the “From” date.');
      return;
    }
    setRangeError(null);
    const filters = toFilters(draft);
    setApplied(filters);
    await load(filters);
  }

  async function loadMore() {
    if (!nextCursor) return;
    const r = await more.run(() => api.auditLog(orgId, { ...applied, cursor: nextCursor }));
    if (r.ok) {
      setItems((list) => [...(list ?? []), ...r.value.items.filter((e) => !list?.some((x) => x.id === e.id))]);
      setNextCursor(r.value.nextCursor);
    }
  }

  return (
    <>
      <PageHeader title="Audit log" description="Every security event and every change in your organization, newest first." />
      <VerifyEmailNotice consequence="The audit log opens once your address is verified." />
      <Stack gap="md">
        <Paper withBorder radius="md" p="md">
          <form onSubmit={apply} noValidate aria-label="Filter the audit log">
            <Group align="flex-end" gap="md" wrap="wrap">
              <TextInput
                label="Action"
                placeholder="e.g. auth.signin"
                value={draft.action}
                onChange={(e) => setDraft((d) => ({ ...d, action: e.currentTarget.value }))}
                error={errors.field('action')}
                w={{ base: '100%', xs: 220 }}
              />
              <TextInput
                label="From"
                type="date"
                value={draft.from}
                onChange={(e) => setDraft((d) => ({ ...d, from: e.currentTarget.value }))}
                error={errors.field('from')}
                w={{ base: '100%', xs: 170 }}
              />
              <TextInput
                label="To"
                type="date"
                value={draft.to}
                onChange={(e) => setDraft((d) => ({ ...d, to: e.currentTarget.value }))}
                error={rangeError ?? errors.field('to')}
                w={{ base: '100%', xs: 170 }}
              />
              <Button type="submit" loading={first.loading}>
                Apply filters
              </Button>
            </Group>
          </form>
        </Paper>

        <ProblemAlert message={errors.alert} />

        {items === null && first.loading && <PageLoader label="Loading the audit log…" minHeight={160} />}

        {items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={720}>
              <Table data-testid="audit-table" style={{ whiteSpace: 'nowrap' }} striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">When</Table.Th>
                    <Table.Th scope="col">Action</Table.Th>
                    <Table.Th scope="col">Actor</Table.Th>
                    <Table.Th scope="col">Target</Table.Th>
                    <Table.Th scope="col">IP</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                      </Table.Td>
                      <Table.Td>
                        <Code>{e.action}</Code>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{who(e, user.id)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.target ? `${e.target.type} ${e.target.id}` : '—'}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.ip ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                No entries match these filters.
              </Text>
            )}
          </Paper>
        )}

        <ProblemAlert message={more.error?.detail} />
        {items !== null && nextCursor && (
          <Group justify="center">
            <Button variant="default" onClick={loadMore} loading={more.loading}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
