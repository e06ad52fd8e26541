import { Badge, Group, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { KbSystemVersion } from '../api.ts';
import { formatDate } from '../lib/format.ts';
import { WHOLE } from './DirectoryBadges.tsx';

/** A YYYY-MM-DD date as the reader writes dates (noon UTC, so no time zone moves it to another day). */
const dayOf = (date: string) => formatDate(`${date}T12:00:00Z`);

function EndOfLife({ v }: { v: KbSystemVersion }) {
  if (v.endOfLife) {
    return (
      <Group gap="xs" wrap="nowrap">
        <Badge color="red" variant="light" style={WHOLE}>
          End of life
        </Badge>
        <Text size="sm">{`Support ended on ${dayOf(v.endOfLifeOn ?? '')}`}</Text>
      </Group>
    );
  }
  return <Text size="sm">{v.endOfLifeOn ? `Supported until ${dayOf(v.endOfLifeOn)}` : 'Supported; no end announced'}</Text>;
}

/**
 * SUP-7: the supported system versions, those past their end of life marked,
 * as the public list and the staff editor both show them (the editor adds a
 * column of actions).
 */
export function SystemVersionsTable(props: { versions: KbSystemVersion[]; testId: string; busy?: boolean; actions?: (v: KbSystemVersion) => ReactNode }) {
  const { actions } = props;
  return (
    <Table.ScrollContainer minWidth={actions ? 720 : 520}>
      <Table data-testid={props.testId} striped verticalSpacing="sm" horizontalSpacing="md" aria-busy={props.busy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">System</Table.Th>
            <Table.Th scope="col">Version</Table.Th>
            <Table.Th scope="col">End of life</Table.Th>
            {actions && <Table.Th scope="col">Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.versions.map((v) => (
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
                <EndOfLife v={v} />
              </Table.Td>
              {actions && <Table.Td>{actions(v)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
