import { Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { RECIPIENT_KINDS, RECIPIENT_KIND_LABELS, type RecipientKind } from '../../../modules/privacy/disclosures.categories.ts';
import { type Disclosure, type DisclosureFilters, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors } from '../../lib/forms.ts';
import { usePaged } from '../../lib/paged.ts';
import { LegalRequestForm } from './LegalRequestForm.tsx';

const PAGE_SIZE = 50;

interface Draft {
  recipient: string;
  kind: string;
  subject: string;
  directMarketing: string;
  purpose: string;
  from: string;
  to: string;
}

const EMPTY: Draft = { recipient: '', kind: '', subject: '', directMarketing: '', purpose: '', from: '', to: '' };

/** A local calendar day (YYYY-MM-DD) as the instant it starts, in ISO form. */
function startOfDay(day: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "From" starts at the beginning of its day and "To" includes its whole day, in the browser's time zone. */
function toFilters(d: Draft): DisclosureFilters {
  const subject = d.subject.trim();
  return {
    recipient: d.recipient.trim() || undefined,
    kind: d.kind || undefined,
    ...(subject.includes('@') ? { subjectEmail: subject } : { subjectId: subject || undefined }),
    directMarketing: d.directMarketing === '' ? undefined : d.directMarketing === 'yes',
    purpose: d.purpose.trim() || undefined,
    from: d.from ? startOfDay(d.from) : undefined,
    until: d.to ? startOfDay(d.to, 1) : undefined,
  };
}

const kindLabel = (kind: string) => RECIPIENT_KIND_LABELS[kind as RecipientKind] ?? kind;
const categoryLabel = (c: string) => c.replace(/_/g, ' ');

function subjectOf(d: Disclosure): string {
  const parts = [d.subjectId ? `${d.subjectType ?? 'subject'} ${d.subjectId}` : null, d.subjectEmail].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : d.orgId ? `organization ${d.orgId}` : '—';
}

function Row({ d }: { d: Disclosure }) {
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={d.at}>{formatDateTime(d.at)}</time>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'normal', minWidth: 200 }}>
        <Text fw={500}>{d.recipientName}</Text>
        <Text size="sm">{kindLabel(d.recipientKind)}</Text>
        <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-line' }}>
          {d.recipientAddress}
        </Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'normal', minWidth: 150 }}>
        <Group gap={4}>
          {d.categories.map((c) => (
            <Badge key={c} variant="light" color="gray" size="sm" style={WHOLE}>
              {categoryLabel(c)}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'normal', minWidth: 150 }}>
        <Text size="sm">{d.purpose}</Text>
        {d.directMarketing && (
          <Badge color="orange" variant="light" size="sm" mt={4} style={WHOLE}>
            Direct marketing
          </Badge>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'normal', minWidth: 150, overflowWrap: 'anywhere' }}>{subjectOf(d)}</Table.Td>
      <Table.Td style={{ whiteSpace: 'normal', minWidth: 140 }}>
        <Text size="sm">{d.reference ?? '—'}</Text>
        <Text size="xs" c="dimmed">
          {d.recordedBy ? `recorded by ${d.recordedBy}` : 'recorded by Castellan'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function Filters({ loading, error, onApply }: { loading: boolean; error: ReturnType<typeof splitErrors>; onApply: (f: DisclosureFilters) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const set = (field: keyof Draft) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [field]: value }));
  };

  function apply(e: FormEvent) {
    e.preventDefault();
    if (draft.from && draft.to && draft.to < draft.from) {
      setRangeError('Choose a date on or after the “From” date.');
      return;
    }
    setRangeError(null);
    onApply(toFilters(draft));
  }

  return (
    <Paper withBorder radius="md" p="md">
      <form onSubmit={apply} noValidate aria-label="Filter the ledger">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput label="Recipient" placeholder="Part of the name" value={draft.recipient} onChange={set('recipient')} error={error.field('recipient')} w={{ base: '100%', xs: 200 }} />
          <NativeSelect
            label="Kind"
            value={draft.kind}
            onChange={set('kind')}
            data={[{ value: '', label: 'Any kind' }, ...RECIPIENT_KINDS.map((k) => ({ value: k, label: RECIPIENT_KIND_LABELS[k] }))]}
            w={{ base: '100%', xs: 170 }}
          />
          <TextInput label="Subject" placeholder="Account id or email" value={draft.subject} onChange={set('subject')} error={error.field('subject')} w={{ base: '100%', xs: 220 }} />
          <NativeSelect
            label="Direct marketing"
            value={draft.directMarketing}
            onChange={set('directMarketing')}
            data={[
              { value: '', label: 'Either' },
              { value: 'yes', label: 'Yes' },
              { value: 'no', label: 'No' },
            ]}
            w={{ base: '100%', xs: 140 }}
          />
          <TextInput label="Purpose" placeholder="Part of the purpose" value={draft.purpose} onChange={set('purpose')} error={error.field('purpose')} w={{ base: '100%', xs: 200 }} />
          <TextInput label="From" type="date" value={draft.from} onChange={set('from')} error={error.field('from')} w={{ base: '100%', xs: 160 }} />
          <TextInput label="To" type="date" value={draft.to} onChange={set('to')} error={rangeError ?? error.field('to')} w={{ base: '100%', xs: 160 }} />
          <Button type="submit" loading={loading}>
            Apply filters
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

/** PRV-9: the disclosure ledger for privacy staff: every sharing of personal data with a third party, newest first. */
export default function DisclosuresPage() {
  const [applied, setApplied] = useState<DisclosureFilters>({});
  const [recorded, setRecorded] = useState<Disclosure | null>(null);
  const fetchPage = useCallback((cursor: string | undefined) => api.listDisclosures({ ...applied, limit: PAGE_SIZE, cursor }), [applied]);
  const list = usePaged(fetchPage);
  const errors = splitErrors(list.error, ['recipient', 'subject', 'purpose', 'from', 'to'], { subjectId: 'subject', subjectEmail: 'subject', until: 'to' });

  return (
    <>
      <PageHeader
        title="Disclosure ledger"
        description="Every sharing of personal data with a third party: service providers, partners, integrations and disclosures on legal request."
      />
      <Stack gap="md">
        <AppLink to="/staff">Back to the staff home</AppLink>
        <Filters loading={list.loading} error={errors} onApply={(f) => setApplied(f)} />
        <ProblemAlert message={errors.alert} />
        {list.items === null && list.loading && <PageLoader label="Loading the ledger…" minHeight={160} />}
        {list.items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={900}>
              <Table data-testid="disclosures-table" style={{ whiteSpace: 'nowrap' }} striped verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">When</Table.Th>
                    <Table.Th scope="col">Recipient</Table.Th>
                    <Table.Th scope="col">Categories</Table.Th>
                    <Table.Th scope="col">Purpose</Table.Th>
                    <Table.Th scope="col">Subject</Table.Th>
                    <Table.Th scope="col">Reference</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((d) => (
                    <Row key={d.id} d={d} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                No disclosures match these filters.
              </Text>
            )}
          </Paper>
        )}
        <ProblemAlert message={list.moreError?.detail} />
        {list.items !== null && list.nextCursor && (
          <Group justify="center">
            <Button variant="default" onClick={list.loadMore} loading={list.loadingMore}>
              Load more
            </Button>
          </Group>
        )}
        {recorded && (
          <Text c="teal.8" role="status">
            {`The disclosure to ${recorded.recipientName} (${recorded.reference ?? 'no reference'}) was recorded.`}
          </Text>
        )}
        <LegalRequestForm
          onRecorded={(d) => {
            setRecorded(d);
            void list.reload();
          }}
        />
      </Stack>
    </>
  );
}
