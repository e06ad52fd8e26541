import { Badge, Button, Checkbox, Code, Group, List, NativeSelect, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type CatalogueEntry, type Delivery, type InstalledIntegration, type Integration, type IntegrationType, integrationsApi } from '../../api/integrations.ts';
import { toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { formatDate } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';

const FIELDS = ['type', 'name', 'recipient.name', 'recipient.postalAddress', 'settings.url', 'settings.events', 'settings.redirectUris'];

/** GOV-5, PRV-9: what an integration of this type receives, as the disclosure ledger records it. */
function CatalogueItem({ entry, onPick }: { entry: CatalogueEntry; onPick: () => void }) {
  const id = `catalogue-${entry.type}`;
  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }} data-testid={id}>
      <Stack gap={6} id={id}>
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{entry.title}</Text>
          <Button size="xs" variant="light" onClick={onPick} aria-describedby={id}>
            Install
          </Button>
        </Group>
        <Text size="sm">{entry.description}</Text>
        <Text size="sm" fw={500}>
          Personal data it receives:
        </Text>
        <List size="sm" data-testid={`${id}-categories`}>
          {entry.categoryLabels.map((label) => (
            <List.Item key={label}>{label}</List.Item>
          ))}
        </List>
        <Text size="sm" c="dimmed">
          Recorded in the disclosure ledger with the recipient you name, for: {entry.purpose}.
        </Text>
      </Stack>
    </li>
  );
}

