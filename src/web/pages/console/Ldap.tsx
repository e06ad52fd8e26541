import { Alert, Anchor, Button, Code, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { type LdapSettings, type ServiceAccount, api, ldapCaCertificateUrl, toApiError } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { CA_PATH, ldapUri, ldapsUri, nslcdConf, sssdConf } from '../../lib/ldap.ts';
import { useSignedIn } from '../../session.tsx';
import { CopyValue, ServiceAccounts } from './LdapServiceAccounts.tsx';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={500} style={{ wordBreak: 'break-all' }}>
        {children}
      </Text>
    </div>
  );
}

/** Where the directory is: its DNs, the host and ports, and the CA certificate to trust. */
function Connection({ orgId, s }: { orgId: string; s: LdapSettings }) {
  return (
    <Section title="Connection" description="What LDAP clients are given. Every connection is encrypted: StartTLS on the LDAP port, or LDAPS.">
      <SimpleGrid component="dl" cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm" m={0}>
        <Fact label="Base DN">
          <Code data-testid="ldap-base-dn">{s.baseDn}</Code>
        </Fact>
        <Fact label="People">
          <Code>{s.peopleDn}</Code>
        </Fact>
        <Fact label="Groups">
          <Code>{s.groupsDn}</Code>
        </Fact>
        <Fact label="Service accounts">
          <Code>{s.servicesDn}</Code>
        </Fact>
        <Fact label="LDAP, with StartTLS">
          <Code data-testid="ldap-uri">{ldapUri(s)}</Code>
        </Fact>
        <Fact label="LDAPS">
          <Code data-testid="ldaps-uri">{ldapsUri(s)}</Code>
        </Fact>
      </SimpleGrid>
      {s.plainBindAllowed && (
        <Text size="sm" c="dimmed">
          This server also accepts binds without TLS on the LDAP port: use them only on a network you trust.
        </Text>
      )}
      {s.caCertificate ? (
        <Text size="sm">
          <Anchor href={ldapCaCertificateUrl(orgId)} download="castellan-ldap-ca.pem" fw={500}>
            Download CA certificate
          </Anchor>{' '}
          and install it on each host as <Code>{CA_PATH}</Code>, so that clients can check the server’s certificate.
        </Text>
      ) : (
        s.enabled && <Text size="sm">No CA certificate can be offered here: ask your Castellan operator for the one that signed the LDAP server’s certificate.</Text>
      )}
    </Section>
  );
}

/** The first LDAP application, made here: a resource whose settings name the protocol. */
function CreateLdapApplication({ orgId, onCreated }: { orgId: string; onCreated: () => void }) {
  const [name, setName] = useState('Linux hosts');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.createResource(orgId, { kind: 'application', name: name.trim(), settings: { protocol: 'ldap' } }));
    if (result.ok) onCreated();
  }

  return (
    <Alert color="blue" variant="light" title="No LDAP application yet" data-testid="no-ldap-application">
      <Stack gap="sm">
        <Text size="sm">
          LDAP shows the members granted access to an LDAP application, and service accounts belong to one. Create it here, or under{' '}
          <AppLink to="/console/resources">Resources</AppLink> as an application whose settings say{' '}
          <Code>{'{"protocol": "ldap"}'}</Code>; then grant users or groups access to it.
        </Text>
        <form onSubmit={submit} noValidate aria-label="Create an LDAP application">
          <Stack gap="sm">
            <ProblemAlert message={errors.alert} />
            <TextInput label="Application name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.field('name')} w={{ base: '100%', sm: 320 }} />
            <Group>
              <Button type="submit" loading={loading}>
                Create LDAP application
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Alert>
  );
}

function Snippet({ title, file, text, testId }: { title: string; file: string; text: string; testId: string }) {
  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="sm">
        <Title order={3} fz="md">
          {title} <Code>{file}</Code>
        </Title>
        <CopyValue value={text} label={`Copy ${file}`} />
      </Group>
      <Code block data-testid={testId} style={{ overflowX: 'auto', maxWidth: '100%' }}>
        {text}
      </Code>
    </Stack>
  );
}

