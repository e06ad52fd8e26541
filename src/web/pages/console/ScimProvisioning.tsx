import { Button, Code, Group, NativeSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type CreatedScimToken, type ScimToken, scimApi } from '../../api/scim.ts';
import { api, toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { CopyValue, OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSession, useSignedIn } from '../../session.tsx';

/** The organization's default, when the server does not say (it always does since PRO-4). */
const DEFAULT_REMOVE_AFTER_DAYS = 30;
const MAX_REMOVE_AFTER_DAYS = 3650;

/** The SCIM token just made: shown this once, to copy into the identity provider. */
function NewToken({ token, baseUrl, onDone }: { token: CreatedScimToken; baseUrl: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      title={`The SCIM token ${token.name}`}
      note="Copy it now: it will not be shown again."
      testId="scim-token-secret"
      values={[{ label: 'Token', value: token.token, copyLabel: 'Copy the SCIM token', testId: 'scim-token-value', secret: true }]}
      onDone={onDone}
    >
      <Text size="sm">
        In the identity provider, set the SCIM base URL to <Code>{baseUrl}</Code> and authenticate with this token as <Code>Authorization: Bearer</Code> (“HTTP header”
        in Okta, “Secret token” in Microsoft Entra ID).
      </Text>
    </OneTimeSecret>
  );
}

function CreateToken({ orgId, onCreated }: { orgId: string; onCreated: (t: CreatedScimToken) => void }) {
  const [name, setName] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => scimApi.createScimToken(orgId, { name: name.trim() }));
    if (result.ok) {
      setName('');
      onCreated(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="New SCIM token">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <TextInput
          label="Name"
          description="Which identity provider uses it, such as “Okta production”."
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field('name')}
          autoComplete="off"
          maxLength={100}
          w={{ base: '100%', sm: 360 }}
        />
        <Group>
          <Button type="submit" loading={loading}>
            Create SCIM token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TokenRow({ token, onRevoke }: { token: ScimToken; onRevoke: () => void }) {
  const labelId = `scim-token-${token.id}`;
  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }} id={labelId}>
          <Text fw={500}>{token.name}</Text>
          <Text size="sm" c="dimmed">
            made {formatDate(token.createdAt)} · {token.lastUsedAt ? `last used ${formatDateTime(token.lastUsedAt)}` : 'never used'}
          </Text>
        </Stack>
        <Button size="xs" variant="light" color="red" onClick={onRevoke} aria-describedby={labelId}>
          Revoke
        </Button>
      </Group>
    </li>
  );
}

type RemovalMode = 'now' | 'days' | 'never';

const REMOVAL_MODES: { value: RemovalMode; label: string }[] = [
  { value: 'now', label: 'Remove at once' },
  { value: 'days', label: 'Remove after a number of days' },
  { value: 'never', label: 'Keep suspended until an admin removes them' },
];

function modeOf(days: number | null): RemovalMode {
  if (days === null) return 'never';
  return days === 0 ? 'now' : 'days';
}