function InstallForm({ orgId, catalogue, events, type, setType, onInstalled }: { orgId: string; catalogue: CatalogueEntry[]; events: string[]; type: IntegrationType; setType: (t: IntegrationType) => void; onInstalled: (i: InstalledIntegration) => void }) {
  const [name, setName] = useState('');
  const [recipientName, setRecipientName] = useState('');
  const [postalAddress, setPostalAddress] = useState('');
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<string[]>(events);
  const [redirectUris, setRedirectUris] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, FIELDS);
  const entry = catalogue.find((c) => c.type === type);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const settings =
      type === 'webhook'
        ? { url: url.trim(), events: chosen }
        : { redirectUris: redirectUris.split('\n').map((u) => u.trim()).filter(Boolean) };
    const result = await run(() => integrationsApi.install(orgId, { type, name: name.trim(), recipient: { name: recipientName.trim(), postalAddress: postalAddress.trim() }, settings }));
    if (result.ok) {
      setName('');
      setUrl('');
      setRedirectUris('');
      onInstalled(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Install an integration">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <NativeSelect label="Integration" data={catalogue.map((c) => ({ value: c.type, label: c.title }))} value={type} onChange={(e) => setType(e.currentTarget.value as IntegrationType)} w={{ base: '100%', sm: 360 }} />
        {entry && (
          <Text size="sm" c="dimmed" data-testid="install-categories">
            It will receive: {entry.categories.join(', ')}.
          </Text>
        )}
        <TextInput id="integration-name" label="Name" description="What it is, such as “HR sync”." value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.field('name')} autoComplete="off" w={{ base: '100%', sm: 360 }} />
        <TextInput
          label="Recipient"
          description="The company (or person) that receives the data."
          value={recipientName}
          onChange={(e) => setRecipientName(e.currentTarget.value)}
          error={errors.field('recipient.name')}
          autoComplete="off"
          w={{ base: '100%', sm: 360 }}
        />
        <Textarea
          label="Recipient’s postal address"
          description="Recorded in the disclosure ledger with the data it receives."
          value={postalAddress}
          onChange={(e) => setPostalAddress(e.currentTarget.value)}
          error={errors.field('recipient.postalAddress')}
          autosize
          minRows={2}
          w={{ base: '100%', sm: 480 }}
        />
        {type === 'webhook' ? (
          <>
            <TextInput
              label="Endpoint URL"
              description="An https URL on a public address."
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={errors.field('settings.url')}
              autoComplete="off"
              w={{ base: '100%', sm: 480 }}
            />
            <Checkbox.Group label="Events" value={chosen} onChange={setChosen} error={errors.field('settings.events')}>
              <Group gap="sm" mt={6}>
                {events.map((ev) => (
                  <Checkbox key={ev} value={ev} label={<Code>{ev}</Code>} />
                ))}
              </Group>
            </Checkbox.Group>
          </>
        ) : (
          <Textarea
            label="Redirect URIs"
            description="One per line (https)."
            value={redirectUris}
            onChange={(e) => setRedirectUris(e.currentTarget.value)}
            error={errors.field('settings.redirectUris')}
            autosize
            minRows={2}
            w={{ base: '100%', sm: 480 }}
          />
        )}
        <Group>
          <Button type="submit" loading={loading}>
            Install
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function NewSecret({ installed, onDone }: { installed: InstalledIntegration; onDone: () => void }) {
  const values = [
    ...(installed.signingSecret ? [{ label: 'Signing secret', value: installed.signingSecret, copyLabel: 'Copy the signing secret', testId: 'signing-secret-value', secret: true }] : []),
    ...(installed.clientId ? [{ label: 'Client id', value: installed.clientId, copyLabel: 'Copy the client id', testId: 'client-id-value' }] : []),
    ...(installed.clientSecret ? [{ label: 'Client secret', value: installed.clientSecret, copyLabel: 'Copy the client secret', testId: 'client-secret-value', secret: true }] : []),
  ];
  return (
    <OneTimeSecret title={`${installed.name} is installed`} note="Copy the secret now: it will not be shown again." testId="integration-secret" values={values} onDone={onDone}>
      {installed.signingSecret && (
        <Text size="sm">
          Each delivery carries <Code>Castellan-Signature: t=…,v1=…</Code>: the HMAC-SHA256, with this secret, of the timestamp, a dot and the body.
        </Text>
      )}
    </OneTimeSecret>
  );
}

function Deliveries({ orgId, integration }: { orgId: string; integration: Integration }) {
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    integrationsApi
      .deliveries(orgId, integration.id)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(toApiError(e).detail));
  }, [orgId, integration.id]);
  if (error) return <ProblemAlert message={error} />;
  if (items === null) return <PageLoader label="Loading deliveries…" minHeight={40} />;
  if (items.length === 0) return <Text c="dimmed" size="sm">No delivery yet.</Text>;
  return (
    <Table withTableBorder fz="sm" data-testid="deliveries" aria-label={`Deliveries of ${integration.name}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Attempts</Table.Th>
          <Table.Th>Last answer</Table.Th>
          <Table.Th>Queued</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>
              <Code>{d.eventType}</Code>
            </Table.Td>
            <Table.Td>{d.status}</Table.Td>
            <Table.Td>{d.attempts}</Table.Td>
            <Table.Td>{d.lastError ?? (d.lastHttpStatus === null ? '—' : `HTTP ${d.lastHttpStatus}`)}</Table.Td>
            <Table.Td>{formatDate(d.createdAt)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function IntegrationRow({ orgId, integration, onUninstall }: { orgId: string; integration: Integration; onUninstall: () => void }) {
  const [open, setOpen] = useState(false);
  const labelId = `integration-${integration.id}`;
  const installed = integration.status === 'installed';
  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Stack gap={6}>
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }} id={labelId}>
            <Group gap="xs">
              <Text fw={500}>{integration.name}</Text>
              <Badge variant="light" color={installed ? 'green' : 'gray'}>
                {integration.status}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {integration.type === 'webhook' ? `Webhook to ${String(integration.settings.url ?? '')}` : `OAuth application, client id ${integration.clientId ?? ''}`}
            </Text>
            <Text size="sm">
              Sends {integration.categories.join(', ')} to {integration.recipient.name}, {integration.recipient.postalAddress}
            </Text>
            <Text size="sm" c="dimmed">
              Installed {formatDate(integration.installedAt)}
              {integration.uninstalledAt ? ` · uninstalled ${formatDate(integration.uninstalledAt)}` : ''}
            </Text>
          </Stack>
          <Group gap="xs">
            {integration.type === 'webhook' && (
              <Button size="xs" variant="default" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-describedby={labelId}>
                {open ? 'Hide deliveries' : 'Deliveries'}
              </Button>
            )}
            {installed && (
              <Button size="xs" variant="light" color="red" onClick={onUninstall} aria-describedby={labelId}>
                Uninstall
              </Button>
            )}
          </Group>
        </Group>
        {open && <Deliveries orgId={orgId} integration={integration} />}
      </Stack>
    </li>
  );
}

/**
 * GOV-1, GOV-5: the organization's integrations, for its admins. The catalogue says what personal
 * data each kind receives; installing records it with the recipient in the disclosure ledger
 * (PRV-9) and shows the secret once; uninstalling revokes the credentials and stops deliveries.
 */
export default function IntegrationsPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [catalogue, setCatalogue] = useState<CatalogueEntry[] | null>(null);
  const [events, setEvents] = useState<string[]>([]);
  const [items, setItems] = useState<Integration[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [type, setType] = useState<IntegrationType>('webhook');
  const [fresh, setFresh] = useState<InstalledIntegration | null>(null);
  const [removing, setRemoving] = useState<Integration | null>(null);
  const del = useRequest();

  const refresh = useCallback(() => {
    integrationsApi
      .integrations(orgId)
      .then((r) => {
        setItems(r.items);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(toApiError(e).detail));
  }, [orgId]);
  useEffect(() => {
    integrationsApi
      .catalogue()
      .then((c) => {
        setCatalogue(c.items);
        setEvents(c.webhookEvents);
      })
      .catch((e: unknown) => setLoadError(toApiError(e).detail));
    refresh();
  }, [refresh]);

  async function uninstall() {
    if (!removing) return;
    const r = await del.run(() => integrationsApi.uninstall(orgId, removing.id));
    if (r.ok || r.error.status === 404 || r.error.status === 409) {
      setRemoving(null);
      refresh();
    }
  }

  return (
    <>
      <PageHeader title="Integrations" description="Third-party apps that receive your organization's directory data. Each installation is recorded in the disclosure ledger with what it receives and who receives it." />
      <VerifyEmailNotice consequence="Until then, you cannot manage integrations." />
      <Stack gap="lg">
        <ProblemAlert message={loadError} />
        {fresh && <NewSecret installed={fresh} onDone={() => setFresh(null)} />}
        <Section title="Installed" description="Uninstalling one revokes its credentials and cancels its pending deliveries at once.">
          {items === null && !loadError && <PageLoader label="Loading integrations…" minHeight={60} />}
          {items !== null && (
            <>
              <ul data-testid="integrations" aria-label="Integrations" style={{ margin: 0, padding: 0 }}>
                {items.map((i) => (
                  <IntegrationRow
                    key={i.id}
                    orgId={orgId}
                    integration={i}
                    onUninstall={() => {
                      del.reset();
                      setRemoving(i);
                    }}
                  />
                ))}
              </ul>
              {items.length === 0 && <Text c="dimmed">No integration yet.</Text>}
            </>
          )}
        </Section>
        <Section title="Catalogue" description="What you can install, and the personal data each receives.">
          {catalogue === null && !loadError && <PageLoader label="Loading the catalogue…" minHeight={60} />}
          {catalogue && (
            <ul aria-label="Catalogue" style={{ margin: 0, padding: 0 }}>
              {catalogue.map((c) => (
                <CatalogueItem
                  key={c.type}
                  entry={c}
                  onPick={() => {
                    setType(c.type);
                    // The form is below the catalogue: take the admin to it.
                    document.getElementById('integration-name')?.focus();
                  }}
                />
              ))}
            </ul>
          )}
        </Section>
        {catalogue && events.length > 0 && (
          <Section title="Install an integration">
            <InstallForm
              orgId={orgId}
              catalogue={catalogue}
              events={events}
              type={type}
              setType={setType}
              onInstalled={(i) => {
                setFresh(i);
                refresh();
              }}
            />
          </Section>
        )}
      </Stack>
      <ConfirmModal
        opened={removing !== null}
        title={`Uninstall ${removing?.name ?? 'the integration'}?`}
        confirmLabel="Uninstall"
        onCancel={() => setRemoving(null)}
        onConfirm={uninstall}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">Its credentials stop working and its pending deliveries are cancelled at once. This cannot be undone.</Text>
      </ConfirmModal>
    </>
  );
}
