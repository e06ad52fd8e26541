import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type SessionInfo, api, toApiError } from '../../api.ts';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { describeUserAgent, formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';

function SessionRow({ session, onRevoked }: { session: SessionInfo; onRevoked: (id: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const labelId = `session-${session.id}`;

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await api.revokeSession(session.id);
      onRevoked(session.id);
    } catch (e) {
      const err = toApiError(e);
      if (err.status === 404) onRevoked(session.id);
      else setError(err.detail);
      setBusy(false);
    }
  }

  return (
    <li style={{ listStyle: 'none', padding: '12px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Stack gap={2} id={labelId} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Group gap="xs">
            <Text fw={500}>{describeUserAgent(session.userAgent)}</Text>
            {session.current && (
              <Badge variant="light" color="teal">
                This device
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {session.ip ? `IP ${session.ip} · ` : ''}Signed in {formatDateTime(session.createdAt)} · Last active{' '}
            {formatDateTime(session.lastSeenAt)}
          </Text>
        </Stack>
        {!session.current && (
          <Button variant="light" size="sm" color="red" onClick={revoke} loading={busy} aria-describedby={labelId}>
            Revoke
          </Button>
        )}
      </Group>
      {error && (
        <Stack mt="xs">
          <ProblemAlert message={error} />
        </Stack>
      )}
    </li>
  );
}

/** ACC-6: the user's active sessions; any but this one can be revoked. */
export function SessionsSection({ version }: { version: number }) {
  const [items, setItems] = useState<SessionInfo[] | null>(null);
  const { error, run, loading } = useRequest();

  const fetchSessions = run;
  const load = useCallback(() => {
    void fetchSessions(() => api.listSessions()).then((r) => {
      if (r.ok) setItems([...r.value.items].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt)));
    });
  }, [fetchSessions]);
  useEffect(() => load(), [load, version]);

  return (
    <Section title="Sessions" description="Where you are signed in. Revoke any session you do not recognize.">
      {error && (
        <Stack gap="sm" align="flex-start">
          <ProblemAlert message={error.detail} />
          <Button variant="default" onClick={load} loading={loading}>
            Try again
          </Button>
        </Stack>
      )}
      {items === null && !error && <PageLoader label="Loading sessions…" minHeight={80} />}
      {items !== null && (
        <ul data-testid="sessions" style={{ margin: 0, padding: 0 }}>
          {items.map((s) => (
            <SessionRow key={s.id} session={s} onRevoked={(id) => setItems((list) => list?.filter((x) => x.id !== id) ?? null)} />
          ))}
        </ul>
      )}
    </Section>
  );
}
