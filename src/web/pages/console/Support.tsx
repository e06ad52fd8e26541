import { Button, Group, NativeSelect, Paper, Stack, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { type TicketStatus, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { NearestDue } from '../../components/SupportTimes.tsx';
import { EligibilityBadge, EnvironmentBadge, StatusBadge } from '../../components/TicketFacts.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { usePaged } from '../../lib/paged.ts';
import { useNow } from '../../lib/support.ts';
import { useSignedIn } from '../../session.tsx';

const PAGE_SIZE = 25;

const FILTERS: Array<{ value: '' | TicketStatus; label: string }> = [
  { value: '', label: 'All tickets' },
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Waiting for your reply' },
  { value: 'closed', label: 'Closed' },
];

/** SUP-1, SUP-2, SUP-4: the organization's support tickets, with their level of support and next due time. */
export default function SupportPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [, navigate] = useLocation();
  const [status, setStatus] = useState<'' | TicketStatus>('');
  const now = useNow();

  const fetchPage = useCallback(
    (cursor: string | undefined) => api.listTickets(orgId, { status: status || undefined, limit: PAGE_SIZE, cursor }),
    [orgId, status],
  );
  const list = usePaged(fetchPage);

  return (
    <>
      <PageHeader
        title="Support"
        description="Ask Castellan's support team about your directory. Questions from your users about their own accounts are yours to answer as their administrator."
      />
      <VerifyEmailNotice consequence="Until then, you cannot open support tickets." />
      <Stack gap="md">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <NativeSelect
            label="Show"
            data={FILTERS}
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as '' | TicketStatus)}
            w={{ base: '100%', xs: 240 }}
          />
          <Button onClick={() => navigate('/console/support/new')}>Open a ticket</Button>
        </Group>

        <ProblemAlert message={list.error?.detail} />
        {list.items === null && list.loading && <PageLoader label="Loading tickets…" minHeight={160} />}

        {list.items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={640}>
              <Table data-testid="tickets-table" striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-busy={list.loading}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Subject</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col">Environment</Table.Th>
                    <Table.Th scope="col">Support</Table.Th>
                    <Table.Th scope="col">Next due</Table.Th>
                    <Table.Th scope="col">Last update</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td style={{ minWidth: 160, overflowWrap: 'anywhere' }}>
                        <AppLink to={`/console/support/${encodeURIComponent(t.id)}`} fw={500}>
                          {t.subject}
                        </AppLink>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={t.status} audience="customer" />
                      </Table.Td>
                      <Table.Td>
                        <EnvironmentBadge ticket={t} />
                      </Table.Td>
                      <Table.Td>
                        <EligibilityBadge eligibility={t.eligibility} />
                      </Table.Td>
                      <Table.Td>
                        <NearestDue ticket={t} now={now} />
                      </Table.Td>
                      <Table.Td>
                        <time dateTime={t.updatedAt}>{formatDateTime(t.updatedAt)}</time>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                {status ? 'No ticket has this status.' : 'No tickets yet. Open one when you need help.'}
              </Text>
            )}
          </Paper>
        )}

        <ProblemAlert message={list.moreError?.detail} />
        {list.items !== null && list.nextCursor && (
          <Group justify="center">
            <Button variant="default" onClick={list.loadMore} loading={list.loadingMore}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
