import { Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { type ApiError, type Group as DirectoryGroup, type User, api, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DetailFallback } from '../../components/DetailFallback.tsx';
import { StatusBadge } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { loadAll, userLabel } from '../../lib/directory.ts';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';

function MemberRow({ orgId, groupId, user, onRemoved }: { orgId: string; groupId: string; user: User; onRemoved: (id: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const labelId = `member-${user.id}`;

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.removeMember(orgId, groupId, user.id);
      onRemoved(user.id);
    } catch (e) {
      const err = toApiError(e);
      if (err.status === 404) onRemoved(user.id);
      else setError(err.detail);
      setBusy(false);
    }
  }

  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }}>
          <Group gap="xs">
            <AppLink to={`/console/users/${encodeURIComponent(user.id)}`} id={labelId} fw={500}>
              {user.name}
            </AppLink>
            <StatusBadge status={user.status} />
          </Group>
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {user.email}
          </Text>
        </Stack>
        <Button size="xs" variant="light" color="red" loading={busy} onClick={remove} aria-describedby={labelId}>
          Remove
        </Button>
      </Group>
      {error && (
        <Stack mt="xs">
          <ProblemAlert message={error} />
        </Stack>
      )}
    </li>
  );
}

function AddMember({ orgId, groupId, candidates, onAdded }: { orgId: string; groupId: string; candidates: User[]; onAdded: () => void }) {
  const [userId, setUserId] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['userId']);
  const data = useMemo(() => candidates.map((u) => ({ value: u.id, label: userLabel(u) })), [candidates]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!userId) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const result = await run(() => api.addMember(orgId, groupId, userId));
    if (result.ok) {
      setUserId(null);
      onAdded();
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Add a member">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label="User"
            placeholder={data.length ? 'Pick or type a name' : 'Everyone is a member already'}
            data={data}
            value={userId}
            onChange={(v) => {
              setUserId(v);
              setMissing(false);
            }}
            searchable
            clearable
            nothingFoundMessage="No user matches"
            error={missing ? 'Choose a user.' : errors.field('userId')}
            w={{ base: '100%', sm: 380 }}
          />
          <Button type="submit" loading={loading}>
            Add member
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditGroup({ orgId, group, onSaved }: { orgId: string; group: DirectoryGroup; onSaved: (g: DirectoryGroup) => void }) {
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const [saved, setSaved] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name', 'description']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const d = description.trim();
    const result = await run(() => api.updateGroup(orgId, group.id, { name: name.trim(), description: d ? d : null }));
    if (result.ok) {
      onSaved(result.value);
      setSaved(true);
    }
  }

  return (
    <Section title="Edit group">
      <form onSubmit={submit} noValidate aria-label="Edit the group">
        <Stack gap="sm" maw={480}>
          <ProblemAlert message={errors.alert} />
          <TextInput label="Group name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.field('name')} />
          <TextInput
            label="Description (optional)"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.field('description')}
          />
          <Group gap="md">
            <Button type="submit" loading={loading}>
              Save changes
            </Button>
            {saved && (
              <Text size="sm" c="teal.8" role="status">
                Saved.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** DIR-2: one group, its members, and deleting it. */
export default function GroupDetailPage({ id }: { id: string }) {
  const { user: me } = useSignedIn();
  const orgId = me.orgId ?? '';
  const [, navigate] = useLocation();
  const [group, setGroup] = useState<DirectoryGroup | null>(null);
  const [members, setMembers] = useState<User[] | null>(null);
  const [everyone, setEveryone] = useState<User[]>([]);
  const [membersError, setMembersError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const loadGroup = useRequest();
  const del = useRequest();

  const fetchGroup = loadGroup.run;
  const refreshGroup = useCallback(() => {
    void fetchGroup(() => api.getGroup(orgId, id)).then((r) => {
      if (r.ok) setGroup(r.value);
    });
  }, [fetchGroup, orgId, id]);

  const refreshMembers = useCallback(() => {
    setMembersError(null);
    Promise.all([api.groupMembers(orgId, id), loadAll((cursor) => api.listUsers(orgId, { limit: 200, cursor }))])
      .then(([m, all]) => {
        setMembers([...m.items].sort((a, b) => a.name.localeCompare(b.name)));
        setEveryone(all);
      })
      .catch((e: unknown) => setMembersError(toApiError(e)));
  }, [orgId, id]);

  useEffect(() => {
    refreshGroup();
    refreshMembers();
  }, [refreshGroup, refreshMembers]);

  const candidates = useMemo(() => {
    const inGroup = new Set((members ?? []).map((m) => m.id));
    return everyone.filter((u) => !inGroup.has(u.id)).sort((a, b) => a.name.localeCompare(b.name));
  }, [everyone, members]);

  const back = <AppLink to="/console/groups">Back to groups</AppLink>;

  if (!group) {
    return <DetailFallback noun="Group" error={loadGroup.error} loading={loadGroup.loading} onRetry={refreshGroup} back={back} />;
  }

  async function remove() {
    const r = await del.run(() => api.deleteGroup(orgId, id));
    if (r.ok || r.error.status === 404) {
      setConfirming(false);
      navigate('/console/groups');
    }
  }

  return (
    <>
      <Text size="sm" mb="xs">
        {back}
      </Text>
      <PageHeader title={group.name} description={group.description ?? undefined} documentTitle={`${group.name} · Groups`} />
      <Stack gap="lg">
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <SimpleGrid component="dl" cols={{ base: 1, xs: 3 }} spacing="md" m={0}>
            <div>
              <Text component="dt" size="sm" c="dimmed">
                gidNumber
              </Text>
              <Text component="dd" m={0} fw={500}>
                {group.gidNumber}
              </Text>
            </div>
            <div>
              <Text component="dt" size="sm" c="dimmed">
                Members
              </Text>
              <Text component="dd" m={0} fw={500}>
                {members?.length ?? '…'}
              </Text>
            </div>
            <div>
              <Text component="dt" size="sm" c="dimmed">
                Created
              </Text>
              <Text component="dd" m={0} fw={500}>
                {formatDateTime(group.createdAt)}
              </Text>
            </div>
          </SimpleGrid>
        </Paper>

        <Section title="Members" description="Members can use every resource this group is granted.">
          <AddMember orgId={orgId} groupId={id} candidates={candidates} onAdded={refreshMembers} />
          {membersError && (
            <Stack gap="sm" align="flex-start">
              <ProblemAlert message={membersError.detail} />
              <Button variant="default" onClick={refreshMembers}>
                Try again
              </Button>
            </Stack>
          )}
          {members === null && !membersError && <PageLoader label="Loading members…" minHeight={80} />}
          {members !== null && (
            <>
              <ul data-testid="members" style={{ margin: 0, padding: 0 }}>
                {members.map((u) => (
                  <MemberRow
                    key={u.id}
                    orgId={orgId}
                    groupId={id}
                    user={u}
                    onRemoved={(gone) => setMembers((list) => list?.filter((x) => x.id !== gone) ?? null)}
                  />
                ))}
              </ul>
              {members.length === 0 && <Text c="dimmed">No members yet.</Text>}
            </>
          )}
        </Section>

        <EditGroup key={group.id} orgId={orgId} group={group} onSaved={setGroup} />

        <Section title="Delete group" description="Members lose the access they had through this group. Their accounts stay.">
          <Group>
            <Button
              color="red"
              variant="light"
              onClick={() => {
                del.reset();
                setConfirming(true);
              }}
            >
              Delete group
            </Button>
          </Group>
        </Section>
      </Stack>
      <ConfirmModal
        opened={confirming}
        title={`Delete ${group.name}?`}
        confirmLabel="Delete group"
        onCancel={() => setConfirming(false)}
        onConfirm={remove}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">The group and the access granted to it are removed. This cannot be undone.</Text>
      </ConfirmModal>
    </>
  );
}
