import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { kbApi } from '../../api.ts';
import { SystemVersionsTable } from '../../components/SystemVersionsTable.tsx';
import { useLoad } from '../../lib/policies.ts';
import { KbFallback, KbFrame } from './KbFrame.tsx';

/**
 * SUP-7: `/kb/supported`: the protocols this instance serves (from the listeners that are running,
 * so nothing is listed that does not answer) and the system versions staff keep, versions past their
 * end of life marked.
 */
export default function KbSupportedPage() {
  const load = useCallback(() => kbApi.supported(), []);
  const { data, error, loading, reload } = useLoad(load);

  return (
    <KbFrame title="Supported protocols and systems" documentTitle="Supported protocols and systems">
      {!data ? (
        <KbFallback error={error} loading={loading} onRetry={reload} notFound="The supported list is not available." />
      ) : (
        <Stack gap="lg">
          <Stack gap="xs">
            <Title order={2} fz="lg">
              Protocols served here
            </Title>
            <Text size="sm" c="dimmed">
              What this service answers now. Protocols that are not listed are not offered here yet.
            </Text>
            <Paper withBorder radius="md">
              <Table data-testid="kb-protocols" verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Protocol</Table.Th>
                    <Table.Th scope="col">What works</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.served.map((p) => (
                    <Table.Tr key={p.id} data-protocol={p.id}>
                      <Table.Td fw={500}>
                        {p.version ? `${p.name} ${p.version}` : p.name}
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{p.notes}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          </Stack>
          <Stack gap="xs">
            <Title order={2} fz="lg">
              System versions
            </Title>
            <Text size="sm" c="dimmed">
              Tickets about a version past its end of life are flagged, with a request to update.
            </Text>
            <Paper withBorder radius="md">
              <SystemVersionsTable versions={data.systemVersions} testId="kb-system-versions" />
            </Paper>
          </Stack>
        </Stack>
      )}
    </KbFrame>
  );
}
