import { Alert, Badge, Button, Checkbox, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { type ApiError, type Group as DirectoryGroup, type OrgRole, type User, type UserAccess, type UserPatch, api, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { DetailFallback } from '../../components/DetailFallback.tsx';
import { AllowedBadge, StatusBadge, roleLabel, WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { describeVia, kindLabel } from '../../lib/directory.ts';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSession, useSignedIn } from '../../session.tsx';
import { UserActions } from './UserActions.tsx';

function Fact({ label, value }: { label: string; value: string | number | null | undefined }) {
  return (
    <div>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={500} style={{ wordBreak: 'break-word' }}>
        {value === null || value === undefined || value === '' ? '—' : value}
      </Text>
    </div>
  );
}

function EditUser({ orgId, user, isSelf, onSaved }: { orgId: string; user: User; isSelf: boolean; onSaved: (u: User) => void }) {
  const [name, setName] = useState(user.name);
  const [username, setUsername] = useState(user.username ?? '');
  const [loginShell, setLoginShell] = useState(user.loginShell ?? '');
  const [role, setRole] = useState<OrgRole>(user.orgRole ?? 'member');
  const [moveHome, setMoveHome] = useState(true);
  const [saved, setSaved] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name', 'username', 'loginShell', 'orgRole'], { moveHomeDirectory: 'username' });
  const renamed = username.trim() !== '' && username.trim() !== (user.username ?? '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    // Only what changed: an unchanged username or shell is not sent again.
    const patch: UserPatch = {};
    if (name.trim() !== user.name) patch.name = name.trim();
    if (username.trim() !== (user.username ?? '')) patch.username = username.trim();
    if (loginShell.trim() !== (user.loginShell ?? '')) patch.loginShell = loginShell.trim();
    if (role !== user.orgRole) patch.orgRole = role;
    if (patch.username !== undefined && moveHome) patch.moveHomeDirectory = true;
    if (Object.keys(patch).length === 0) {
      setSaved(true);
      return;
    }
    const result = await run(() => api.updateUser(orgId, user.id, patch));
    if (result.ok) {
      onSaved(result.value);
      setName(result.value.name);
      setUsername(result.value.username ?? '');
      setLoginShell(result.value.loginShell ?? '');
      setRole(result.value.orgRole ?? 'member');
      setSaved(true);
    }
  }

  return (
    <Section title="Edit" description={isSelf ? 'You cannot remove your own admin role.' : undefined}>
      <form onSubmit={submit} noValidate aria-label="Edit the user">
        <Stack gap="sm" maw={480}>
          <ProblemAlert message={errors.alert} />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.field('name')} />
          <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={errors.field('username')} />
          {renamed && (
            <Checkbox
              label={`Move the home directory to /home/${username.trim()}`}
              description={`Now ${user.homeDirectory ?? 'not set'}. Leave unticked to keep it where it is (files on systems are not moved by Castellan).`}
              checked={moveHome}
              onChange={(e) => setMoveHome(e.currentTarget.checked)}
            />
          )}
          <TextInput
            label="Login shell"
            description="For systems, e.g. /bin/bash."
            value={loginShell}
            onChange={(e) => setLoginShell(e.currentTarget.value)}
            error={errors.field('loginShell')}
          />
          <NativeSelect
            label="Role"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value === 'admin' ? 'admin' : 'member')}
            data={[
              { value: 'member', label: 'Member' },
              { value: 'admin', label: 'Admin' },
            ]}
            error={errors.field('orgRole')}
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

/** DIR-2: the groups the user belongs to, each a link to its page with its member count. */
function UserGroups({ orgId, userId }: { orgId: string; userId: string }) {
  const [groups, setGroups] = useState<DirectoryGroup[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(() => {
    setError(null);
    api
      .userGroups(orgId, userId)
      .then((r) => setGroups(r.items))
      .catch((e: unknown) => setError(toApiError(e)));
  }, [orgId, userId]);
  useEffect(load, [load]);
  return (
    <Section title="Groups" description="The groups this user belongs to. Add or remove members on a group’s page.">
      {error && (
        <Stack gap="sm" align="flex-start">
          <ProblemAlert message={error.detail} />
          <Button variant="default" onClick={load}>
            Try again
          </Button>
        </Stack>
      )}
      {groups === null && !error && <PageLoader label="Loading groups…" minHeight={60} />}
      {groups !== null && groups.length === 0 && (
        <Text c="dimmed">
          In no group yet. <AppLink to="/console/groups">Open the groups</AppLink> to add them to one.
        </Text>
      )}
      {groups !== null && groups.length > 0 && (
        <Group gap="xs" data-testid="user-groups">
          {groups.map((g) => (
            <Badge key={g.id} variant="light" size="lg" style={{ ...WHOLE, textTransform: 'none' }}>
              <AppLink to={`/console/groups/${encodeURIComponent(g.id)}`}>{g.name}</AppLink>
              <Text span size="xs" c="dimmed">{` · ${g.memberCount === 1 ? '1 member' : `${g.memberCount} members`}`}</Text>
            </Badge>
          ))}
        </Group>
      )}
    </Section>
  );
}

function CanUse({ user, items, error, onRetry }: { user: User; items: UserAccess[] | null; error: ApiError | null; onRetry: () => void }) {
  return (
    <Section title="Can use" description="The resources this user is bound to, directly or through a group.">
      {user.status === 'suspended' && (
        <Alert color="red" variant="light" title="Suspended">
          {`${user.name} is suspended, so nothing is allowed until they are reactivated.`}
        </Alert>
      )}
      {user.status === 'invited' && (
        <Alert color="yellow" variant="light" title="Invitation not accepted yet">
          {`${user.name} has not accepted the invitation sent to ${user.email}, so nothing is allowed yet. Access you grant now takes effect when they accept.`}
        </Alert>
      )}
      {error && (
        <Stack gap="sm" align="flex-start">
          <ProblemAlert message={error.detail} />
          <Button variant="default" onClick={onRetry}>
            Try again
          </Button>
        </Stack>
      )}
      {items === null && !error && <PageLoader label="Loading access…" minHeight={80} />}
      {items !== null && items.length === 0 && (
        <Text c="dimmed">
          Nothing yet. Grant access on a <AppLink to="/console/resources">resource’s page</AppLink>.
        </Text>
      )}
      {items !== null && items.length > 0 && (
        <ul data-testid="can-use" style={{ margin: 0, padding: 0 }}>
          {items.map((a) => (
            <li key={a.resource.id} style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
              <Group justify="space-between" gap="sm" wrap="wrap">
                <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }}>
                  <Group gap="xs">
                    <AppLink to={`/console/resources/${encodeURIComponent(a.resource.id)}`} fw={500}>
                      {a.resource.name}
                    </AppLink>
                    <Badge variant="outline" color="gray" size="sm" style={WHOLE}>
                      {kindLabel(a.resource.kind)}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {describeVia(a.via)}
                  </Text>
                </Stack>
                <AllowedBadge allowed={a.allowed} />
              </Group>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** DIR-2, DIR-3: one user, their POSIX account, and what they can use. */
export default function UserDetailPage({ id }: { id: string }) {
  const { user: me } = useSignedIn();
  const { updateUser } = useSession();
  const orgId = me.orgId ?? '';
  const [, navigate] = useLocation();
  const [user, setUser] = useState<User | null>(null);
  const [access, setAccess] = useState<UserAccess[] | null>(null);
  const [accessError, setAccessError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<{ title?: string; message: string } | null>(null);
  const loadUser = useRequest();
  const isSelf = id === me.id;

  const fetchUser = loadUser.run;
  const refreshUser = useCallback(() => {
    void fetchUser(() => api.getUser(orgId, id)).then((r) => {
      if (r.ok) setUser(r.value);
    });
  }, [fetchUser, orgId, id]);

  const refreshAccess = useCallback(() => {
    setAccessError(null);
    api
      .userAccess(orgId, id)
      .then((r) => setAccess(r.items))
      .catch((e: unknown) => setAccessError(toApiError(e)));
  }, [orgId, id]);

  useEffect(() => {
    refreshUser();
    refreshAccess();
  }, [refreshUser, refreshAccess]);

  const back = <AppLink to="/console/users">Back to users</AppLink>;

  if (!user) {
    return <DetailFallback noun="User" pronoun="They" error={loadUser.error} loading={loadUser.loading} onRetry={refreshUser} back={back} />;
  }

  return (
    <>
      <Text size="sm" mb="xs">
        {back}
      </Text>
      <PageHeader title={user.name} description={user.email} documentTitle={`${user.name} · Users`} />
      <Stack gap="lg">
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Stack gap="md">
            <Group justify="space-between" gap="sm" wrap="wrap">
              <Group gap="xs">
                <StatusBadge status={user.status} />
                <Badge variant="outline" color="gray" style={WHOLE}>
                  {roleLabel(user.orgRole)}
                </Badge>
                {!user.emailVerified && (
                  <Badge variant="outline" color="yellow" style={WHOLE}>
                    Invitation not accepted yet
                  </Badge>
                )}
              </Group>
              <UserActions
                orgId={orgId}
                user={user}
                isSelf={isSelf}
                onChanged={(u) => {
                  setUser(u);
                  refreshAccess();
                }}
                onDeleted={() => navigate('/console/users')}
                onError={setProblem}
              />
            </Group>
            <ProblemAlert title={problem?.title} message={problem?.message} />
            <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 3 }} spacing="md" verticalSpacing="sm" m={0}>
              <Fact label="Email" value={user.email} />
              <Fact label="Username" value={user.username} />
              <Fact label="uidNumber" value={user.uidNumber} />
              <Fact label="gidNumber" value={user.gidNumber} />
              <Fact label="Home directory" value={user.homeDirectory} />
              <Fact label="Login shell" value={user.loginShell} />
              <Fact label="Two-factor authentication" value={user.mfaEnabled ? 'On' : 'Off'} />
              <Fact label="Created" value={formatDateTime(user.createdAt)} />
              <Fact label="Last sign-in" value={user.lastSignInAt ? formatDateTime(user.lastSignInAt) : user.status === 'invited' ? 'Not yet (invited)' : 'Never'} />
            </SimpleGrid>
          </Stack>
        </Paper>

        <UserGroups orgId={orgId} userId={user.id} />

        <CanUse user={user} items={access} error={accessError} onRetry={refreshAccess} />

        <EditUser
          key={user.id}
          orgId={orgId}
          user={user}
          isSelf={isSelf}
          onSaved={(u) => {
            setUser(u);
            if (isSelf) updateUser(u);
          }}
        />
      </Stack>
    </>
  );
}
