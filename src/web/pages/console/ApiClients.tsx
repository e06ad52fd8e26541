import { Button, Checkbox, Code, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { API_CLIENT_SCOPES, type ApiClient, type ApiClientScope, type CreatedApiClient, apiClientsApi } from '../../api/api-clients.ts';
import { toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { formatDate } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';

/** What each scope lets a client do, in this organization only. */
const SCOPE_HELP: Record<ApiClientScope, string> = {
  'directory:read': 'Read users, groups, resources and access',
  'directory:write': 'Change users (invitations included), groups, resources and access; never roles, admins or the organization’s settings',
  'audit:read': 'Read the audit log',
};

/** The id and secret of a client just made: the secret is shown this once, to copy. */
function NewSecret({ client, onDone }: { client: CreatedApiClient; onDone: () => void }) {
  return (
    <OneTimeSecret
      title={`The secret of ${client.name}`}
      note="Copy it now: it will not be shown again."
      testId="api-client-secret"
      values={[
        { label: 'Client id', value: client.clientId, copyLabel: 'Copy the client id', testId: 'client-id-value' },
        { label: 'Client secret', value: client.clientSecret, copyLabel: 'Copy the client secret', testId: 'client-secret-value', secret: true },
      ]}
      onDone={onDone}
    >
      <Text size="sm">
        A script gets an access token with <Code>POST /oidc/token</Code> (<Code>grant_type=client_credentials</Code>, the id and secret as HTTP Basic), then calls the API
        with <Code>Authorization: Bearer</Code> and the token.
      </Text>
    </OneTimeSecret>
  );
}

function CreateClient({ orgId, onCreated }: { orgId: string; onCreated: (c: CreatedApiClient) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiClientScope[]>(['directory:read']);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name', 'scopes']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => apiClientsApi.createApiClient(orgId, { name: name.trim(), scopes }));
    if (result.ok) {
      setName('');
      onCreated(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="New API client">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <TextInput
          label="Name"
          description="What the script is, such as “nightly user sync”."
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field('name')}
          autoComplete="off"
          w={{ base: '100%', sm: 360 }}
        />
        <Checkbox.Group label="Scopes" description="What its tokens may do, in this organization only." value={scopes} onChange={(v) => setScopes(v as ApiClientScope[])} error={errors.field('scopes')}>
          <Stack gap={6} mt={6}>
            {API_CLIENT_SCOPES.map((s) => (
              <Checkbox key={s} value={s} label={<><Code>{s}</Code> {SCOPE_HELP[s]}</>} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Group>
          <Button type="submit" loading={loading}>
            Create API client
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ClientRow({ client, onRevoke }: { client: ApiClient; onRevoke: () => void }) {
  const labelId = `api-client-${client.id}`;
  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }} id={labelId}>
          <Text fw={500}>{client.name}</Text>
          <Code fz="xs" style={{ wordBreak: 'break-all', alignSelf: 'flex-start' }}>
            {client.clientId}
          </Code>
          <Text size="sm" c="dimmed">
            {client.scopes.join(', ')} · made {formatDate(client.createdAt)}
          </Text>
        </Stack>
        <Button size="xs" variant="light" color="red" onClick={onRevoke} aria-describedby={labelId}>
          Revoke
        </Button>
      </Group>
    </li>
  );
}

/**
 * PRO-2: the organization's API clients: scripts that call the API with access tokens got by client
 * credentials instead of a person's password. Made with chosen scopes (the secret shown once),
 * listed, and revoked (their tokens stop working at once).
 */
export default function ApiClientsPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [clients, setClients] = useState<ApiClient[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<CreatedApiClient | null>(null);
  const [revoking, setRevoking] = useState<ApiClient | null>(null);
  const del = useRequest();

  const refresh = useCallback(() => {
    apiClientsApi
      .apiClients(orgId)
      .then((r) => {
        setClients(r.items);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(toApiError(e).detail));
  }, [orgId]);
  useEffect(() => refresh(), [refresh]);

  async function revoke() {
    if (!revoking) return;
    const r = await del.run(() => apiClientsApi.revokeApiClient(orgId, revoking.id));
    if (r.ok || r.error.status === 404) {
      if (fresh?.id === revoking.id) setFresh(null);
      setRevoking(null);
      refresh();
    }
  }

  return (
    <>
      <PageHeader title="API clients" description="Scripts call the Castellan API with their own credentials, not a person's password and code." />
      <VerifyEmailNotice consequence="Until then, you cannot manage API clients." />
      <Stack gap="lg">
        <Section title="API clients" description="Each one gets access tokens for the scopes chosen here. Revoking one stops its tokens at once.">
          {fresh && <NewSecret client={fresh} onDone={() => setFresh(null)} />}
          <ProblemAlert message={loadError} />
          {clients === null && !loadError && <PageLoader label="Loading API clients…" minHeight={60} />}
          {clients !== null && (
            <>
              <ul data-testid="api-clients" aria-label="API clients" style={{ margin: 0, padding: 0 }}>
                {clients.map((c) => (
                  <ClientRow
                    key={c.id}
                    client={c}
                    onRevoke={() => {
                      del.reset();
                      setRevoking(c);
                    }}
                  />
                ))}
              </ul>
              {clients.length === 0 && <Text c="dimmed">No API client yet.</Text>}
            </>
          )}
        </Section>
        <Section title="New API client">
          <CreateClient
            orgId={orgId}
            onCreated={(c) => {
              setFresh(c);
              refresh();
            }}
          />
        </Section>
      </Stack>
      <ConfirmModal
        opened={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'the API client'}?`}
        confirmLabel="Revoke API client"
        onCancel={() => setRevoking(null)}
        onConfirm={revoke}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">Scripts that use it stop working at once, tokens already issued included. This cannot be undone.</Text>
      </ConfirmModal>
    </>
  );
}
