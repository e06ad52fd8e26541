import { Button, Group, Paper, Stack, Table, Text, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Resource, api } from '../../api.ts';
import { type RadiusSession, radiusApi } from '../../api/radius.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';

/** The clients field's text (one address or range per line) from a network's settings, and back. */
export const clientsText = (settings: Record<string, unknown>) => (Array.isArray(settings.clients) ? settings.clients.filter((c) => typeof c === 'string').join('\n') : '');
export const clientsOf = (text: string) =>
  text
    .split(/[\r\n,]+/)
    .map((l) => l.trim())
    .filter(Boolean);

/** PRO-3: the NASes allowed to ask, as the admin types them. */
export function RadiusClientsField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string | undefined }) {
  return (
    <Textarea
      label="RADIUS clients"
      description="The addresses or CIDR ranges of your Wi-Fi controllers, VPN gateways or switches, one per line (IPv4 or IPv6), such as 10.0.0.0/24."
      placeholder={'10.0.0.0/24\n192.0.2.7'}
      autosize
      minRows={2}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      w={{ base: '100%', sm: 420 }}
    />
  );
}

/** A network's shared secret, just made or rotated: shown this once, to copy. */
export function NewSharedSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      title="The RADIUS shared secret"
      note="Copy it now: it will not be shown again. Enter it on each RADIUS client of this network."
      testId="shared-secret"
      values={[{ value: secret, copyLabel: 'Copy the shared secret', testId: 'shared-secret-value', secret: true }]}
      onDone={onDone}
    />
  );
}

const octets = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

function RecentSessions({ orgId, networkId }: { orgId: string; networkId: string }) {
  const [items, setItems] = useState<RadiusSession[] | null>(null);
  const load = useRequest();
  const { run } = load;
  const refresh = useCallback(async () => {
    const r = await run(() => radiusApi.radiusSessions(orgId, { networkId, limit: 20 }));
    if (r.ok) setItems(r.value.items);
  }, [orgId, networkId, run]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={600}>Recent sessions</Text>
        <Button size="xs" variant="default" onClick={() => void refresh()} loading={load.loading}>
          Refresh
        </Button>
      </Group>
      <ProblemAlert message={load.error?.detail} />
      {items !== null && items.length === 0 && (
        <Text size="sm" c="dimmed" role="status">
          No accounting yet: sessions appear here once the network's equipment sends accounting to this server.
        </Text>
      )}
      {items !== null && items.length > 0 && (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table data-testid="radius-sessions" striped verticalSpacing="xs" horizontalSpacing="sm" style={{ whiteSpace: 'nowrap' }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">User</Table.Th>
                  <Table.Th scope="col">Started</Table.Th>
                  <Table.Th scope="col">State</Table.Th>
                  <Table.Th scope="col">Time</Table.Th>
                  <Table.Th scope="col">Down / up</Table.Th>
                  <Table.Th scope="col">Device</Table.Th>
                  <Table.Th scope="col">NAS</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{s.userName || '—'}</Table.Td>
                    <Table.Td>{formatDateTime(s.startedAt)}</Table.Td>
                    <Table.Td>{s.status === 'stopped' ? `ended ${s.stoppedAt ? formatDateTime(s.stoppedAt) : ''}` : 'open'}</Table.Td>
                    <Table.Td>{`${Math.floor(s.sessionSeconds / 60)} min`}</Table.Td>
                    <Table.Td>{`${octets(s.outputOctets)} / ${octets(s.inputOctets)}`}</Table.Td>
                    <Table.Td>{s.callingStationId ?? '—'}</Table.Td>
                    <Table.Td>{s.nasAddress}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  );
}

/**
 * PRO-3: a network resource's RADIUS page: the clients allowed to ask, the shared secret (rotated
 * and shown once) and the recent accounting sessions. Only users granted access get Access-Accept.
 */
export function RadiusNetwork({ orgId, resource, onSaved }: { orgId: string; resource: Resource; onSaved: (r: Resource) => void }) {
  const [clients, setClients] = useState(() => clientsText(resource.settings));
  const [saved, setSaved] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const save = useRequest();
  const rotate = useRequest();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const result = await save.run(() => api.updateResource(orgId, resource.id, { settings: { ...resource.settings, clients: clientsOf(clients) } }));
    if (result.ok) {
      setSaved(true);
      setClients(clientsText(result.value.settings));
      onSaved(result.value);
    }
  }

  async function rotateSecret() {
    const result = await rotate.run(() => radiusApi.rotateSharedSecret(orgId, resource.id));
    if (result.ok) {
      setConfirming(false);
      setSecret(result.value.sharedSecret);
    }
  }

  return (
    <Section
      title="RADIUS"
      description="Wi-Fi controllers and VPN gateways listed here ask Castellan whether a user may join, over the RADIUS ports (1812 and 1813 by default): PAP with Message-Authenticator, and accounting. Only users granted access get in; a suspended user is refused at once."
    >
      <Stack gap="md">
        <form onSubmit={submit} noValidate aria-label={`RADIUS clients of ${resource.name}`}>
          <Stack gap="sm">
            <ProblemAlert message={save.error?.detail} />
            <RadiusClientsField value={clients} onChange={setClients} />
            <Group>
              <Button type="submit" loading={save.loading}>
                Save clients
              </Button>
            </Group>
            {saved && (
              <Text size="sm" c="teal.8" role="status">
                Saved.
              </Text>
            )}
          </Stack>
        </form>
        <Stack gap="xs" align="flex-start">
          {secret ? (
            <NewSharedSecret secret={secret} onDone={() => setSecret(null)} />
          ) : (
            <Button variant="default" onClick={() => setConfirming(true)}>
              Rotate the shared secret
            </Button>
          )}
          <ConfirmModal
            opened={confirming}
            title="Rotate the shared secret?"
            confirmLabel="Rotate the shared secret"
            onCancel={() => setConfirming(false)}
            onConfirm={() => void rotateSecret()}
            loading={rotate.loading}
            error={rotate.error?.detail ?? null}
          >
            <Text size="sm">Every RADIUS client of this network stops being answered until you enter the new secret on it: at once on this server, and within seconds (10 by default) on the other servers of a cluster.</Text>
          </ConfirmModal>
        </Stack>
        <RecentSessions orgId={orgId} networkId={resource.id} />
      </Stack>
    </Section>
  );
}
