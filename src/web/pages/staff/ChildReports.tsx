import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useCallback, useState } from 'react';
import { type StaffChildReport, privacyDeskApi } from '../../api/privacy-desk.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';

const STATES: Record<string, { label: string; color: string }> = {
  received: { label: 'To decide', color: 'yellow' },
  confirmed: { label: 'Confirmed: erasure scheduled', color: 'red' },
  erased: { label: 'Erased', color: 'gray' },
  closed: { label: 'Closed', color: 'gray' },
  dismissed: { label: 'Dismissed', color: 'gray' },
};

/** DSR-8: confirm (sharing stops, sessions end, erasure in 24 hours) or dismiss with a reason. */
function Decide({ report, onDecided }: { report: StaffChildReport; onDecided: (r: StaffChildReport) => void }) {
  const [reason, setReason] = useState('');
  const { loading, error, run } = useRequest();
  const confirm = async () => {
    const r = await run(() => privacyDeskApi.confirmChildReport(report.id));
    if (r.ok) onDecided(r.value);
  };
  const dismiss = async () => {
    const r = await run(() => privacyDeskApi.dismissChildReport(report.id, reason.trim()));
    if (r.ok) onDecided(r.value);
  };
  return (
    <Stack gap={6}>
      <ProblemAlert message={error?.detail} />
      <Group gap="xs" wrap="nowrap" align="flex-end">
        <Button size="xs" color="red" loading={loading} onClick={() => void confirm()}>
          Confirm
        </Button>
        <TextInput size="xs" aria-label={`Why report ${report.id} is wrong`} placeholder="Why it is wrong" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Button size="xs" variant="default" disabled={!reason.trim()} loading={loading} onClick={() => void dismiss()}>
          Dismiss
        </Button>
      </Group>
    </Stack>
  );
}

/** DSR-8: reports of a suspected child's account, open ones first. */
export default function ChildReportsPage() {
  const load = useCallback(() => privacyDeskApi.childReports(), []);
  const reports = useLoad(load);
  const [decided, setDecided] = useState<Record<string, StaffChildReport>>({});
  const items = reports.data?.items.map((r) => decided[r.id] ?? r) ?? null;
  return (
    <>
      <PageHeader
        title="Reports of a child's account"
        description="Confirming a report stops all sharing of the account's data and ends its sessions at once; its data is erased 24 hours later. Dismiss a report you found wrong, with the reason."
      />
      <Stack gap="md">
        <ProblemAlert message={reports.error?.detail} />
        {items === null && reports.loading && <PageLoader label="Loading the reports…" minHeight={160} />}
        {items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={720}>
              <Table data-testid="child-reports" striped verticalSpacing="sm" horizontalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Received</Table.Th>
                    <Table.Th scope="col">Account</Table.Th>
                    <Table.Th scope="col">Why</Table.Th>
                    <Table.Th scope="col">State</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td style={{ minWidth: 110 }}>{formatDateTime(r.receivedAt)}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>
                        <Stack gap={2}>
                          <Text size="sm">{r.email}</Text>
                          <Text size="xs" c="dimmed">
                            {r.accountId ? 'An account has this address' : 'No account had this address'}
                          </Text>
                        </Stack>
                      </Table.Td>
                      <Table.Td style={{ maxWidth: 320, overflowWrap: 'anywhere' }}>{r.details ?? ''}</Table.Td>
                      <Table.Td>
                        <Stack gap={6} align="flex-start">
                          <Badge color={STATES[r.state]?.color ?? 'gray'} variant="light">
                            {STATES[r.state]?.label ?? r.state}
                          </Badge>
                          {r.eraseAt && r.state === 'confirmed' && <Text size="xs">{`Erasure at ${formatDateTime(r.eraseAt)}`}</Text>}
                          {r.state === 'received' && <Decide report={r} onDecided={(d) => setDecided((m) => ({ ...m, [d.id]: d }))} />}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                No reports.
              </Text>
            )}
          </Paper>
        )}
      </Stack>
    </>
  );
}
