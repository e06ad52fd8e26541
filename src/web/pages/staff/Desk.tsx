import { Badge, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useCallback } from 'react';
import { type DeskTicketSummary, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { NearestDue } from '../../components/SupportTimes.tsx';
import { EligibilityBadge, EnvironmentBadge, StatusBadge } from '../../components/TicketFacts.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { PRIORITY_LABELS, dueState, nearestDue, useNow, usePolled } from '../../lib/support.ts';

function Row({ t, position, now }: { t: DeskTicketSummary; position: number; now: Date }) {
  const due = t.sla.paused ? null : nearestDue(t.sla);
  const overdue = due !== null && dueState(due.at, now) === 'overdue';
  return (
    <Table.Tr bg={overdue ? 'var(--mantine-color-red-0)' : undefined}>
      <Table.Td>{position}</Table.Td>
      <Table.Td style={{ minWidth: 140, overflowWrap: 'anywhere' }}>
        <Stack gap={2}>
          <AppLink to={`/staff/support/${encodeURIComponent(t.id)}`} fw={500}>
            {t.subject}
          </AppLink>
          <Text size="xs" c="dimmed">
            {t.orgName}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <EnvironmentBadge ticket={t} />
          {t.criticalDefect && (
            <Badge color="red" variant="light" style={WHOLE}>
              Critical defect
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>{PRIORITY_LABELS[t.priority]}</Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <StatusBadge status={t.status} audience="staff" />
          <EligibilityBadge eligibility={t.eligibility} />
          {t.specialist && (
            <Text size="xs" c="dimmed">
              {`Specialist: ${t.specialist.name}`}
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <NearestDue ticket={t} now={now} />
      </Table.Td>
      <Table.Td style={{ minWidth: 90 }}>
        <time dateTime={t.createdAt}>{formatDateTime(t.createdAt)}</time>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * SUP-4, SUP-5: the queue as the server orders it (production-impacting first,
 * then order of submission), with a countdown to each ticket's nearest due time.
 * Countdowns and the queue refresh every minute.
 */
export default function DeskPage() {
  const now = useNow();
  const fetchQueue = useCallback(() => api.deskQueue(), []);
  const queue = usePolled(fetchQueue);
  const items = queue.data?.items ?? null;

  return (
    <>
      <PageHeader
        title="Support desk"
        description="Production-impacting tickets first, then in the order they arrived. Times count support hours and stop while a ticket waits on its customer."
      />
      <Stack gap="md">
        <Group justify="space-between">
          {/* The staff navigation links the staff home and the support settings. */}
          <span />
          {queue.data && (
            <Text size="sm" c="dimmed" role="status">
              {`${queue.data.items.length} ${queue.data.items.length === 1 ? 'ticket' : 'tickets'} in the queue · updated ${formatDateTime(now.toISOString())}`}
            </Text>
          )}
        </Group>
        <ProblemAlert message={queue.error?.detail} />
        {items === null && queue.loading && <PageLoader label="Loading the queue…" minHeight={160} />}
        {items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={700}>
              <Table data-testid="queue-table" striped highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-busy={queue.loading}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">#</Table.Th>
                    <Table.Th scope="col">Ticket</Table.Th>
                    <Table.Th scope="col">Environment</Table.Th>
                    <Table.Th scope="col">Priority</Table.Th>
                    <Table.Th scope="col">Status and support</Table.Th>
                    <Table.Th scope="col">Next due</Table.Th>
                    <Table.Th scope="col">Submitted</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((t, i) => (
                    <Row key={t.id} t={t} position={i + 1} now={now} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                The queue is empty.
              </Text>
            )}
          </Paper>
        )}
      </Stack>
    </>
  );
}
