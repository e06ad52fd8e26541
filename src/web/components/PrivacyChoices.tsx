import { Badge, Button, Group, Stack, Switch, Table, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type ConsentEvent, type PurposeName, api } from '../api.ts';
import { useConsent } from '../lib/consent.tsx';
import { formatDateTime } from '../lib/format.ts';
import { GpcHonored } from './GpcHonored.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const LABELS: Record<PurposeName, string> = {
  analytics: 'Site analytics',
  advertising: 'Advertising',
  marketing_email: 'Marketing email',
  partner_sharing: 'Sharing with partners',
  personalization: 'Personalization',
  direct_mail: 'Direct mail',
  telemarketing: 'Telemarketing',
  profile_combination: 'Combining earlier activity',
  profile_sharing: 'Profile sharing',
};

const SOURCES: Record<string, string> = {
  banner: 'banner',
  preferences: 'preferences',
  signup: 'sign-up form',
  email_link: 'email link',
  gpc: 'Global Privacy Control',
  api: 'API',
  staff: 'staff, at your request',
};

/**
 * PRV-3, PRV-4: each purpose with its rule and a switch, and the history of
 * every recorded choice. For a visitor on the public page and for the
 * signed-in user on their account alike: the server knows whose choices these are.
 */
export function PrivacyChoices() {
  const { state, choose } = useConsent();
  const [saving, setSaving] = useState<PurposeName | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<ConsentEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);

  const loadHistory = useCallback(async (from?: string) => {
    try {
      const page = await api.consentHistory(from);
      setHistory((h) => (from ? [...h, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch {
      setError('The history could not be loaded.');
    }
  }, []);
  useEffect(() => {
    if (state) void loadHistory();
  }, [state, loadHistory]);

  if (!state) return <Text c="dimmed">Loading your choices…</Text>;

  async function toggle(purpose: PurposeName, granted: boolean) {
    setSaving(purpose);
    setError(null);
    try {
      await choose([{ purpose, granted }], 'preferences');
    } catch {
      setError('Your choice could not be saved. Try again.');
    } finally {
      setSaving(null);
    }
  }

  return (
    <Stack gap="lg">
      {state.gpc.honored && <GpcHonored />}
      <ProblemAlert message={error ?? undefined} />
      <Stack gap="sm">
        {state.purposes.map((p) => (
          <Group key={p.purpose} justify="space-between" wrap="nowrap" align="flex-start" data-testid={`purpose-${p.purpose}`}>
            <Stack gap={2}>
              <Group gap="xs">
                <Text fw={600}>{LABELS[p.purpose]}</Text>
                <Badge variant="light" color={p.rule === 'opt_in' ? 'grape' : 'gray'} size="sm" tt="none">
                  {p.rule === 'opt_in' ? 'only if you opt in' : 'until you opt out'}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {p.description}
              </Text>
              <Text size="xs" c="dimmed">
                {p.recorded ? `Your choice, by ${SOURCES[p.source ?? ''] ?? p.source}, ${formatDateTime(p.at ?? '')}` : 'Nothing recorded: the rule applies.'}
              </Text>
            </Stack>
            <Switch
              aria-label={LABELS[p.purpose]}
              checked={p.allowed}
              disabled={saving !== null}
              onChange={(e) => toggle(p.purpose, e.currentTarget.checked)}
              size="md"
            />
          </Group>
        ))}
      </Stack>
      <Stack gap="xs">
        <Text fw={600}>History</Text>
        {history.length === 0 ? (
          <Text size="sm" c="dimmed">
            No choices recorded yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Purpose</Table.Th>
                  <Table.Th>Choice</Table.Th>
                  <Table.Th>How</Table.Th>
                  <Table.Th>Policy</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{formatDateTime(e.at)}</Table.Td>
                    <Table.Td>{LABELS[e.purpose as PurposeName] ?? e.purpose}</Table.Td>
                    <Table.Td>{e.granted ? 'allowed' : 'refused'}</Table.Td>
                    <Table.Td>{SOURCES[e.source] ?? e.source}</Table.Td>
                    <Table.Td>{e.policyVersion === null ? '—' : `version ${e.policyVersion}`}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {cursor && (
          <Button variant="subtle" onClick={() => loadHistory(cursor)} w="fit-content">
            Show older choices
          </Button>
        )}
      </Stack>
    </Stack>
  );
}
