import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { kbApi } from '../../api.ts';
import { formatDate } from '../../lib/format.ts';
import { useLoad } from '../../lib/policies.ts';
import { KbFallback, KbFrame } from './KbFrame.tsx';

/** A YYYY-MM-DD date as the reader writes dates (noon UTC, so no time zone moves it to another day). */
const dayOf = (date: string) => formatDate(`${date}T12:00:00Z`);

/** SUP-7: `/kb/supported`, the supported protocols and system versions; versions past their end of life are marked. */
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
              Protocols
            </Title>
            <Paper withBorder radius="md">
              <Table data-testid="kb-protocols" verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Protocol</Table.Th>
                    <Table.Th scope="col">What works</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.protocols.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }} fw={500}>
                        {p.version ? `${p.name} ${p.version}` : p.name}
                      </Table.Td>
                      <Table.Td>{p.notes ?? ''}</Table.Td>
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
              <Table.ScrollContainer minWidth={520}>
                <Table data-testid="kb-system-versions" striped verticalSpacing="sm" horizontalSpacing="md">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">System</Table.Th>
                      <Table.Th scope="col">Version</Table.Th>
                      <Table.Th scope="col">End of life</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.systemVersions.map((v) => (
                      <Table.Tr key={v.id} data-end-of-life={v.endOfLife ? 'true' : undefined}>
                        <Table.Td>{v.system}</Table.Td>
                        <Table.Td>
                          {v.version}
                          {v.notes && (
                            <Text size="xs" c="dimmed">
                              {v.notes}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {v.endOfLife ? (
                            <Group gap="xs" wrap="nowrap">
                              <Badge color="red" variant="light">
                                End of life
                              </Badge>
                              <Text size="sm">{`Support ended on ${dayOf(v.endOfLifeOn ?? '')}`}</Text>
                            </Group>
                          ) : v.endOfLifeOn ? (
                            <Text size="sm">{`Supported until ${dayOf(v.endOfLifeOn)}`}</Text>
                          ) : (
                            <Text size="sm">Supported</Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          </Stack>
        </Stack>
      )}
    </KbFrame>
  );
}
