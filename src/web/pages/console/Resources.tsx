import { Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type ClientSecret, type Resource, type ResourceKind, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { KINDS, PAGE_SIZE, kindLabel } from '../../lib/directory.ts';
import { formatDate } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { usePaged } from '../../lib/paged.ts';
import { useSignedIn } from '../../session.tsx';
import { NewClientSecret, SsoFields, emptySsoForm, settingsOf } from './SingleSignOn.tsx';
import { NewSharedSecret, RadiusClientsField, clientsOf } from './RadiusNetwork.tsx';

const isKind = (v: string): v is ResourceKind => KINDS.some((k) => k.value === v);

function AddResource({ orgId, onCreated }: { orgId: string; onCreated: (r: Resource, secret: ClientSecret | null, sharedSecret: string | null) => void }) {
  const [kind, setKind] = useState<ResourceKind>('system');
  const [name, setName] = useState('');
  const [sso, setSso] = useState(emptySsoForm);
  const [clients, setClients] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['kind', 'name']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const settings = kind === 'application' ? settingsOf(sso) : kind === 'network' ? { clients: clientsOf(clients) } : {};
    const result = await run(() => api.createResource(orgId, { kind, name: name.trim(), ...(Object.keys(settings).length > 0 ? { settings } : {}) }));
    if (result.ok) {
      const { clientId, clientSecret, sharedSecret, ...resource } = result.value;
      setName('');
      setSso(emptySsoForm());
      setClients('');
      onCreated(resource, clientId && clientSecret ? { clientId, clientSecret } : null, sharedSecret ?? null);
    }
  }

  return (
    <Section
      title="New resource"
      description="A system (servers), an application or a network. Only users granted access may use it."
    >
      <form onSubmit={submit} noValidate aria-label="Add a resource">
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <Group align="flex-start" gap="md" wrap="wrap">
            <NativeSelect
              label="Kind"
              value={kind}
              onChange={(e) => {
                const v = e.currentTarget.value;
                if (isKind(v)) setKind(v);
              }}
              data={KINDS.map((k) => ({ value: k.value, label: k.label }))}
              error={errors.field('kind')}
              w={{ base: '100%', sm: 180 }}
            />
            <TextInput label="Resource name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.field('name')} w={{ base: '100%', sm: 320 }} />
          </Group>
          {kind === 'application' && <SsoFields value={sso} onChange={setSso} />}
          {kind === 'network' && <RadiusClientsField value={clients} onChange={setClients} />}
          <Group>
            <Button type="submit" loading={loading}>
              Add resource
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** DIR-2, DIR-3: the organization's resources; access is granted on each one's page. */
export default function ResourcesPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [notice, setNotice] = useState<Resource | null>(null);
  const [secret, setSecret] = useState<ClientSecret | null>(null);
  const [sharedSecret, setSharedSecret] = useState<string | null>(null);
  const fetchPage = useCallback((cursor: string | undefined) => api.listResources(orgId, { limit: PAGE_SIZE, cursor }), [orgId]);
  const list = usePaged(fetchPage);

  return (
    <>
      <PageHeader title="Resources" description="Systems, applications and networks your users sign in to." />
      <VerifyEmailNotice consequence="Until then, you cannot manage resources." />
      <Stack gap="lg">
        <AddResource
          orgId={orgId}
          onCreated={(r, s, shared) => {
            setNotice(r);
            setSecret(s);
            setSharedSecret(shared);
            list.update((items) => [r, ...items.filter((x) => x.id !== r.id)]);
          }}
        />
        {notice && (
          <Text c="teal.8" role="status">
            {`${notice.name} was added. `}
            <AppLink to={`/console/resources/${encodeURIComponent(notice.id)}`}>Grant access to it</AppLink>
          </Text>
        )}
        {secret && <NewClientSecret secret={secret} onDone={() => setSecret(null)} />}
        {sharedSecret && <NewSharedSecret secret={sharedSecret} onDone={() => setSharedSecret(null)} />}

        <ProblemAlert message={list.error?.detail} />
        {list.items === null && list.loading && <PageLoader label="Loading resources…" minHeight={160} />}
        {list.items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={480}>
              <Table data-testid="resources-table" style={{ whiteSpace: 'nowrap' }} striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Name</Table.Th>
                    <Table.Th scope="col">Kind</Table.Th>
                    <Table.Th scope="col">Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <AppLink to={`/console/resources/${encodeURIComponent(r.id)}`} fw={500}>
                          {r.name}
                        </AppLink>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="outline" color="gray" style={WHOLE}>
                          {kindLabel(r.kind)}
                        </Badge>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(r.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                No resources yet.
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
