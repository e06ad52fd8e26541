import { Badge, Stack, Table, Text } from '@mantine/core';
import type { TicketSummary } from '../api.ts';
import { DUE_STATE_COLORS, SUPPORT_ZONE, dueState, dueTimeText, dueTimes, formatCountdown, nearestDue, viewerTimeZone } from '../lib/support.ts';
import { formatDateTime } from '../lib/format.ts';
import { WHOLE } from './DirectoryBadges.tsx';

/** The nearest running target as a countdown; "paused" while the desk waits on the customer. */
export function NearestDue({ ticket, now }: { ticket: Pick<TicketSummary, 'sla' | 'status'>; now: Date }) {
  if (ticket.status === 'closed') return <Text c="dimmed">—</Text>;
  if (ticket.sla.paused) {
    return (
      <Badge color="gray" variant="outline" style={WHOLE}>
        Paused
      </Badge>
    );
  }
  const due = nearestDue(ticket.sla);
  if (!due) return <Text c="dimmed">No target running</Text>;
  const state = dueState(due.at, now);
  return (
    <Stack gap={2}>
      <Badge color={DUE_STATE_COLORS[state]} variant={state === 'later' ? 'light' : 'filled'} style={WHOLE} data-testid="countdown">
        {`${due.label} ${formatCountdown(due.at, now)}`}
      </Badge>
      <Text size="xs" c="dimmed">
        <time dateTime={due.at}>{dueTimeText(due.at, viewerTimeZone()).local}</time>
      </Text>
    </Stack>
  );
}

/**
 * SUP-4: every running target with its due time in the viewer's zone and in
 * America/Denver, and the first response once given. Targets count business
 * hours only, and stop while the desk waits on the customer.
 */
export function DueTimes({ ticket, now, audience }: { ticket: TicketSummary; now: Date; audience: 'customer' | 'staff' }) {
  const zone = viewerTimeZone();
  const running = ticket.status === 'closed' ? [] : dueTimes(ticket.sla);
  return (
    <Stack gap="sm" data-testid="due-times">
      {ticket.sla.paused && ticket.status !== 'closed' && (
        <Text role="status" c="orange.8">
          {audience === 'customer'
            ? 'The clock is paused while we wait for your reply. It starts again when you answer.'
            : 'The clock is paused while the desk waits on the customer.'}
        </Text>
      )}
      {running.length > 0 ? (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Target</Table.Th>
                <Table.Th scope="col">{`Due (your time, ${zone})`}</Table.Th>
                <Table.Th scope="col">{`Due (${SUPPORT_ZONE})`}</Table.Th>
                <Table.Th scope="col">Time left</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {running.map((d) => (
                <Table.Tr key={d.key}>
                  <Table.Th scope="row" fw={500}>
                    {d.label}
                  </Table.Th>
                  <Table.Td>
                    <time dateTime={d.at}>{dueTimeText(d.at, zone).local}</time>
                  </Table.Td>
                  <Table.Td>{dueTimeText(d.at, SUPPORT_ZONE).local}</Table.Td>
                  <Table.Td>
                    {ticket.sla.paused ? (
                      <Text size="sm" c="dimmed">
                        Paused
                      </Text>
                    ) : (
                      <Text size="sm" c={`${DUE_STATE_COLORS[dueState(d.at, now)]}.8`}>
                        {formatCountdown(d.at, now)}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        ticket.status !== 'closed' && !ticket.sla.paused && <Text c="dimmed">No service-level target is running for this ticket.</Text>
      )}
      {ticket.sla.firstRespondedAt && (
        <Text size="sm">First response given on {formatDateTime(ticket.sla.firstRespondedAt)}.</Text>
      )}
      <Text size="xs" c="dimmed">
        Targets count support hours only: Monday to Friday, 9:00 to 17:00 {SUPPORT_ZONE} time, except U.S. federal holidays.
      </Text>
    </Stack>
  );
}
