import { Alert, Badge, Button, Group, List, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { fulfilmentApi, type StaffRequestView } from '../../api/my-data.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';
import { saveDownload } from '../../lib/transfer.ts';

const FULFILLED = ['access', 'know', 'correct', 'delete'];

const STATUS: Record<string, string> = {
  awaiting_review: 'Correction waiting for review',
  archive_offered: 'Download link sent',
  answered: 'Answered',
  corrected: 'Corrected',
  correction_denied: 'Correction denied',
  erasing: 'Erasing',
  erased: 'Erased',
  failed: 'Failed: run it again',
};

const WHAT: Record<string, string> = {
  access: 'Mails the requester a new download link (once, 24 hours); the archive is built when downloaded.',
  know: 'Composes the answer from the registry and the disclosure ledger, stores it and mails it.',
  delete: 'Erases the person in every module, passes the deletion on to the recipients in the ledger, tells their organizations, and issues the certificate.',
  correct: 'Puts the correction up for review below.',
};

interface KnowAnswer {
  categories?: Array<{ category: string; description: string; withheld: boolean; sources: string[]; purposes: string[] }>;
  thirdParties?: Array<{ name: string; address: string; kind: string; categories: string[]; purposes: string[]; directMarketing: boolean }>;
  organizations?: Array<{ name: string; admins: number }>;
}

interface Certificate {
  digest: string;
  erasedAt: string;
  tables: Array<{ module: string; table: string; deleted: number; deidentified: number; kept: number; exception: string | null; keptAs: string | null }>;
  passedOnTo: Array<{ name: string; kind: string; notifiedBy: string }>;
  organizationsNotified: number;
}

function KnowAnswerView({ answer }: { answer: KnowAnswer }) {
  return (
    <Stack gap="xs" aria-label="The answer">
      {answer.categories && (
        <>
          <Text fw={600} size="sm">
            Categories held
          </Text>
          <List size="sm" spacing={2}>
            {answer.categories.map((c) => (
              <List.Item key={c.category}>{`${c.description}${c.withheld ? ' (withheld from copies)' : ''}`}</List.Item>
            ))}
          </List>
        </>
      )}
      {answer.thirdParties && (
        <>
          <Text fw={600} size="sm">
            Third parties (disclosure ledger)
          </Text>
          {answer.thirdParties.length === 0 ? (
            <Text size="sm">None.</Text>
          ) : (
            <List size="sm" spacing={2}>
              {answer.thirdParties.map((t) => (
                <List.Item key={`${t.name}|${t.address}`}>{`${t.name}, ${t.address} (${t.kind}): ${t.categories.join(', ')}${t.directMarketing ? '; direct marketing' : ''}`}</List.Item>
              ))}
            </List>
          )}
        </>
      )}
      {answer.organizations && answer.organizations.length > 0 && (
        <Text size="sm">{`Organizations pointed to: ${answer.organizations.map((o) => `${o.name} (${o.admins} admin${o.admins === 1 ? '' : 's'})`).join(', ')}`}</Text>
      )}
    </Stack>
  );
}

function CertificateView({ id, certificate }: { id: string; certificate: Certificate }) {
  const get = useRequest();
  const touched = certificate.tables.filter((t) => t.deleted + t.deidentified + t.kept > 0);
  return (
    <Stack gap="xs" aria-label="Deletion certificate">
      <Text size="sm">{`Erased ${formatDateTime(certificate.erasedAt)}. SHA-256 ${certificate.digest}`}</Text>
      <Table striped withTableBorder fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Table</Table.Th>
            <Table.Th>Deleted</Table.Th>
            <Table.Th>De-identified</Table.Th>
            <Table.Th>Kept (exception)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {touched.map((t) => (
            <Table.Tr key={`${t.module}.${t.table}`}>
              <Table.Td>{`${t.module}.${t.table}`}</Table.Td>
              <Table.Td>{t.deleted}</Table.Td>
              <Table.Td>{t.deidentified}</Table.Td>
              <Table.Td>{t.kept > 0 ? `${t.kept} (${t.exception}, ${t.keptAs})` : 0}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm">
        {certificate.passedOnTo.length === 0
          ? 'No third party had received the data.'
          : `Passed on to: ${certificate.passedOnTo.map((p) => `${p.name} (by ${p.notifiedBy})`).join(', ')}.`}
        {certificate.organizationsNotified > 0 ? ` ${certificate.organizationsNotified} organization(s) told.` : ''}
      </Text>
      <Group>
        <Button size="xs" variant="default" loading={get.loading} onClick={() => void get.run(async () => saveDownload(await fulfilmentApi.certificateText(id)))}>
          Download the certificate
        </Button>
      </Group>
      <ProblemAlert message={get.error?.detail ?? null} />
    </Stack>
  );
}

/**
 * DSR-1, DSR-5: the fulfilment part of a request on the staff desk: run (or retry) it once the
 * requester is verified, review a correction, and read the know answer or the deletion certificate.
 * `request` is the staff view of the request; `onChanged` gets the view the server answered.
 */
export function PrivacyFulfilment({ request, onChanged }: { request: StaffRequestView; onChanged: (next: StaffRequestView) => void }) {
  const run = useRequest();
  const decide = useRequest();
  const [reason, setReason] = useState('');
  if (!FULFILLED.includes(request.kind)) return null;
  const f = request.fulfilment;
  const open = request.state !== 'completed';
  const verified = request.verification === 'verified';
  const reviewing = request.kind === 'correct' && open && verified && (f?.status === 'awaiting_review' || !f?.status);
  const correction = f?.correction ?? null;

  async function fulfil() {
    const out = await run.run(() => fulfilmentApi.fulfil(request.id));
    if (out.ok) onChanged(out.value);
  }
  async function review(decision: 'apply' | 'deny') {
    const out = await decide.run(() => fulfilmentApi.decideCorrection(request.id, { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) }));
    if (out.ok) {
      setReason('');
      onChanged(out.value);
    }
  }

  return (
    <Paper component="section" withBorder radius="md" p="md" aria-label="Fulfilment">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} fz="md">
            Fulfilment
          </Title>
          {f?.status && <Badge variant="light">{STATUS[f.status] ?? f.status}</Badge>}
        </Group>
        {!verified && open && <Alert color="yellow" variant="light">{`Not verified yet (${request.verification}): it is fulfilled once the requester is verified.`}</Alert>}
        {verified && open && request.kind !== 'correct' && (
          <Stack gap={4}>
            <Text size="sm">{WHAT[request.kind]}</Text>
            <Group>
              <Button size="sm" onClick={() => void fulfil()} loading={run.loading} color={request.kind === 'delete' ? 'red' : undefined}>
                {f?.status ? 'Run fulfilment again' : 'Run fulfilment'}
              </Button>
            </Group>
          </Stack>
        )}
        <ProblemAlert message={run.error?.detail ?? null} />
        {reviewing && (
          <Stack gap="xs" aria-label="Correction review">
            <Text size="sm">{correction?.value ? `Asks to change the ${correction.field} to “${correction.value}”.` : 'The request does not say what to change: deny it with the reason.'}</Text>
            <Textarea label="Reason (required to deny; sent to the requester)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={2000} />
            <Group>
              <Button size="sm" onClick={() => void review('apply')} loading={decide.loading} disabled={!correction?.value}>
                Apply the correction
              </Button>
              <Button size="sm" variant="default" onClick={() => void review('deny')} loading={decide.loading} disabled={reason.trim() === ''}>
                Deny
              </Button>
            </Group>
            <ProblemAlert message={decide.error?.detail ?? null} />
          </Stack>
        )}
        {(request.kind === 'know' || request.kind === 'delete') && f?.answer ? <KnowAnswerView answer={f.answer as KnowAnswer} /> : null}
        {f?.certificate ? <CertificateView id={request.id} certificate={f.certificate as Certificate} /> : null}
      </Stack>
    </Paper>
  );
}
