import { Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type Channel, type EnterRequestInput, type Regime, type RequestKind, type RequestState, type StaffPrivacyRequest, privacyDeskApi } from '../../api/privacy-desk.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';
import { CHANNEL_LABELS, KIND_LABELS, REGIME_LABELS, STATE_LABELS, VerificationBadge } from './privacyLabels.tsx';

const KINDS = Object.keys(KIND_LABELS) as RequestKind[];
const REGIMES = Object.keys(REGIME_LABELS) as Regime[];
// Staff record what came by any channel but the privacy center, which requesters use themselves.
const STAFF_CHANNELS = (Object.keys(CHANNEL_LABELS) as Channel[]).filter((c) => c !== 'web');

function Row({ r }: { r: StaffPrivacyRequest }) {
  return (
    <Table.Tr bg={r.overdue ? 'var(--mantine-color-red-0)' : undefined} data-overdue={r.overdue || undefined}>
      <Table.Td style={{ minWidth: 120 }}>
        <Stack gap={2}>
          <time dateTime={r.dueAt}>{formatDate(r.dueAt)}</time>
          {r.overdue && (
            <Badge color="red" variant="filled" size="sm">
              Overdue
            </Badge>
          )}
          {r.extendedAt && (
            <Text size="xs" c="dimmed">
              Extended
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td style={{ minWidth: 160, overflowWrap: 'anywhere' }}>
        <Stack gap={2}>
          <AppLink to={`/staff/privacy/requests/${encodeURIComponent(r.id)}`} fw={500}>
            {KIND_LABELS[r.kind]}
          </AppLink>
          <Text size="xs" c="dimmed">
            {r.email}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>{REGIME_LABELS[r.regime]}</Table.Td>
      <Table.Td>{CHANNEL_LABELS[r.channel]}</Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Text size="sm">{STATE_LABELS[r.state]}</Text>
          <VerificationBadge request={r} />
        </Stack>
      </Table.Td>
      <Table.Td style={{ minWidth: 110 }}>
        <time dateTime={r.receivedAt}>{formatDateTime(r.receivedAt)}</time>
      </Table.Td>
    </Table.Tr>
  );
}

/** DSR-1: a request that came by email, telephone, mail, fax or in person, entered on the subject's behalf. */
function EnterRequest({ onEntered }: { onEntered: (r: StaffPrivacyRequest) => void }) {
  const empty: EnterRequestInput = { kind: 'access', regime: 'ccpa', channel: 'phone', email: '', details: '' };
  const [draft, setDraft] = useState<EnterRequestInput>(empty);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['kind', 'regime', 'channel', 'email', 'details']);
  const stlRefused = draft.kind === 'shine_the_light' && ['phone', 'mail', 'fax'].includes(draft.channel);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => privacyDeskApi.enterPrivacyRequest({ ...draft, email: draft.email.trim(), details: draft.details?.trim() || undefined }));
    if (r.ok) {
      setDraft(empty);
      onEntered(r.value);
    }
  }

  return (
    <Section title="Enter a request" description="For a request that came by email, telephone, mail, fax or in person. The requester is acknowledged by mail at once, like any other.">
      <form onSubmit={submit} noValidate aria-label="Enter a request">
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
            <NativeSelect label="Kind" data={KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value as RequestKind })} />
            <NativeSelect label="Regime" data={REGIMES.map((k) => ({ value: k, label: REGIME_LABELS[k] }))} value={draft.regime} onChange={(e) => setDraft({ ...draft, regime: e.currentTarget.value as Regime })} />
            <NativeSelect label="Came by" data={STAFF_CHANNELS.map((k) => ({ value: k, label: CHANNEL_LABELS[k] }))} value={draft.channel} onChange={(e) => setDraft({ ...draft, channel: e.currentTarget.value as Channel })} />
          </SimpleGrid>
          <TextInput label="Requester's email address" description="The acknowledgement and the answer go here" type="email" required value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })} error={errors.field('email')} />
          <Textarea label="What was asked" autosize minRows={2} maxLength={4000} value={draft.details ?? ''} onChange={(e) => setDraft({ ...draft, details: e.currentTarget.value })} error={errors.field('details')} />
          {stlRefused && (
            <Text size="sm" c="dimmed">
              "Your California Privacy Rights" requests are not taken by telephone, mail or fax: it is recorded as such, and the requester is sent instructions instead.
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={loading}>
              Enter the request
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** DSR-4: the request queue by due date, overdue requests first to the eye; and entering a request on someone's behalf. */
export default function PrivacyRequestsPage() {
  const [state, setState] = useState<RequestState | ''>('');
  const [entered, setEntered] = useState<StaffPrivacyRequest | null>(null);
  const load = useCallback(() => privacyDeskApi.privacyQueue({ state: state || undefined }), [state]);
  const queue = useLoad(load);
  const items = queue.data?.items ?? null;
  const overdue = items?.filter((r) => r.overdue).length ?? 0;

  return (
    <>
      <PageHeader title="Privacy requests" description="Every open request by its due date. Overdue requests are marked in red; answer them first." />
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <NativeSelect
            label="Show"
            data={[{ value: '', label: 'Open requests' }, ...(Object.keys(STATE_LABELS) as RequestState[]).map((s) => ({ value: s, label: STATE_LABELS[s] }))]}
            value={state}
            onChange={(e) => setState(e.currentTarget.value as RequestState | '')}
            maw={240}
          />
          {items && (
            <Text size="sm" c={overdue > 0 ? 'red.8' : 'dimmed'} role="status">
              {`${items.length} ${items.length === 1 ? 'request' : 'requests'}${overdue > 0 ? ` · ${overdue} overdue` : ''}`}
            </Text>
          )}
        </Group>
        {entered && (
          <Text role="status" size="sm">
            {'Entered: '}
            <AppLink to={`/staff/privacy/requests/${encodeURIComponent(entered.id)}`}>{`${KIND_LABELS[entered.kind]} for ${entered.email}`}</AppLink>
          </Text>
        )}
        <ProblemAlert message={queue.error?.detail} />
        {items === null && queue.loading && <PageLoader label="Loading the requests…" minHeight={160} />}
        {items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={720}>
              <Table data-testid="privacy-queue" striped highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-busy={queue.loading}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Due</Table.Th>
                    <Table.Th scope="col">Request</Table.Th>
                    <Table.Th scope="col">Regime</Table.Th>
                    <Table.Th scope="col">Came by</Table.Th>
                    <Table.Th scope="col">State</Table.Th>
                    <Table.Th scope="col">Received</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((r) => (
                    <Row key={r.id} r={r} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                No requests here.
              </Text>
            )}
          </Paper>
        )}
        <EnterRequest
          onEntered={(r) => {
            setEntered(r);
            queue.reload();
          }}
        />
      </Stack>
    </>
  );
}