/** PRO-4: what happens to a member the identity provider deprovisions (a SCIM DELETE). */
function Deprovisioning({ orgId, current }: { orgId: string; current: number | null }) {
  const { refresh } = useSession();
  const [mode, setMode] = useState<RemovalMode>(modeOf(current));
  const [days, setDays] = useState<number | string>(current !== null && current > 0 ? current : DEFAULT_REMOVE_AFTER_DAYS);
  const [saved, setSaved] = useState<number | null | undefined>(undefined);
  const save = useRequest();
  const errors = splitErrors(save.error, ['scimRemoveAfterDays']);
  const wanted: number | null = mode === 'never' ? null : mode === 'now' ? 0 : typeof days === 'number' ? days : Number.parseInt(days, 10);
  const daysInvalid = mode === 'days' && (!Number.isInteger(wanted) || (wanted as number) < 1 || (wanted as number) > MAX_REMOVE_AFTER_DAYS);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(undefined);
    if (daysInvalid) return;
    const result = await save.run(() => api.updateOrganization(orgId, { scimRemoveAfterDays: wanted }));
    if (result.ok) {
      const now = result.value.scimRemoveAfterDays ?? null;
      setMode(modeOf(now));
      if (now !== null && now > 0) setDays(now);
      setSaved(now);
      await refresh();
    }
  }

  function describe(v: number | null): string {
    if (v === null) return 'Deprovisioned members now stay suspended until an admin removes them.';
    if (v === 0) return 'Deprovisioned members are now removed at once.';
    return `Deprovisioned members now stay suspended for ${v} day${v === 1 ? '' : 's'}, then are removed.`;
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Deprovisioning">
      <Stack gap="sm">
        {saved !== undefined && (
          <Text c="teal.8" role="status">
            {describe(saved)}
          </Text>
        )}
        <NativeSelect
          label="When the identity provider deprovisions a member"
          description="A suspended member loses access at once (sign-in, LDAP, RADIUS and applications); until removed, an admin can reactivate them in the console. The choice applies to members deprovisioned from now on."
          data={REMOVAL_MODES}
          value={mode}
          onChange={(e) => {
            setSaved(undefined);
            setMode(e.currentTarget.value as RemovalMode);
          }}
          w={{ base: '100%', sm: 420 }}
        />
        {mode === 'days' && (
          <NumberInput
            label="Days suspended before removal"
            value={days}
            onChange={(v) => {
              setSaved(undefined);
              setDays(v);
            }}
            min={1}
            max={MAX_REMOVE_AFTER_DAYS}
            allowDecimal={false}
            allowNegative={false}
            error={daysInvalid ? `A whole number of days from 1 to ${MAX_REMOVE_AFTER_DAYS}.` : errors.field('scimRemoveAfterDays')}
            w={{ base: '100%', sm: 260 }}
          />
        )}
        <ProblemAlert message={mode === 'days' ? errors.alert : (errors.field('scimRemoveAfterDays') ?? errors.alert)} />
        <Group>
          <Button type="submit" variant="light" loading={save.loading} disabled={daysInvalid || wanted === current}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * PRO-4: provisioning over SCIM 2.0. An identity provider (Okta, Microsoft Entra ID…) creates,
 * updates, suspends and deprovisions the organization's users and groups at `/scim/v2`, with a
 * bearer token made here (shown once) and revoked here. The admin also chooses what becomes of a
 * deprovisioned member.
 */
export default function ScimProvisioningPage() {
  const { user, organization } = useSignedIn();
  const orgId = user.orgId ?? '';
  const baseUrl = `${window.location.origin}/scim/v2`;
  const [tokens, setTokens] = useState<ScimToken[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<CreatedScimToken | null>(null);
  const [revoking, setRevoking] = useState<ScimToken | null>(null);
  const del = useRequest();

  const refresh = useCallback(() => {
    scimApi
      .scimTokens(orgId)
      .then((r) => {
        setTokens(r.items);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(toApiError(e).detail));
  }, [orgId]);
  useEffect(() => refresh(), [refresh]);

  async function revoke() {
    if (!revoking) return;
    const r = await del.run(() => scimApi.revokeScimToken(orgId, revoking.id));
    if (r.ok || r.error.status === 404) {
      if (fresh?.id === revoking.id) setFresh(null);
      setRevoking(null);
      refresh();
    }
  }

  const removeAfterDays = organization ? (organization.scimRemoveAfterDays === undefined ? DEFAULT_REMOVE_AFTER_DAYS : organization.scimRemoveAfterDays) : DEFAULT_REMOVE_AFTER_DAYS;

  return (
    <>
      <PageHeader title="Provisioning (SCIM)" description="Your identity provider creates, updates and deprovisions users and groups here over SCIM 2.0." />
      <VerifyEmailNotice consequence="Until then, you cannot manage SCIM tokens." />
      <Stack gap="lg">
        <Section title="SCIM base URL" description="Paste it into the identity provider's SCIM provisioning settings (Okta, Microsoft Entra ID, or any SCIM 2.0 client).">
          <Group gap="xs" align="center">
            <Code fz="sm" data-testid="scim-base-url" style={{ wordBreak: 'break-all' }}>
              {baseUrl}
            </Code>
            <CopyValue value={baseUrl} label="Copy the SCIM base URL" />
          </Group>
        </Section>
        <Section title="SCIM tokens" description="The identity provider authenticates with one as a bearer token. Revoking one stops it at once.">
          {fresh && <NewToken token={fresh} baseUrl={baseUrl} onDone={() => setFresh(null)} />}
          <ProblemAlert message={loadError} />
          {tokens === null && !loadError && <PageLoader label="Loading SCIM tokens…" minHeight={60} />}
          {tokens !== null && (
            <>
              <ul data-testid="scim-tokens" aria-label="SCIM tokens" style={{ margin: 0, padding: 0 }}>
                {tokens.map((t) => (
                  <TokenRow
                    key={t.id}
                    token={t}
                    onRevoke={() => {
                      del.reset();
                      setRevoking(t);
                    }}
                  />
                ))}
              </ul>
              {tokens.length === 0 && <Text c="dimmed">No SCIM token yet.</Text>}
            </>
          )}
        </Section>
        <Section title="New SCIM token">
          <CreateToken
            orgId={orgId}
            onCreated={(t) => {
              setFresh(t);
              refresh();
            }}
          />
        </Section>
        {organization && (
          <Section title="Deprovisioning" description="What becomes of a member the identity provider deprovisions (a SCIM DELETE): they are suspended at once, and removed from the organization when chosen here.">
            <Deprovisioning key={organization.id} orgId={organization.id} current={removeAfterDays} />
          </Section>
        )}
      </Stack>
      <ConfirmModal
        opened={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'the SCIM token'}?`}
        confirmLabel="Revoke SCIM token"
        onCancel={() => setRevoking(null)}
        onConfirm={revoke}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">The identity provider that uses it can no longer provision users or groups until it is given another token. This cannot be undone.</Text>
      </ConfirmModal>
    </>
  );
}
