import { Button, Code, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type AuditEntry, type StaffAuditFilters as AuditFilters, api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { VerifyEmailNotice } from '../components/VerifyEmailNotice.tsx';
import { formatDateTime } from '../lib/format.ts';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { saveDownload } from '../lib/transfer.ts';
import { useSignedIn } from '../session.tsx';

interface Draft {
  orgId: string;
  action: string;
  actorId: string;
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
    orgId: d.orgId.trim() || undefined,
    // One action, or a family of them when it ends with a dot (`directory.`): the API reads it so.
    action: d.action.trim() || undefined,
    actorId: d.actorId || undefined,
    since: d.from ? startOfDay(d.from) : undefined,
    until: d.to ? startOfDay(d.to, 1) : undefined,
  };
}

/** Where the console shows an object the log names, when it has a page of its own. */
function pageOf(id: string): string | null {
  if (id.startsWith('usr_')) return `/console/users/${encodeURIComponent(id)}`;
  if (id.startsWith('grp_')) return `/console/groups/${encodeURIComponent(id)}`;
  if (id.startsWith('res_')) return `/console/resources/${encodeURIComponent(id)}`;
  return null;
}

/** A name (or, lacking one, the kind of object) with its id on hover, linked when it has a page. */
function Named({ type, id, name, links }: { type: string; id: string; name: string | null; links: boolean }) {
  const label = name ?? `${type.replace(/_/g, ' ')} (no name)`;
  const to = links ? pageOf(id) : null;
  const title = `${type} ${id}`;
  if (to && name) {
    return (
      <span title={title}>
        <AppLink to={to}>{label}</AppLink>
      </span>
    );
  }
  return (
    <Text span title={title} c={name ? undefined : 'dimmed'} fz="sm">
      {label}
    </Text>
  );
}

function Actor({ entry, myAccountId, links }: { entry: AuditEntry; myAccountId: string | null; links: boolean }) {
  if (!entry.actor.id) return <Text span c="dimmed" fz="sm">{entry.actor.type === 'anonymous' ? 'Someone not signed in' : entry.actor.type}</Text>;
  if (entry.actor.id === myAccountId) return <Text span title={`${entry.actor.type} ${entry.actor.id}`} fz="sm">You</Text>;
  return <Named type={entry.actor.type} id={entry.actor.id} name={entry.actorName} links={links} />;
}

/**
 * SEC-1: the organization's audit log, newest first, with filters and "Load more"; with
 * `scope="staff"`, the whole log for staff whose role reads it, filterable by organization.
 */
export default function AuditLogPage({ scope = 'org' }: { scope?: 'org' | 'staff' }) {
  const { user } = useSignedIn();
  const staff = scope === 'staff';
  const orgId = user.orgId ?? '';
  const fetchPage = useCallback((f: AuditFilters) => (staff ? api.staffAuditLog(f) : api.auditLog(orgId, f)), [staff, orgId]);
  const myAccountId = user.id;
  const [draft, setDraft] = useState<Draft>({ orgId: '', action: '', actorId: '', from: '', to: '' });
  const [actors, setActors] = useState<Map<string, string>>(new Map());
  const [applied, setApplied] = useState<AuditFilters>({});
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const first = useRequest();
  const more = useRequest();
  const csv = useRequest();
  const errors = splitErrors(first.error, ['organization', 'action', 'actor', 'from', 'to'], { orgId: 'organization', actionPrefix: 'action', actorId: 'actor', since: 'from', until: 'to' });

  /** Everyone seen acting in the log so far, to filter by. */
  function rememberActors(list: AuditEntry[]) {
    setActors((known) => {
      const next = new Map(known);
      for (const e of list) if (e.actor.id && !next.has(e.actor.id)) next.set(e.actor.id, e.actorName ?? `${e.actor.type} ${e.actor.id}`);
      return next.size === known.size ? known : next;
    });
  }

  const fetchFirst = first.run;
  const load = useCallback(
    async (filters: AuditFilters) => {
      const r = await fetchFirst(() => fetchPage(filters));
      if (r.ok) {
        setItems(r.value.items);
        setNextCursor(r.value.nextCursor);
        rememberActors(r.value.items);
      }
    },
    [fetchPage, fetchFirst],
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
    const r = await more.run(() => fetchPage({ ...applied, cursor: nextCursor }));
    if (r.ok) {
      setItems((list) => [...(list ?? []), ...r.value.items.filter((e) => !list?.some((x) => x.id === e.id))]);
      setNextCursor(r.value.nextCursor);
      rememberActors(r.value.items);
    }
  }

  async function exportCsv() {
    const r = await csv.run(() => (staff ? api.staffAuditCsv(applied) : api.auditCsv(orgId, applied)));
    if (r.ok) saveDownload(r.value);
  }

  return (
    <>
      {staff ? (
        <PageHeader title="Audit log" description="Every security event and every change in every organization, and staff actions, newest first." />
      ) : (
        <>
          <PageHeader title="Audit log" description="Every security event and every change in your organization, newest first." />
          <VerifyEmailNotice consequence="The audit log opens once your address is verified." />
        </>
      )}
      <Stack gap="md">
        <Paper withBorder radius="md" p="md">
          <form onSubmit={apply} noValidate aria-label="Filter the audit log">
            <Group align="flex-end" gap="md" wrap="wrap">
              {staff && (
                <TextInput
                  label="Organization"
                  placeholder="Organization id (org_…)"
                  value={draft.orgId}
                  onChange={(e) => setDraft((d) => ({ ...d, orgId: e.currentTarget.value }))}
                  error={errors.field('organization')}
                  w={{ base: '100%', xs: 220 }}
                />
              )}
              <TextInput
                label="Action"
                description="One action, or a family ending with a dot"
                placeholder="e.g. directory. or auth.signin"
                value={draft.action}
                onChange={(e) => setDraft((d) => ({ ...d, action: e.currentTarget.value }))}
                error={errors.field('action')}
                w={{ base: '100%', xs: 220 }}
              />
              <Select
                label="Actor"
                placeholder="Anyone"
                clearable
                searchable
                data={[...actors].map(([value, label]) => ({ value, label: value === myAccountId ? `${label} (you)` : label }))}
                value={draft.actorId || null}
                onChange={(v) => setDraft((d) => ({ ...d, actorId: v ?? '' }))}
                error={errors.field('actor')}
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
              <Button variant="default" onClick={exportCsv} loading={csv.loading}>
                Export CSV
              </Button>
            </Group>
          </form>
        </Paper>

        <ProblemAlert message={errors.alert} />
        <ProblemAlert message={csv.error?.detail} />

        {items === null && first.loading && <PageLoader label="Loading the audit log…" minHeight={160} />}

        {items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={720}>
              <Table data-testid="audit-table" striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">When</Table.Th>
                    <Table.Th scope="col">Action</Table.Th>
                    <Table.Th scope="col">Actor</Table.Th>
                    <Table.Th scope="col">Target</Table.Th>
                    {staff && <Table.Th scope="col">Organization</Table.Th>}
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
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>
                        <Actor entry={e} myAccountId={myAccountId} links={!staff} />
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{e.target ? <Named type={e.target.type} id={e.target.id} name={e.targetName} links={!staff} /> : '—'}</Table.Td>
                      {staff && <Table.Td style={{ overflowWrap: 'anywhere' }}>{e.orgId ? <Code>{e.orgId}</Code> : '—'}</Table.Td>}
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
