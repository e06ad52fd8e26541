import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { privacyRequestsApi, type StaffPrivacyRequest, type VerificationDecision } from '../../api/privacy-requests.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatBytes } from '../../lib/support.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';

const LABELS: Record<string, string> = {
  reauthentication: 'Re-authenticated on the account',
  email_link: 'Email confirmed (the mailed link)',
  data_points: 'Data points matched',
  declaration: 'Declaration under penalty of perjury',
  residence: 'California residence attested',
  agent_authorization: 'Agent\u2019s signed authorization',
  subject_confirmation: 'Subject confirmed directly',
  staff_decision: 'Staff decision',
};
const METHODS: Array<{ value: NonNullable<VerificationDecision['method']>; label: string }> = [
  { value: 'phone', label: 'By phone' },
  { value: 'in_person', label: 'In person' },
  { value: 'mail', label: 'By mail' },
  { value: 'agent_documents', label: 'Agent\u2019s documents checked' },
  { value: 'other', label: 'Other' },
];

function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * DSR-2, DSR-3: a request's verification on the staff privacy desk: the checklist (email confirmed,
 * data points matched n of m required, declaration, residence, the agent's authorization and the
 * subject's confirmation) and the decision for a verification done outside the web. `request` is the
 * staff view of one request (`GET /api/v1/privacy/requests/{id}` as privacy staff).
 */
export function PrivacyVerification({ request, onChanged }: { request: StaffPrivacyRequest; onChanged: (r: StaffPrivacyRequest) => void }) {
  const checklist = request.verificationChecklist;
  const [decision, setDecision] = useState<VerificationDecision['decision']>('verified');
  const [method, setMethod] = useState<VerificationDecision['method']>('phone');
  const [note, setNote] = useState('');
  const { loading, error, run } = useRequest();
  const download = useRequest();
  const errors = splitErrors(error, ['note', 'method', 'decision']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => privacyRequestsApi.decide(request.id, { decision, ...(method ? { method } : {}), note: note.trim() }));
    if (r.ok) {
      setNote('');
      onChanged(r.value);
    }
  }

  async function downloadAuthorization(fileName: string) {
    const r = await download.run(() => privacyRequestsApi.authorization(request.id, fileName));
    if (r.ok) save(r.value.blob, r.value.fileName);
  }

  const pending = request.verification === 'pending' && request.state !== 'completed';
  return (
    <Stack gap="sm" data-testid="privacy-verification">
      <Group gap="xs">
        <Title order={3} size="h5">
          Verification
        </Title>
        <Badge color={request.verification === 'verified' ? 'green' : request.verification === 'failed' ? 'red' : 'gray'}>{request.verification.replace('_', ' ')}</Badge>
      </Group>
      {request.verification === 'not_required' ? (
        <Text size="sm">This kind of request is never verified.</Text>
      ) : checklist ? (
        <Table aria-label="Verification checklist">
          <Table.Tbody>
            {checklist.items
              .filter((i) => i.required || i.done)
              .map((i) => (
                <Table.Tr key={i.key}>
                  <Table.Td>{i.done ? '\u2713' : '\u2013'}</Table.Td>
                  <Table.Td>{LABELS[i.key] ?? i.key}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {i.detail ?? (i.required && !i.done ? 'Needed' : '')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {checklist && checklist.attempts > 0 && <Text size="sm">{`Data-point attempts: ${checklist.attempts} (${checklist.failedAttempts} failed of ${checklist.maxAttempts} allowed).`}</Text>}
      {request.verificationNeeds.length > 0 && <Text size="sm">{`Still needed: ${request.verificationNeeds.join(', ').replace(/_/g, ' ')}.`}</Text>}
      {checklist?.agent && (
        <Stack gap={2}>
          <Text size="sm">{`Authorized agent: ${checklist.agent.name} <${checklist.agent.email}>`}</Text>
          <Group gap="xs">
            <Anchor component="button" type="button" size="sm" onClick={() => void downloadAuthorization(checklist.agent?.authorization.filename ?? 'authorization')}>
              {`Download the authorization (${checklist.agent.authorization.filename}, ${formatBytes(checklist.agent.authorization.size)})`}
            </Anchor>
          </Group>
          <Text size="xs" c="dimmed">{`SHA-256 ${checklist.agent.authorization.sha256}`}</Text>
          <ProblemAlert message={download.error?.detail ?? null} />
        </Stack>
      )}
      {checklist?.decision && <Text size="sm">{`Decided ${checklist.decision.decision}${checklist.decision.method ? ` (${checklist.decision.method.replace('_', ' ')})` : ''}: ${checklist.decision.note ?? ''}`}</Text>}
      {pending && (
        <form onSubmit={submit} noValidate aria-label="Record a verification">
          <Stack gap="xs">
            <ProblemAlert message={errors.alert} />
            <Group grow>
              <Select
                label="Decision"
                data={[
                  { value: 'verified', label: 'Verified' },
                  { value: 'failed', label: 'Could not be verified' },
                ]}
                value={decision}
                onChange={(v) => v && setDecision(v as VerificationDecision['decision'])}
                allowDeselect={false}
              />
              <Select label="How" data={METHODS} value={method ?? null} onChange={(v) => setMethod((v ?? undefined) as VerificationDecision['method'])} error={errors.field('method')} />
            </Group>
            <Textarea label="Note" description="How the requester was verified, or why not. Kept in the history and the audit log." required autosize minRows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.field('note')} />
            {decision === 'failed' && request.kind === 'delete' && <Text size="sm" c="orange">An unverifiable deletion is treated as an opt-out of sale and sharing, at once, and the requester is told.</Text>}
            <Group justify="flex-end">
              <Button type="submit" loading={loading} color={decision === 'failed' ? 'red' : undefined}>
                Record the decision
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
