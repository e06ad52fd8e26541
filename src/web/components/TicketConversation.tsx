import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import type { TicketAttachment, TicketMessage } from '../api.ts';
import { formatDateTime } from '../lib/format.ts';
import { formatBytes } from '../lib/support.ts';
import { WHOLE } from './DirectoryBadges.tsx';

const AUTHOR_LABELS: Record<TicketMessage['author']['kind'], { customer: string; staff: string; color: string }> = {
  customer: { customer: 'Your organization', staff: 'Customer', color: 'blue' },
  staff: { customer: 'Castellan support', staff: 'Support', color: 'teal' },
  system: { customer: 'Automatic', staff: 'System', color: 'gray' },
};

function Attachments({ items, onDownload }: { items: TicketAttachment[]; onDownload?: (a: TicketAttachment) => void }) {
  if (items.length === 0) return null;
  return (
    <Group gap="xs" wrap="wrap" aria-label="Attachments" role="group">
      {items.map((a) =>
        onDownload ? (
          <Button key={a.id} size="compact-sm" variant="default" onClick={() => onDownload(a)} aria-label={`Download ${a.filename} (${formatBytes(a.size)})`}>
            {`${a.filename} · ${formatBytes(a.size)}`}
          </Button>
        ) : (
          <Badge key={a.id} variant="outline" color="gray" style={WHOLE}>
            {`${a.filename} · ${formatBytes(a.size)}`}
          </Badge>
        ),
      )}
    </Group>
  );
}

/** The ticket's messages, oldest first, as one list. */
export function TicketConversation({
  messages,
  audience,
  onDownload,
}: {
  messages: TicketMessage[];
  audience: 'customer' | 'staff';
  onDownload?: (a: TicketAttachment) => void;
}) {
  if (messages.length === 0) return <Text c="dimmed">No messages yet.</Text>;
  return (
    <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Conversation" data-testid="conversation">
      {messages.map((m) => {
        const who = AUTHOR_LABELS[m.author.kind];
        return (
          <Paper
            component="li"
            key={m.id}
            withBorder
            radius="md"
            p="md"
            bg={m.author.kind === 'staff' ? 'var(--mantine-color-teal-0)' : undefined}
          >
            <Stack gap="xs">
              <Group justify="space-between" gap="xs" wrap="wrap">
                <Group gap="xs" wrap="wrap">
                  <Text fw={600}>{m.author.name}</Text>
                  <Badge size="sm" variant="light" color={who.color} style={WHOLE}>
                    {who[audience]}
                  </Badge>
                  {m.author.kind === 'customer' && m.channel === 'email' && (
                    <Badge size="sm" variant="outline" color="gray" style={WHOLE}>
                      By email
                    </Badge>
                  )}
                  {m.autoSubmitted && (
                    <Badge size="sm" variant="outline" color="gray" style={WHOLE}>
                      Automatic reply
                    </Badge>
                  )}
                </Group>
                <Text size="sm" c="dimmed">
                  <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
                </Text>
              </Group>
              <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{m.body}</Text>
              <Attachments items={m.attachments} onDownload={onDownload} />
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
