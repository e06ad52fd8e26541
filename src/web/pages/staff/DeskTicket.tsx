import { Group, NativeSelect, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { type DeskTicket, type TicketAttachment, type TicketPriority, api, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { DetailFallback } from '../../components/DetailFallback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { DueTimes } from '../../components/SupportTimes.tsx';
import { TicketConversation } from '../../components/TicketConversation.tsx';
import { ClosedNote, Eligibility, EndOfLifeAlert, Suggestions, TicketBadges } from '../../components/TicketFacts.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { saveDownload } from '../../lib/transfer.ts';
import { useRequest } from '../../lib/forms.ts';
import { PRIORITIES, PRIORITY_LABELS, useNow, usePolled } from '../../lib/support.ts';
import { DeskClose, DeskReply } from './DeskReply.tsx';
import { DeskVerifications } from './DeskVerifications.tsx';

/** SUP-2, SUP-4: priority (which sets the targets) and the critical-defect mark of a limited-support ticket. */
function Triage({ ticket, onChanged }: { ticket: DeskTicket; onChanged: (t: DeskTicket, notice: string) => void }) {
  const { loading, error, run } = useRequest();
  const canMarkDefect = ticket.eligibility.level === 'limited' || ticket.criticalDefect;

  async function patch(p: { priority?: TicketPriority; criticalDefect?: boolean }, notice: string) {
    const result = await run(() => api.deskUpdate(ticket.id, p));
    if (result.ok) onChanged(result.value, notice);
  }

  return (
    <Section title="Triage">
      <Stack gap="sm">
        <ProblemAlert message={error?.detail} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <NativeSelect
            label="Priority"
            description="Sets the service-level targets."
            data={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
            value={ticket.priority}
            disabled={loading}
            onChange={(e) => {
              const priority = e.currentTarget.value as TicketPriority;
              void patch({ priority }, `Priority set to ${PRIORITY_LABELS[priority]}.`);
            }}
            maw={280}
          />
          <Switch
            label="Critical defect affecting the customer base"
            description={
              canMarkDefect
                ? 'A limited-support ticket marked as a critical defect gets answered within the targets.'
                : 'Only a ticket with limited support needs this mark: this one has full support.'
            }
            checked={ticket.criticalDefect}
            disabled={loading || !canMarkDefect}
            onChange={(e) => {
              const criticalDefect = e.currentTarget.checked;
              void patch({ criticalDefect }, criticalDefect ? 'Marked as a critical defect.' : 'No longer marked as a critical defect.');
            }}
          />
        </SimpleGrid>
      </Stack>
    </Section>
  );
}

/** SUP-1..SUP-6: one ticket at the desk. */
export default function DeskTicketPage({ ticketId }: { ticketId: string }) {
  const now = useNow();
  const fetchTicket = useCallback(() => api.deskTicket(ticketId), [ticketId]);
  const loaded = usePolled(fetchTicket);
  const { data: ticket, set, reload } = loaded;
  const [notice, setNotice] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  async function download(a: TicketAttachment) {
    setDownloadError(null);
    try {
      saveDownload(await api.deskAttachment(ticketId, a));
    } catch (e) {
      setDownloadError(toApiError(e).detail);
    }
  }

  const changed = useCallback(
    (t: DeskTicket, message: string) => {
      set(t);
      setNotice(message);
    },
    [set],
  );

  if (!ticket) {
    return (
      <DetailFallback
        noun="Ticket"
        error={loaded.error}
        loading={loaded.loading}
        onRetry={() => void reload()}
        back={<AppLink to="/staff/support">Back to the queue</AppLink>}
      />
    );
  }

  return (
    <>
      <PageHeader
        title={ticket.subject}
        documentTitle={`Desk: ${ticket.subject}`}
        description={`${ticket.orgName} · opened ${formatDateTime(ticket.createdAt)} ${ticket.channel === 'email' ? 'by email' : 'on the web'}${ticket.systemVersion ? ` · ${ticket.systemVersion}` : ''}`}
      />
      <Stack gap="lg">
        <Group justify="space-between" align="center" wrap="wrap">
          <TicketBadges ticket={ticket} audience="staff" />
          <AppLink to="/staff/support">Back to the queue</AppLink>
        </Group>
        {notice && (
          <Text c="teal.8" role="status">
            {notice}
          </Text>
        )}
        <ProblemAlert message={loaded.error?.detail} />
        <EndOfLifeAlert ticket={ticket} audience="staff" />
        <ClosedNote ticket={ticket} />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Section title="Eligibility">
            <Eligibility ticket={ticket} audience="staff" />
          </Section>
          <Section title="Suggested articles">
            <Suggestions suggestions={ticket.suggestions} />
          </Section>
        </SimpleGrid>
        <Section title="Service-level targets">
          <DueTimes ticket={ticket} now={now} audience="staff" />
        </Section>
        {ticket.status !== 'closed' && <Triage ticket={ticket} onChanged={changed} />}
        <Section title="Conversation">
          <ProblemAlert message={downloadError} />
          <TicketConversation messages={ticket.messages} audience="staff" onDownload={(a) => void download(a)} />
        </Section>
        {ticket.status !== 'closed' && <DeskReply ticket={ticket} onChanged={changed} />}
        {ticket.status !== 'closed' && <DeskClose ticket={ticket} onChanged={changed} />}
        <DeskVerifications
          ticket={ticket}
          onChanged={(message) => {
            setNotice(message);
            void reload();
          }}
        />
      </Stack>
    </>
  );
}
