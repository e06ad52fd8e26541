import { Alert, Badge, Box, Button, Group, List, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, Textarea } from '@mantine/core';
import { type FormEvent, type ReactNode, useCallback, useState } from 'react';
import { type Outcome, type StaffPrivacyRequest, privacyDeskApi } from '../../api/privacy-desk.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { DetailFallback } from '../../components/DetailFallback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';
import { PrivacyFulfilment } from './PrivacyFulfilment.tsx';
import { PrivacyVerification } from './PrivacyVerification.tsx';
import { CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, REGIME_LABELS, STATE_LABELS, VerificationBadge } from './privacyLabels.tsx';

type Changed = (r: StaffPrivacyRequest, notice: string) => void;

/** DSR-1: the kinds Castellan fulfils once the requester is verified (DSR-2). */
const FULFILLED: readonly string[] = ['access', 'know', 'correct', 'delete'];

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

/** DSR-7: what a Shine the Light request carried, the second-in-year flag and the answer sent. */
function ShineTheLightFacts({ r }: { r: StaffPrivacyRequest }) {
  const s = r.shineTheLight;
  if (!s) return null;
  const answer = s.answer as { year: number; recipients: Array<{ name: string; address: string; categories: string[] }> } | null;
  return (
    <Section title="Your California Privacy Rights">
      <Stack gap="sm">
        {s.secondInYear && (
          <Alert color="orange" variant="light" title="Second request this calendar year">
            This person already made a Shine the Light request this calendar year. It was answered anyway.
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Fact label="Name">{s.name ?? '—'}</Fact>
          <Fact label="Address">{[s.street, s.city, s.state, s.zip].filter(Boolean).join(', ') || '—'}</Fact>
        </SimpleGrid>
        {answer && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>{`Answer sent for ${answer.year}: ${answer.recipients.length === 0 ? 'no third party' : `${answer.recipients.length} third ${answer.recipients.length === 1 ? 'party' : 'parties'}`}`}</Text>
            <List size="sm">
              {answer.recipients.map((p) => (
                <List.Item key={`${p.name}|${p.address}`}>{`${p.name}, ${p.address} (${p.categories.join(', ')})`}</List.Item>
              ))}
            </List>
          </Stack>
        )}
      </Stack>
    </Section>
  );
}

/** DSR-4: the one extension, with the reasons the requester is sent. */
function Extend({ r, onChanged }: { r: StaffPrivacyRequest; onChanged: Changed }) {
  const [reason, setReason] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['reason']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => privacyDeskApi.extendPrivacyRequest(r.id, reason.trim()));
    if (res.ok) {
      setReason('');
      onChanged(res.value, `Extended: now due ${formatDate(res.value.dueAt)}. The requester was sent the notice.`);
    }
  }
  return (
    <Section title="Extend" description={r.regime === 'gdpr' ? 'Once, by two months, within the first month. The requester is told why.' : 'Once, by 45 days, before the first 45 days end. The requester is told why.'}>
      <form onSubmit={submit} noValidate aria-label="Extend the request">
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <Textarea label="Reasons (sent to the requester)" required autosize minRows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.field('reason')} />
          <Group justify="flex-end">
            <Button type="submit" variant="default" loading={loading}>
              Extend
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** DSR-5: the answer's outcome, logged with the reason for a denial. */
function Close({ r, onChanged }: { r: StaffPrivacyRequest; onChanged: Changed }) {
  const [outcome, setOutcome] = useState<Outcome>('complied');
  const [reason, setReason] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['outcome', 'reason']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => privacyDeskApi.closePrivacyRequest(r.id, outcome, reason.trim() || undefined));
    if (res.ok) onChanged(res.value, 'Answered. The requester was told, and the request log records it.');
  }
  return (
    <Section title="Answer" description="Record the outcome: it goes to the requester and to the request log. A denial needs its reason.">
      <form onSubmit={submit} noValidate aria-label="Answer the request">
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <NativeSelect label="Outcome" data={Object.entries(OUTCOME_LABELS).map(([value, label]) => ({ value, label }))} value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as Outcome)} maw={280} />
          <Textarea label={outcome === 'denied' ? 'Reason for the denial' : 'Note (optional)'} required={outcome === 'denied'} autosize minRows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.field('reason')} />
          <Group justify="flex-end">
            <Button type="submit" loading={loading}>
              Record the answer
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** DSR-1, DSR-4: one request: its facts, due dates and history, and what staff do with it. */
export default function PrivacyRequestDetailPage({ id }: { id: string }) {
  const load = useCallback(() => privacyDeskApi.privacyRequest(id), [id]);
  const loaded = useLoad(load);
  const [updated, setUpdated] = useState<StaffPrivacyRequest | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const r = updated ?? loaded.data;
  if (!r) {
    return <DetailFallback noun="Request" error={loaded.error} loading={loaded.loading} onRetry={loaded.reload} back={<AppLink to="/staff/privacy/requests">Back to the requests</AppLink>} />;
  }
  const open = r.state !== 'completed';
  const onChanged: Changed = (next, message) => {
    setUpdated(next);
    setNotice(message);
  };

  return (
    <>
      <PageHeader title={KIND_LABELS[r.kind]} documentTitle={`${KIND_LABELS[r.kind]} ${r.id}`} description={<AppLink to="/staff/privacy/requests">All privacy requests</AppLink>} />
      <Stack gap="md">
        {notice && (
          <Alert color="green" variant="light" role="status">
            {notice}
          </Alert>
        )}
        <Section title="The request">
          <Stack gap="md">
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>{`Reference ${r.id}`}</Text>
            <Group gap="xs">
              <Badge variant="light">{STATE_LABELS[r.state]}</Badge>
              <VerificationBadge request={r} />
              {r.overdue && <Badge color="red">Overdue</Badge>}
              {r.outcome && <Badge color={r.outcome === 'denied' ? 'gray' : 'green'}>{OUTCOME_LABELS[r.outcome] ?? r.outcome}</Badge>}
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
              <Fact label="Requester">{r.email}</Fact>
              <Fact label="Account">{r.accountId ?? 'None found for the address'}</Fact>
              <Fact label="Regime · came by">{`${REGIME_LABELS[r.regime]} · ${CHANNEL_LABELS[r.channel]}`}</Fact>
              <Fact label="Received">{formatDateTime(r.receivedAt)}</Fact>
              <Fact label="Acknowledge by">{`${formatDate(r.acknowledgeBy)}${r.acknowledgedAt ? ` (done ${formatDateTime(r.acknowledgedAt)})` : ''}`}</Fact>
              <Fact label="Answer due">{`${formatDate(r.dueAt)}${r.extendedAt ? ' (extended)' : ''}`}</Fact>
            </SimpleGrid>
            {r.details && <Fact label="What was asked">{r.details}</Fact>}
            {r.extensionReason && <Fact label="Why it was extended">{r.extensionReason}</Fact>}
            {r.outcomeReason && <Fact label="Answer's reason">{r.outcomeReason}</Fact>}
          </Stack>
        </Section>
        <ShineTheLightFacts r={r} />
        {r.verification !== 'not_required' && (
          <Paper component="section" aria-label="Verification" withBorder radius="md" p="md" style={{ overflowX: 'auto' }}>
            <PrivacyVerification request={r} onChanged={(next) => onChanged(next, 'Verification recorded.')} />
          </Paper>
        )}
        {FULFILLED.includes(r.kind) && (
          <Box style={{ overflowX: 'auto' }}>
            <PrivacyFulfilment request={r} onChanged={(next) => onChanged(next, 'Fulfilment recorded.')} />
          </Box>
        )}
        {open && !r.extendedAt && r.kind !== 'shine_the_light' && <Extend r={r} onChanged={onChanged} />}
        {open && <Close r={r} onChanged={onChanged} />}
        <Section title="History">
          <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Step</Table.Th>
                <Table.Th scope="col">By</Table.Th>
                <Table.Th scope="col">Note</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(r.history ?? []).map((h, i) => (
                <Table.Tr key={`${h.at}-${i}`}>
                  <Table.Td>{formatDateTime(h.at)}</Table.Td>
                  <Table.Td>{h.action.replaceAll('_', ' ')}</Table.Td>
                  <Table.Td>{h.actor}</Table.Td>
                  <Table.Td>{h.note ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
        </Section>
      </Stack>
    </>
  );
}
