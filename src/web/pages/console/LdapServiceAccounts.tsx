import { Button, Code, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type CreatedServiceAccount, type LdapApplication, type ServiceAccount, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { Section } from '../../components/Section.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';

export { CopyValue } from '../../components/OneTimeSecret.tsx';

/** The secret of a service account just made: shown this once, to copy. */
function NewSecret({ account, onDone }: { account: CreatedServiceAccount; onDone: () => void }) {
  return (
    <OneTimeSecret
      title={`The secret of ${account.name}`}
      note="Copy it now: it will not be shown again. Castellan keeps only a hash of it."
      testId="service-account-secret"
      values={[{ value: account.secret, copyLabel: 'Copy the secret', testId: 'secret-value', secret: true }]}
      onDone={onDone}
    >
      <Text size="sm">
        It binds as <Code style={{ wordBreak: 'break-all' }}>{account.dn}</Code>
      </Text>
    </OneTimeSecret>
  );
}

function AddServiceAccount({ orgId, application, onCreated }: { orgId: string; application: LdapApplication; onCreated: (a: CreatedServiceAccount) => void }) {
  const [name, setName] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.createServiceAccount(orgId, application.id, { name: name.trim() }));
    if (result.ok) {
      setName('');
      onCreated(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`New service account of ${application.name}`}>
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <Group align="flex-start" gap="md" wrap="wrap">
          <TextInput
            label="Service account name"
            description="Lower-case letters, digits, “.”, “_” or “-”, such as sssd or jenkins."
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.field('name')}
            autoComplete="off"
            w={{ base: '100%', sm: 320 }}
          />
        </Group>
        <Group>
          <Button type="submit" loading={loading}>
            Create service account
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AccountRow({ account, onDelete }: { account: ServiceAccount; onDelete: () => void }) {
  const labelId = `service-account-${account.id}`;
  return (
    <li style={{ listStyle: 'none', padding: '10px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 14rem' }} id={labelId}>
          <Text fw={500}>{account.name}</Text>
          <Code fz="xs" style={{ wordBreak: 'break-all', alignSelf: 'flex-start' }}>
            {account.dn}
          </Code>
        </Stack>
        <Button size="xs" variant="light" color="red" onClick={onDelete} aria-describedby={labelId}>
          Delete
        </Button>
      </Group>
    </li>
  );
}

/**
 * PRO-1: one LDAP application's service accounts, with which hosts and applications bind: listed
 * with their DNs, made by name (the secret shown once), and deleted (revoked at once).
 */
export function ServiceAccounts({
  orgId,
  application,
  accounts,
  error,
  onChanged,
}: {
  orgId: string;
  application: LdapApplication;
  accounts: ServiceAccount[] | null;
  error: string | null;
  onChanged: () => void;
}) {
  const [fresh, setFresh] = useState<CreatedServiceAccount | null>(null);
  const [deleting, setDeleting] = useState<ServiceAccount | null>(null);
  const del = useRequest();

  async function remove() {
    if (!deleting) return;
    const r = await del.run(() => api.deleteServiceAccount(orgId, application.id, deleting.id));
    if (r.ok || r.error.status === 404) {
      if (fresh?.id === deleting.id) setFresh(null);
      setDeleting(null);
      onChanged();
    }
  }

  return (
    <Section
      title={`Service accounts of ${application.name}`}
      description={
        <>
          They bind to search the whole directory (for SSSD, nslcd or an application). Members appear in LDAP once granted{' '}
          <AppLink to={`/console/resources/${encodeURIComponent(application.id)}`}>access to {application.name}</AppLink>.
        </>
      }
    >
      {fresh && <NewSecret account={fresh} onDone={() => setFresh(null)} />}
      <ProblemAlert message={error} />
      {accounts === null && !error && <PageLoader label="Loading service accounts…" minHeight={60} />}
      {accounts !== null && (
        <>
          <ul data-testid={`service-accounts-${application.id}`} aria-label={`Service accounts of ${application.name}`} style={{ margin: 0, padding: 0 }}>
            {accounts.map((a) => (
              <AccountRow
                key={a.id}
                account={a}
                onDelete={() => {
                  del.reset();
                  setDeleting(a);
                }}
              />
            ))}
          </ul>
          {accounts.length === 0 && <Text c="dimmed">No service account yet.</Text>}
        </>
      )}
      <AddServiceAccount
        orgId={orgId}
        application={application}
        onCreated={(a) => {
          setFresh(a);
          onChanged();
        }}
      />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'the service account'}?`}
        confirmLabel="Delete service account"
        onCancel={() => setDeleting(null)}
        onConfirm={remove}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">Hosts and applications that bind with it stop working at once, open connections included. This cannot be undone.</Text>
      </ConfirmModal>
    </Section>
  );
}
