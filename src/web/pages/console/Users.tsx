import { Badge, Button, Group, Loader, NativeSelect, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useState } from 'react';
import { type User, type UserSort, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { StatusBadge, roleLabel, WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { PAGE_SIZE } from '../../lib/directory.ts';
import { useOutcome } from '../../lib/forms.ts';
import { usePaged } from '../../lib/paged.ts';
import { importSummary } from '../../lib/transfer.ts';
import { useSignedIn } from '../../session.tsx';
import { InviteUserModal } from './InviteUser.tsx';
import { UserActions } from './UserActions.tsx';
import { ExportUsersButtons, ImportUsersModal } from './UserTransfer.tsx';

/** The orders the list offers: by name first (the default), as an admin reads a directory. */
const ORDERS: { value: string; label: string; sort: UserSort; order: 'asc' | 'desc' }[] = [
  { value: 'name', label: 'Name (A to Z)', sort: 'name', order: 'asc' },
  { value: 'name-desc', label: 'Name (Z to A)', sort: 'name', order: 'desc' },
  { value: 'email', label: 'Email', sort: 'email', order: 'asc' },
  { value: 'status', label: 'Status', sort: 'status', order: 'asc' },
  { value: 'created-desc', label: 'Newest first', sort: 'created', order: 'desc' },
  { value: 'created', label: 'Oldest first', sort: 'created', order: 'asc' },
];
const STATUSES = [
  { value: '', label: 'All statuses' },
  { value: 'active', label: 'Active' },
  { value: 'invited', label: 'Invited' },
  { value: 'suspended', label: 'Suspended' },
];

/** DIR-2, DIR-5: the organization's users, searchable, with invitations, suspension and deletion, import and export. */
export default function UsersPage() {
  const { user: me } = useSignedIn();
  const orgId = me.orgId ?? '';
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [orderKey, setOrderKey] = useState('name');
  const [status, setStatus] = useState('');
  const [inviting, setInviting] = useState(false);
  const [importing, setImporting] = useState(false);
  const { notice, problem, succeed: setNotice, fail: setProblem } = useOutcome();

  const fetchPage = useCallback(
    (cursor: string | undefined) => {
      const order = ORDERS.find((o) => o.value === orderKey) ?? ORDERS[0];
      const statusFilter = status === 'active' || status === 'invited' || status === 'suspended' ? status : undefined;
      return api.listUsers(orgId, { q: q || undefined, status: statusFilter, sort: order?.sort, order: order?.order, limit: PAGE_SIZE, cursor });
    },
    [orgId, q, orderKey, status],
  );
  const list = usePaged(fetchPage);
  const { update, reload } = list;

  const onChanged = useCallback((u: User) => update((items) => items.map((x) => (x.id === u.id ? u : x))), [update]);

  return (
    <>
      <PageHeader title="Users" description="The people of your organization. Invite them, suspend them, or remove them." />
      <VerifyEmailNotice consequence="Until then, you cannot manage users." />
      <Stack gap="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label="Search users"
            placeholder="Name, email or username"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            rightSection={list.loading && list.items !== null ? <Loader size="xs" aria-label="Searching" /> : null}
            w={{ base: '100%', xs: 280 }}
          />
          <NativeSelect label="Status" data={STATUSES} value={status} onChange={(e) => setStatus(e.currentTarget.value)} w={{ base: '100%', xs: 160 }} />
          <NativeSelect label="Sort by" data={ORDERS.map(({ value, label }) => ({ value, label }))} value={orderKey} onChange={(e) => setOrderKey(e.currentTarget.value)} w={{ base: '100%', xs: 180 }} />
        </Group>
        <Group gap="sm" wrap="wrap">
            <Button
              onClick={() => {
                setNotice(null);
                setInviting(true);
              }}
            >
              Invite user
            </Button>
            <Button
              variant="light"
              onClick={() => {
                setNotice(null);
                setImporting(true);
              }}
            >
              Import users
            </Button>
            <ExportUsersButtons orgId={orgId} onError={setProblem} />
        </Group>

        {notice && (
          <Text c="teal.8" role="status">
            {notice}
          </Text>
        )}
        <ProblemAlert title={problem?.title} message={problem?.message} />
        <ProblemAlert message={list.error?.detail} />

        {list.total !== null && (
          <Text size="sm" c="dimmed" data-testid="users-total" aria-live="polite">
            {countLabel(list.total, q !== '' || status !== '')}
          </Text>
        )}
        {list.items === null && list.loading && <PageLoader label="Loading users…" minHeight={160} />}

        {list.items !== null && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={760}>
              <Table data-testid="users-table" striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-busy={list.loading}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Name</Table.Th>
                    <Table.Th scope="col">Email</Table.Th>
                    <Table.Th scope="col">Username</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col">Role</Table.Th>
                    <Table.Th scope="col">Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((u) => (
                    <Table.Tr key={u.id}>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <AppLink to={`/console/users/${encodeURIComponent(u.id)}`} id={`user-${u.id}`} fw={500}>
                            {u.name}
                          </AppLink>
                          {u.id === me.id && (
                            <Badge size="xs" variant="outline" color="gray" style={WHOLE}>
                              You
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td style={{ wordBreak: 'break-word' }}>{u.email}</Table.Td>
                      <Table.Td>{u.username ?? '—'}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={u.status} />
                      </Table.Td>
                      <Table.Td>{roleLabel(u.orgRole)}</Table.Td>
                      <Table.Td>
                        <UserActions
                          orgId={orgId}
                          user={u}
                          isSelf={u.id === me.id}
                          describedBy={`user-${u.id}`}
                          onChanged={onChanged}
                          onDeleted={(gone) => {
                            update((items) => items.filter((x) => x.id !== gone.id));
                            setNotice(gone.status === 'invited' ? `The invitation of ${gone.name} was withdrawn.` : `${gone.name} was deleted.`);
                          }}
                          onError={setProblem}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.items.length === 0 && (
              <Text p="md" c="dimmed" role="status">
                {q || status ? 'No users match this search.' : 'No users yet.'}
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

      <InviteUserModal
        orgId={orgId}
        opened={inviting}
        onClose={() => setInviting(false)}
        onInvited={(u) => {
          setInviting(false);
          setNotice(`Invitation sent to ${u.email}.`);
          void reload();
        }}
      />
      <ImportUsersModal
        orgId={orgId}
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(result, invited) => {
          setImporting(false);
          setProblem(null);
          setNotice(importSummary(result, invited));
          void reload();
        }}
      />
    </>
  );
}

function countLabel(total: number, filtered: boolean): string {
  const users = total === 1 ? '1 user' : `${total} users`;
  return filtered ? `${users} match` : `${users} in all`;
}
