import { Alert, Badge, Group, List, Stack, Text } from '@mantine/core';
import type { Ticket, TicketSummary } from '../api.ts';
import { formatDate } from '../lib/format.ts';
import {
  CLOSE_REASON_LABELS,
  ELIGIBILITY_LABELS,
  ENVIRONMENT_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  SUPPORT_ZONE,
  dueTimeText,
  formatCalendarDay,
  viewerTimeZone,
} from '../lib/support.ts';
import { AppLink } from './AppLink.tsx';
import { WHOLE } from './DirectoryBadges.tsx';

export function StatusBadge({ status, audience }: { status: TicketSummary['status']; audience: 'customer' | 'staff' }) {
  const s = STATUS_LABELS[status];
  return (
    <Badge color={s.color} variant="light" style={WHOLE}>
      {s[audience]}
    </Badge>
  );
}

export function EligibilityBadge({ eligibility }: { eligibility: TicketSummary['eligibility'] }) {
  const e = ELIGIBILITY_LABELS[eligibility.level];
  return (
    <Badge color={e.color} variant="light" style={WHOLE} title={eligibility.reason}>
      {e.label}
    </Badge>
  );
}

/** SUP-5: the environment, and whether production is affected (which puts the ticket first). */
export function EnvironmentBadge({ ticket }: { ticket: Pick<TicketSummary, 'environment' | 'productionImpact'> }) {
  const impact = ticket.environment === 'production' && ticket.productionImpact;
  return (
    <Badge color={impact ? 'red' : 'gray'} variant={impact ? 'filled' : 'light'} style={WHOLE}>
      {impact ? 'Production impact' : ENVIRONMENT_LABELS[ticket.environment]}
    </Badge>
  );
}

/** Status, priority, environment and flags of a ticket, in one row. */
export function TicketBadges({ ticket, audience }: { ticket: TicketSummary; audience: 'customer' | 'staff' }) {
  return (
    <Group gap="xs" wrap="wrap">
      <StatusBadge status={ticket.status} audience={audience} />
      <Badge color={ticket.priority === 'urgent' ? 'red' : ticket.priority === 'high' ? 'orange' : 'gray'} variant="outline" style={WHOLE}>
        {`Priority: ${PRIORITY_LABELS[ticket.priority]}`}
      </Badge>
      <EnvironmentBadge ticket={ticket} />
      {ticket.criticalDefect && (
        <Badge color="red" variant="light" style={WHOLE}>
          Critical defect
        </Badge>
      )}
      <EligibilityBadge eligibility={ticket.eligibility} />
    </Group>
  );
}

/** SUP-2: the free plan's full support ends to the minute, in America/Denver. */
function FullSupportUntil({ at }: { at: string }) {
  const text = dueTimeText(at, viewerTimeZone());
  return (
    <Text size="sm">
      {'Full support until '}
      <time dateTime={at}>{text.local}</time>
      {text.support ? ` (${text.support}, ${SUPPORT_ZONE})` : ''}.
    </Text>
  );
}

/** SUP-2: the level of support, the plan's reason for it in words, and the dedicated specialist. */
export function Eligibility({ ticket, audience }: { ticket: TicketSummary; audience: 'customer' | 'staff' }) {
  const { eligibility, specialist } = ticket;
  return (
    <Stack gap={4} data-testid="eligibility">
      <Group gap="xs">
        <EligibilityBadge eligibility={eligibility} />
        <Text size="sm" c="dimmed">
          {`Plan: ${eligibility.plan}`}
        </Text>
      </Group>
      <Text>{eligibility.reason}</Text>
      {eligibility.fullSupportUntil && <FullSupportUntil at={eligibility.fullSupportUntil} />}
      {specialist && (
        <Text size="sm">{audience === 'customer' ? `Your dedicated specialist: ${specialist.name}.` : `Dedicated specialist: ${specialist.name}.`}</Text>
      )}
    </Stack>
  );
}

/** SUP-7: the system version named on the ticket is past its end of life. */
export function EndOfLifeAlert({ ticket, audience }: { ticket: TicketSummary; audience: 'customer' | 'staff' }) {
  const eol = ticket.endOfLife;
  if (!eol) return null;
  return (
    <Alert color="yellow" variant="light" title="End-of-life system version">
      {`${eol.system} ${eol.version} reached its end of life${eol.endOfLifeOn ? ` on ${formatCalendarDay(eol.endOfLifeOn)}` : ''}. `}
      {audience === 'customer'
        ? 'Please update to a supported version: fixes and answers may not apply to it.'
        : 'Ask the customer to update to a supported version.'}
    </Alert>
  );
}

/** SUP-3: why a closed ticket was closed. */
export function ClosedNote({ ticket }: { ticket: TicketSummary }) {
  if (ticket.status !== 'closed') return null;
  return (
    <Alert color="gray" variant="light" title="This ticket is closed">
      <Stack gap={4}>
        {ticket.closeReason && <Text size="sm">{`Reason: ${CLOSE_REASON_LABELS[ticket.closeReason]}.`}</Text>}
        {ticket.closeReason !== 'resolved' && ticket.closeReasonText && <Text size="sm">{ticket.closeReasonText}</Text>}
        {ticket.closeNote && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{ticket.closeNote}</Text>}
        {ticket.closedAt && <Text size="sm">{`Closed on ${formatDate(ticket.closedAt)}.`}</Text>}
      </Stack>
    </Alert>
  );
}

/** Knowledge-base articles that may answer the ticket. */
export function Suggestions({ suggestions }: { suggestions: Ticket['suggestions'] }) {
  if (suggestions.length === 0) return <Text c="dimmed">No article matches this ticket yet.</Text>;
  return (
    <List spacing={4} data-testid="suggestions">
      {suggestions.map((s) => (
        <List.Item key={s.slug}>
          <AppLink to={`/kb/articles/${encodeURIComponent(s.slug)}`}>{s.title}</AppLink>
        </List.Item>
      ))}
    </List>
  );
}
