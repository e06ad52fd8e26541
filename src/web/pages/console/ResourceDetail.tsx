import { Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { type ApiError, type Binding, type Group as DirectoryGroup, type Resource, type ResourceAccess, type User, api, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DetailFallback } from '../../components/DetailFallback.tsx';
import { AllowedBadge, StatusBadge, WHOLE } from '../../components/DirectoryBadges.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { describeVia, kindLabel, loadAll, userLabel } from '../../lib/directory.ts';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';
import { SingleSignOnSection } from './SingleSignOn.tsx';
import { RadiusNetwork } from './RadiusNetwork.tsx';

interface Directory {
  users: Map<string, User>;
  groups: Map<string, DirectoryGroup>;
}

function BindingRow({
  orgId,
  binding,
  directory,
  onRevoked,
}: {
  orgId: string;
  binding: Binding;
  directory: Directory;
  onRevoked: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const labelId = `binding-${binding.id}`;
  const user = binding.userId ? directory.users.get(binding.userId) : undefined;
  const group = binding.groupId ? directory.groups.get(binding.groupId) : undefined;

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await api.revokeAccess(orgId, binding.resourceId, binding.id);
      onRevoked();
    } catch (e) {
      const err = toApiError(e);
      if (err.status === 404) onRevoked();
      else setError(err.detail);
      setBusy(false);
    }
  }

  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Group gap="xs" style={{ minWidth: 0, flex: '1 1 14rem' }} id={labelId}>
          <Badge variant="outline" color="gray" size="sm" style={WHOLE}>
            {binding.groupId ? 'Group' : 'User'}
          </Badge>
          {binding.groupId ? (
            <AppLink to={`/console/groups/${encodeURIComponent(binding.groupId)}`} fw={500}>
              {group?.name ?? 'Unknown group'}
            </AppLink>
          ) : binding.userId ? (
            <AppLink to={`/console/users/${encodeURIComponent(binding.userId)}`} fw={500}>
              {user ? userLabel(user) : 'Unknown user'}
            </AppLink>
          ) : null}
        </Group>
        <Button size="xs" variant="light" color="red" loading={busy} onClick={revoke} aria-describedby={labelId}>
          Revoke
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

function GrantAccess({
  orgId,
  resourceId,
  directory,
  bindings,
  onGranted,
}: {
  orgId: string;
  resourceId: string;
  directory: Directory;
  bindings: Binding[];
  onGranted: () => void;
}) {
  const [choice, setChoice] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['subject'], { userId: 'subject', groupId: 'subject' });

  const data = useMemo(() => {
    const boundUsers = new Set(bindings.map((b) => b.userId).filter(Boolean));
    const boundGroups = new Set(bindings.map((b) => b.groupId).filter(Boolean));
    const groups = [...directory.groups.values()]
      .filter((g) => !boundGroups.has(g.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((g) => ({ value: `group:${g.id}`, label: g.name }));
    const users = [...directory.users.values()]
      .filter((u) => !boundUsers.has(u.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((u) => ({ value: `user:${u.id}`, label: userLabel(u) }));
    return [
      { group: 'Groups', items: groups },
      { group: 'Users', items: users },
    ].filter((g) => g.items.length > 0);
  }, [directory, bindings]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!choice) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const [type, id = ''] = choice.split(/:(.*)/s);
    const result = await run(() => api.grantAccess(orgId, resourceId, type === 'group' ? { groupId: id } : { userId: id }));
    if (result.ok) {
      setChoice(null);
      onGranted();
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Grant access">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label="User or group"
            placeholder="Pick or type a name"
            data={data}
            value={choice}
            onChange={(v) => {
              setChoice(v);
              setMissing(false);
            }}
            searchable
            clearable
            nothingFoundMessage="No user or group matches"
            error={missing ? 'Choose a user or a group.' : errors.field('subject')}
            w={{ base: '100%', sm: 380 }}
          />
          <Button type="submit" loading={loading}>
            Grant access
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function WhoCanUse({ items, error, onRetry }: { items: ResourceAccess[] | null; error: ApiError | null; onRetry: () => void }) {
  return (
    <Section title="Who can use it" description="Every user the grants reach, directly or through a group. Suspended users may use nothing.">
      {error && (
        <Stack gap="sm" align="flex-start">
          <ProblemAlert message={error.detail} />
          <Button variant="default" onClick={onRetry}>
            Try again
          </Button>
        </Stack>
      )}
      {items === null && !error && <PageLoader label="Loading who can use it…" minHeight={80} />}
      {items !== null && items.length === 0 && <Text c="dimmed">Nobody yet. Grant access to a user or a group above.</Text>}
      {items !== null && items.length > 0 && (
        <ul data-testid="resource-access" style={{ margin: 0, padding: 0 }}>
          {[...items]
            .sort((a, b) => a.user.name.localeCompare(b.user.name))
            .map((a) => (
              <li key={a.user.id} style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
                <Group justify="space-between" gap="sm" wrap="wrap">
                  <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }}>
                    <Group gap="xs">
                      <AppLink to={`/console/users/${encodeURIComponent(a.user.id)}`} fw={500}>
                        {a.user.name}
                      </AppLink>
                      {a.user.status !== 'active' && <StatusBadge status={a.user.status} />}
                    </Group>
                    <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {a.user.email} · {describeVia(a.via)}
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

/** DIR-3: one resource, the grants (bindings) on it, and who can use it because of them. */
export default function ResourceDetailPage({ id }: { id: string }) {
  const { user: me } = useSignedIn();
  const orgId = me.orgId ?? '';
  const [, navigate] = useLocation();
  const [resource, setResource] = useState<Resource | null>(null);
  const [bindings, setBindings] = useState<Binding[] | null>(null);
  const [directory, setDirectory] = useState<Directory>({ users: new Map(), groups: new Map() });
  const [bindingsError, setBindingsError] = useState<ApiError | null>(null);
  const [access, setAccess] = useState<ResourceAccess[] | null>(null);
  const [accessError, setAccessError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const loadResource = useRequest();
  const del = useRequest();

  const fetchResource = loadResource.run;
  const refreshResource = useCallback(() => {
    void fetchResource(() => api.getResource(orgId, id)).then((r) => {
      if (r.ok) setResource(r.value);
    });
  }, [fetchResource, orgId, id]);

  const refreshAccess = useCallback(() => {
    setAccessError(null);
    api
      .resourceAccess(orgId, id)
      .then((r) => setAccess(r.items))
      .catch((e: unknown) => setAccessError(toApiError(e)));
  }, [orgId, id]);

  const refreshBindings = useCallback(() => {
    setBindingsError(null);
    Promise.all([
      api.bindings(orgId, id),
      loadAll((cursor) => api.listUsers(orgId, { limit: 200, cursor })),
      loadAll((cursor) => api.listGroups(orgId, { limit: 200, cursor })),
    ])
      .then(([b, users, groups]) => {
        setDirectory({ users: new Map(users.map((u) => [u.id, u])), groups: new Map(groups.map((g) => [g.id, g])) });
        setBindings(b.items);
      })
      .catch((e: unknown) => setBindingsError(toApiError(e)));
  }, [orgId, id]);

  const refreshGrants = useCallback(() => {
    refreshBindings();
    refreshAccess();
  }, [refreshBindings, refreshAccess]);

  useEffect(() => {
    refreshResource();
    refreshGrants();
  }, [refreshResource, refreshGrants]);

  const back = <AppLink to="/console/resources">Back to resources</AppLink>;

  if (!resource) {
    return <DetailFallback noun="Resource" error={loadResource.error} loading={loadResource.loading} onRetry={refreshResource} back={back} />;
  }

  async function remove() {
    const r = await del.run(() => api.deleteResource(orgId, id));
    if (r.ok || r.error.status === 404) {
      setConfirming(false);
      navigate('/console/resources');
    }
  }

  return (
    <>
      <Text size="sm" mb="xs">
        {back}
      </Text>
      <PageHeader
        title={resource.name}
        description={
          <>
            {kindLabel(resource.kind)} · added {formatDateTime(resource.createdAt)}
          </>
        }
        documentTitle={`${resource.name} · Resources`}
      />
      <Stack gap="lg">
        <Section title="Access" description="Grant access to a user, or to a group so that all its members can use it.">
          {bindings !== null && <GrantAccess orgId={orgId} resourceId={id} directory={directory} bindings={bindings} onGranted={refreshGrants} />}
          {bindingsError && (
            <Stack gap="sm" align="flex-start">
              <ProblemAlert message={bindingsError.detail} />
              <Button variant="default" onClick={refreshBindings}>
                Try again
              </Button>
            </Stack>
          )}
          {bindings === null && !bindingsError && <PageLoader label="Loading access…" minHeight={80} />}
          {bindings !== null && (
            <>
              <ul data-testid="bindings" style={{ margin: 0, padding: 0 }}>
                {bindings.map((b) => (
                  <BindingRow key={b.id} orgId={orgId} binding={b} directory={directory} onRevoked={refreshGrants} />
                ))}
              </ul>
              {bindings.length === 0 && <Text c="dimmed">No access granted yet.</Text>}
            </>
          )}
        </Section>

        <WhoCanUse items={access} error={accessError} onRetry={refreshAccess} />

        {resource.kind === 'application' && <SingleSignOnSection key={resource.id} orgId={orgId} resource={resource} onSaved={setResource} />}
        {resource.kind === 'network' && <RadiusNetwork key={resource.id} orgId={orgId} resource={resource} onSaved={setResource} />}

        <Section title="Delete resource" description="Everyone loses access to it at once.">
          <Group>
            <Button
              color="red"
              variant="light"
              onClick={() => {
                del.reset();
                setConfirming(true);
              }}
            >
              Delete resource
            </Button>
          </Group>
        </Section>
      </Stack>
      <ConfirmModal
        opened={confirming}
        title={`Delete ${resource.name}?`}
        confirmLabel="Delete resource"
        onCancel={() => setConfirming(false)}
        onConfirm={remove}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">The resource and every grant on it are removed. This cannot be undone.</Text>
      </ConfirmModal>
    </>
  );
}
