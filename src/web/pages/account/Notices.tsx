import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type Notice, domainsApi } from '../../api/domains.ts';
import { toApiError } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';

function NoticeRow({ notice, onRead }: { notice: Notice; onRead: (n: Notice) => void }) {
  const read = useRequest();
  const labelId = `notice-${notice.id}`;
  const unread = notice.readAt === null;

  async function markRead() {
    const r = await read.run(() => domainsApi.markNoticeRead(notice.id));
    if (r.ok) onRead(r.value);
  }

  return (
    <li data-testid="notice" data-kind={notice.kind} data-unread={unread ? 'true' : 'false'} style={{ listStyle: 'none', padding: '12px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Stack gap={6}>
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="xs" id={labelId}>
            <Text fw={unread ? 700 : 500}>{notice.title}</Text>
            {unread && (
              <Badge color="blue" variant="light">
                New
              </Badge>
            )}
          </Group>
          {unread && (
            <Button size="xs" variant="light" onClick={markRead} loading={read.loading} aria-describedby={labelId}>
              Mark read
            </Button>
          )}
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-line' }} c={unread ? undefined : 'dimmed'}>
          {notice.body}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(notice.createdAt)}
          {notice.readAt ? ` · read ${formatDateTime(notice.readAt)}` : ''}
        </Text>
        <ProblemAlert message={read.error?.detail} />
      </Stack>
    </li>
  );
}

/**
 * GOV-3: the in-app notices about the account (an organization taking control of it, or letting
 * go), newest first, until the person marks them read. Shown only when there are some.
 */
export function NoticesSection() {
  const [notices, setNotices] = useState<Notice[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    domainsApi
      .notices()
      .then((r) => {
        setNotices(r.items);
        setError(null);
      })
      .catch((e: unknown) => setError(toApiError(e).detail));
  }, []);
  useEffect(() => load(), [load]);

  if (error) return <ProblemAlert message={error} />;
  if (!notices || notices.length === 0) return null;
  const unread = notices.filter((n) => n.readAt === null).length;
  return (
    <Section title="Notices" description={unread > 0 ? `${unread} new notice${unread === 1 ? '' : 's'} about your account.` : 'Notices about your account.'}>
      <ul data-testid="notices" aria-label="Notices" style={{ margin: 0, padding: 0 }}>
        {notices.map((n) => (
          <NoticeRow key={n.id} notice={n} onRead={(r) => setNotices((list) => (list ?? []).map((x) => (x.id === r.id ? r : x)))} />
        ))}
      </ul>
    </Section>
  );
}
