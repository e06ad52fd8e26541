import { Badge, Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Domain, domainsApi } from '../../api/domains.ts';
import { toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { CopyValue } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';
import { ClaimPreview } from './DomainClaim.tsx';

/** Why the last lookup did not verify the domain, in words. */
const CHECK_ERRORS: Record<string, string> = {
  not_found: 'No castellan-verification record was found at the name.',
  wrong_value: 'A castellan-verification record was found, but with another value.',
  dns_error: 'The DNS lookup failed; try again later.',
};

function AddDomain({ orgId, onAdded }: { orgId: string; onAdded: (d: Domain) => void }) {
  const [name, setName] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => domainsApi.addDomain(orgId, name));
    if (result.ok) {
      setName('');
      onAdded(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Add a domain">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <TextInput
          label="Domain"
          description="A domain your organization owns, such as example.com. Public mail domains (gmail.com and the like) cannot be added."
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field('name')}
          autoComplete="off"
          maxLength={300}
          w={{ base: '100%', sm: 360 }}
        />
        <Group>
          <Button type="submit" loading={loading} disabled={name.trim() === ''}>
            Add domain
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** GOV-2: what to publish, the status and last check, and the verify button. */
function DomainCard({ orgId, domain, onChange, onRemove }: { orgId: string; domain: Domain; onChange: (d: Domain) => void; onRemove: () => void }) {
  const verify = useRequest();
  const verified = domain.status === 'verified';
  const labelId = `domain-${domain.id}`;

  async function check() {
    const result = await verify.run(() => domainsApi.verifyDomain(orgId, domain.id));
    if (result.ok) onChange(result.value);
  }

  return (
    <li data-testid="domain" data-domain={domain.name} style={{ listStyle: 'none', padding: '12px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Stack gap="xs">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="sm" id={labelId}>
            <Text fw={600}>{domain.displayName}</Text>
            {domain.displayName !== domain.name && (
              <Text size="sm" c="dimmed">
                ({domain.name})
              </Text>
            )}
            <Badge color={verified ? 'teal' : 'gray'} variant="light" data-testid="domain-status">
              {verified ? 'Verified' : 'Not verified'}
            </Badge>
          </Group>
          <Group gap="xs">
            <Button size="xs" variant={verified ? 'light' : 'filled'} onClick={check} loading={verify.loading} aria-describedby={labelId}>
              {verified ? 'Check again' : 'Verify'}
            </Button>
            <Button size="xs" variant="light" color="red" onClick={onRemove} aria-describedby={labelId}>
              Remove
            </Button>
          </Group>
        </Group>
        {!verified && (
          <Stack gap={4}>
            <Text size="sm">Publish this TXT record in your domain's DNS, then press Verify (DNS changes can take a while to be seen):</Text>
            <Table withTableBorder fz="sm" maw={720} layout="fixed">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={80}>Name</Table.Th>
                  <Table.Td>
                    <Code style={{ wordBreak: 'break-all' }}>{domain.txtRecord.name}</Code>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Type</Table.Th>
                  <Table.Td>
                    <Code>TXT</Code>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Value</Table.Th>
                  <Table.Td>
                    <Group gap="xs" wrap="wrap">
                      <Code data-testid="txt-value" style={{ wordBreak: 'break-all' }}>
                        {domain.txtRecord.value}
                      </Code>
                      <CopyValue value={domain.txtRecord.value} label="Copy the TXT value" />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Stack>
        )}
        <Text size="sm" c="dimmed" data-testid="domain-check">
          {domain.lastCheckedAt ? `Last checked ${formatDateTime(domain.lastCheckedAt)}` : 'Not checked yet'}
          {verified && domain.verifiedAt ? ` · verified since ${formatDateTime(domain.verifiedAt)}; checked again daily` : ''}
          {domain.lastCheckError ? ` · ${CHECK_ERRORS[domain.lastCheckError] ?? domain.lastCheckError}` : ''}
        </Text>
        <ProblemAlert message={verify.error?.detail} />
      </Stack>
    </li>
  );
}

/**
 * GOV-2, GOV-3: the organization's domains. An admin adds a domain, publishes its TXT record and
 * verifies it; then sees the accounts on it and takes control of them.
 */
export default function DomainsPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [domains, setDomains] = useState<Domain[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Domain | null>(null);
  const del = useRequest();

  const refresh = useCallback(() => {
    domainsApi
      .domains(orgId)
      .then((r) => {
        setDomains(r.items);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(toApiError(e).detail));
  }, [orgId]);
  useEffect(() => refresh(), [refresh]);

  const replace = (d: Domain) => setDomains((list) => (list ?? []).map((x) => (x.id === d.id ? d : x)));

  async function remove() {
    if (!removing) return;
    const r = await del.run(() => domainsApi.removeDomain(orgId, removing.id));
    if (r.ok || r.error.status === 404) {
      setRemoving(null);
      refresh();
    }
  }

  const verified = (domains ?? []).filter((d) => d.status === 'verified');

  return (
    <>
      <PageHeader title="Domains" description="Verify the domains your organization owns, then take control of the accounts that use them." />
      <VerifyEmailNotice consequence="Until then, you cannot manage domains." />
      <Stack gap="lg">
        <Section title="Your domains" description="A domain is verified while its TXT record is published; it is checked again every day, and one whose record is gone is no longer verified (its accounts are released).">
          <ProblemAlert message={loadError} />
          {domains === null && !loadError && <PageLoader label="Loading domains…" minHeight={60} />}
          {domains !== null && (
            <>
              <ul data-testid="domains" aria-label="Domains" style={{ margin: 0, padding: 0 }}>
                {domains.map((d) => (
                  <DomainCard
                    key={d.id}
                    orgId={orgId}
                    domain={d}
                    onChange={replace}
                    onRemove={() => {
                      del.reset();
                      setRemoving(d);
                    }}
                  />
                ))}
              </ul>
              {domains.length === 0 && <Text c="dimmed">No domain yet.</Text>}
            </>
          )}
        </Section>
        <Section title="Add a domain">
          <AddDomain orgId={orgId} onAdded={(d) => setDomains((list) => [...(list ?? []), d].sort((a, b) => a.name.localeCompare(b.name)))} />
        </Section>
        {verified.map((d) => (
          <ClaimPreview key={`${d.id}-${d.verifiedAt ?? ''}`} orgId={orgId} domain={d} />
        ))}
      </Stack>
      <ConfirmModal
        opened={removing !== null}
        title={`Remove ${removing?.displayName ?? 'the domain'}?`}
        confirmLabel="Remove domain"
        onCancel={() => setRemoving(null)}
        onConfirm={remove}
        loading={del.loading}
        error={del.error?.detail}
      >
        <Text size="sm">
          {removing?.status === 'verified'
            ? 'Your organization stops administering the accounts it took control of through this domain; each person is told.'
            : 'The domain is not verified, so no account is affected.'}
        </Text>
      </ConfirmModal>
    </>
  );
}