/** SSSD's and nslcd's configurations for this organization, binding as the chosen service account. */
function HostConfigurations({ s, accounts }: { s: LdapSettings; accounts: Array<ServiceAccount & { application: string }> }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const bindDn = accounts.find((a) => a.dn === chosen)?.dn ?? accounts[0]?.dn ?? null;
  return (
    <Section
      title="Host configuration"
      description="Ready to paste on each host, with the secret of the service account in place of the placeholder. Install the CA certificate first."
    >
      {accounts.length > 0 ? (
        <NativeSelect
          label="Bind as"
          value={bindDn ?? ''}
          onChange={(e) => setChosen(e.currentTarget.value)}
          data={accounts.map((a) => ({ value: a.dn, label: `${a.name} (${a.application})` }))}
          w={{ base: '100%', sm: 380 }}
        />
      ) : (
        <Text size="sm" c="dimmed">
          Create a service account above: its DN takes the place of the placeholder.
        </Text>
      )}
      <Snippet title="SSSD" file="/etc/sssd/sssd.conf" text={sssdConf(s, bindDn)} testId="sssd-conf" />
      <Snippet title="nslcd" file="/etc/nslcd.conf" text={nslcdConf(s, bindDn)} testId="nslcd-conf" />
    </Section>
  );
}

/** PRO-1: the organization's directory over LDAP: where it is, its service accounts, and how Linux hosts use it. */
export default function LdapPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [settings, setSettings] = useState<LdapSettings | null>(null);
  const [accounts, setAccounts] = useState<Record<string, ServiceAccount[]>>({});
  const [accountErrors, setAccountErrors] = useState<Record<string, string>>({});
  const load = useRequest();

  const loadAccounts = useCallback(
    (resourceId: string) => {
      api
        .serviceAccounts(orgId, resourceId)
        .then((r) => {
          setAccounts((all) => ({ ...all, [resourceId]: r.items }));
          setAccountErrors(({ [resourceId]: _gone, ...rest }) => rest);
        })
        .catch((e: unknown) => setAccountErrors((all) => ({ ...all, [resourceId]: toApiError(e).detail })));
    },
    [orgId],
  );

  const fetchSettings = load.run;
  const refresh = useCallback(() => {
    void fetchSettings(() => api.ldapSettings(orgId)).then((r) => {
      if (!r.ok) return;
      setSettings(r.value);
      for (const app of r.value.applications) loadAccounts(app.id);
    });
  }, [fetchSettings, orgId, loadAccounts]);

  useEffect(() => refresh(), [refresh]);

  const everyAccount = useMemo(
    () => (settings?.applications ?? []).flatMap((app) => (accounts[app.id] ?? []).map((a) => ({ ...a, application: app.name }))).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [settings, accounts],
  );

  const header = <PageHeader title="LDAP" description="Linux hosts (SSSD, nslcd) and applications read your directory over LDAP." />;
  if (!settings) {
    return (
      <>
        {header}
        {load.error ? (
          <Stack gap="sm" align="flex-start">
            <ProblemAlert message={load.error.detail} />
            <Button variant="default" onClick={refresh} loading={load.loading}>
              Try again
            </Button>
          </Stack>
        ) : (
          <PageLoader label="Loading the LDAP settings…" minHeight={160} />
        )}
      </>
    );
  }

  return (
    <>
      {header}
      <VerifyEmailNotice consequence="Until then, you cannot manage service accounts." />
      <Stack gap="lg">
        {!settings.enabled && (
          <Alert color="yellow" variant="light" title="LDAP is turned off on this server" role="note" data-testid="ldap-disabled">
            The operator has turned the LDAP listeners off (<Code>CASTELLAN_LDAP_ENABLED=false</Code>), so no client can connect now. What you set up here takes
            effect once they turn it on.
          </Alert>
        )}
        <Connection orgId={orgId} s={settings} />
        {settings.applications.length === 0 && <CreateLdapApplication orgId={orgId} onCreated={refresh} />}
        {settings.applications.map((app) => (
          <ServiceAccounts
            key={app.id}
            orgId={orgId}
            application={app}
            accounts={accounts[app.id] ?? null}
            error={accountErrors[app.id] ?? null}
            onChanged={() => loadAccounts(app.id)}
          />
        ))}
        <HostConfigurations s={settings} accounts={everyAccount} />
      </Stack>
    </>
  );
}
