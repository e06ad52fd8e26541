import { Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { type Group as DirectoryGroup, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { PAGE_SIZE } from '../../lib/directory.ts';
import { formatDate } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { usePaged } from '../../lib/paged.ts';
import { useSignedIn } from '../../session.tsx';

function CreateGroup({ orgId, onCreated, onSubmit }: { orgId: string; onCreated: (g: DirectoryGroup) => void; onSubmit: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name', 'description']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    // A new attempt hides the last "Group … was created": it must not sit beside a new error.
    onSubmit();
    const d = description.trim();
    const result = await run(() => api.createGroup(orgId, { name: name.trim(), ...(d ? { description: d } : {}) }));
    if (result.ok) {
      setName('');
      setDescription('');
      onCreated(result.value);
    }
  }

  return (
    <Section title="New group" description="Members of a group can use every resource the group is granted.">
      <form onSubmit={submit} noValidate aria-label="Create a group">
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <Group align="flex-start" gap="md" wrap="wrap">
            <TextInput label="Group name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.field('name')} w={{ base: '100%', sm: 240 }} />
            <TextInput
              label="Description (optional)"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={errors.field('description')}
              w={{ base: '100%', sm: 360 }}
            />
          </Group>
          <Group>
            <Button type="submit" loading={loading}>
              Create group
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** DIR-2: the organization's groups. */
export default function GroupsPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [notice, setNotice] = useState<DirectoryGroup | null>(null);
  const fetchPage = useCallback((cursor: string | undefined) => api.listGroups(orgId, { limit: PAGE_SIZE, cursor }), [orgId]);
  const list = usePaged(fetchPage);

  return (
    <>
      <PageHeader title="Groups" description="Groups bundle users, so access can be granted to many at once." />
      <VerifyEmailNotice consequence="Until then, you cannot manage groups." />
      <Stack gap="lg">
        <CreateGroup
          orgId={orgId}
          onSubmit={() => setNotice(null)}
          onCreated={(g) => {
            setNotice(g);
            list.update((items) => [g, ...items.filter((x) => x.id !== g.id)]);
          }}
        />
        {notice && (
          <Text c="teal.8" role="status">
            {`Group ${notice.name} was created. `}
            <AppLink to={`/console/groups/${encodeURIComponent(notice.id)}`}>Add its members</AppLink>
          </Text>
        )}

        <ProblemAlert message={list.error?.detail} />
        {list.items === null && list.loading && <PageLoader label="Loading groups…" minHeight={160} />}
        {list.items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={560}>
              <Table data-testid="groups-table" style={{ whiteSpace: 'nowrap' }} striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Name</Table.Th>
                    <Table.Th scope="col">Description</Table.Th>
                    <Table.Th scope="col">Members</Table.Th>
                    <Table.Th scope="col">gidNumber</Table.Th>
                    <Table.Th scope="col">Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((g) => (
                    <Table.Tr key={g.id}>
                      <Table.Td>
                        <AppLink to={`/console/groups/${encodeURIComponent(g.id)}`} fw={500}>
                          {g.name}
                        </AppLink>
                      </Table.Td>
                      <Table.Td>{g.description ?? '—'}</Table.Td>
                      <Table.Td>{g.memberCount}</Table.Td>
                      <Table.Td>{g.gidNumber}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(g.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                No groups yet.
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
