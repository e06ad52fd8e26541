import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type Ticket, type TicketAttachment, api, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { AttachmentPicker, type PickedFile, toAttachments } from '../../components/AttachmentPicker.tsx';
import { DetailFallback } from '../../components/DetailFallback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { DueTimes } from '../../components/SupportTimes.tsx';
import { TicketConversation } from '../../components/TicketConversation.tsx';
import { ClosedNote, Eligibility, EndOfLifeAlert, Suggestions, TicketBadges } from '../../components/TicketFacts.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useNow, usePolled } from '../../lib/support.ts';
import { saveDownload } from '../../lib/transfer.ts';
import { useSignedIn } from '../../session.tsx';

function ReplyForm({ orgId, ticket, onSent }: { orgId: string; ticket: Ticket; onSent: (t: Ticket) => void }) {
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [missing, setMissing] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['body', 'attachments']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) {
      setMissing('Write your reply first.');
      return;
    }
    setMissing(null);
    const result = await run(() =>
      api.replyToTicket(orgId, ticket.id, { body, ...(files.length > 0 ? { attachments: toAttachments(files) } : {}) }),
    );
    if (result.ok) {
      setBody('');
      setFiles([]);
      onSent(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Reply to the ticket">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <Textarea
          label="Your reply"
          description={ticket.status === 'closed' ? 'Replying reopens the ticket.' : undefined}
          autosize
          minRows={4}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={missing ?? errors.field('body')}
        />
        <AttachmentPicker files={files} onChange={setFiles} error={errors.field('attachments')} />
        <Group>
          <Button type="submit" loading={loading}>
            Send reply
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** SUP-1..SUP-4, SUP-7: one ticket as its organization's admins see it. */
export default function SupportTicketPage({ ticketId }: { ticketId: string }) {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const now = useNow();
  const fetchTicket = useCallback(() => api.getTicket(orgId, ticketId), [orgId, ticketId]);
  const loaded = usePolled(fetchTicket);
  const { data: ticket, set: setTicket } = loaded;
  const [notice, setNotice] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const resolving = useRequest();

  async function download(a: TicketAttachment) {
    setDownloadError(null);
    try {
      saveDownload(await api.ticketAttachment(orgId, ticketId, a));
    } catch (e) {
      setDownloadError(toApiError(e).detail);
    }
  }

  async function resolve() {
    setNotice(null);
    const result = await resolving.run(() => api.resolveTicket(orgId, ticketId));
    if (result.ok) {
      setTicket(result.value);
      setNotice('The ticket is closed as resolved. Reply to it if the problem comes back.');
    }
  }

  if (!ticket) {
    return (
      <DetailFallback
        noun="Ticket"
        error={loaded.error}
        loading={loaded.loading}
        onRetry={() => void loaded.reload()}
        back={<AppLink to="/console/support">Back to support</AppLink>}
      />
    );
  }

  return (
    <>
      <PageHeader
        title={ticket.subject}
        documentTitle={`Ticket: ${ticket.subject}`}
        description={`Opened on ${formatDateTime(ticket.createdAt)} ${ticket.channel === 'email' ? 'by email' : 'on the web'}${ticket.systemVersion ? ` · ${ticket.systemVersion}` : ''}`}
      />
      <Stack gap="lg">
        <Group justify="space-between" align="center" wrap="wrap">
          <TicketBadges ticket={ticket} audience="customer" />
          <AppLink to="/console/support">All tickets</AppLink>
        </Group>
        {notice && (
          <Text c="teal.8" role="status">
            {notice}
          </Text>
        )}
        <ProblemAlert message={loaded.error?.detail} />
        <EndOfLifeAlert ticket={ticket} audience="customer" />
        <ClosedNote ticket={ticket} />
        <Section title="Level of support">
          <Eligibility ticket={ticket} audience="customer" />
        </Section>
        <Section title="When to expect an answer">
          <DueTimes ticket={ticket} now={now} audience="customer" />
        </Section>
        <Section title="Articles that may help" description="From the knowledge base, matched to your ticket.">
          <Suggestions suggestions={ticket.suggestions} />
        </Section>
        <Section title="Conversation">
          <ProblemAlert message={downloadError} />
          <TicketConversation messages={ticket.messages} audience="customer" onDownload={(a) => void download(a)} />
          <ReplyForm orgId={orgId} ticket={ticket} onSent={setTicket} />
          {ticket.status !== 'closed' && (
            <Stack gap={4}>
              <ProblemAlert message={resolving.error?.detail} />
              <Group>
                <Button variant="light" color="teal" onClick={() => void resolve()} loading={resolving.loading}>
                  Mark resolved
                </Button>
                <Text size="sm" c="dimmed">
                  Closes the ticket: the problem is solved or the question answered.
                </Text>
              </Group>
            </Stack>
          )}
        </Section>
      </Stack>
    </>
  );
}
