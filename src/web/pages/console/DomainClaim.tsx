import { Button, Checkbox, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type Domain, type DomainAccount, domainsApi } from '../../api/domains.ts';
import { toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { useRequest } from '../../lib/forms.ts';

/** GOV-3: the accounts on a verified domain the organization does not control yet, and the claim. */
export function ClaimPreview({ orgId, domain }: { orgId: string; domain: Domain }) {
  const [accounts, setAccounts] = useState<DomainAccount[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [claimed, setClaimed] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const claim = useRequest();

  const load = useCallback(async () => {
    try {
      const all: DomainAccount[] = [];
      let cursor: string | null = null;
      do {
        const page = await domainsApi.domainAccounts(orgId, domain.id, cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && all.length < 5000);
      setAccounts(all);
      setSelected(new Set(all.map((a) => a.id)));
      setLoadError(null);
    } catch (e) {
      setLoadError(toApiError(e).detail);
    }
  }, [orgId, domain.id]);
  useEffect(() => {
    void load();
  }, [load]);

  async function submit() {
    const ids = [...selected];
    const result = await claim.run(() => domainsApi.claim(orgId, domain.id, { accountIds: ids }));
    if (result.ok) {
      setConfirming(false);
      setClaimed(result.value.count);
      await load();
    }
  }

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <Section
      title={`Accounts on ${domain.displayName}`}
      description="People whose account address is on this domain and whom your organization does not administer yet. Taking control lets your admins end their access and install integrations, and their email changes then need your approval. Each person is told by email and in the app."
    >
      <Stack gap="sm" data-testid="claim-preview" data-domain={domain.name}>
        {claimed !== null && (
          <Text c="teal.8" role="status">
            Your organization now administers {claimed} account{claimed === 1 ? '' : 's'}; each person was told.
          </Text>
        )}
        <ProblemAlert message={loadError} />
        {accounts === null && !loadError && <PageLoader label="Loading accounts…" minHeight={60} />}
        {accounts !== null && accounts.length === 0 && <Text c="dimmed">No account on this domain is left to take control of.</Text>}
        {accounts !== null && accounts.length > 0 && (
          <>
            <Checkbox
              label="Select all"
              checked={selected.size === accounts.length}
              indeterminate={selected.size > 0 && selected.size < accounts.length}
              onChange={(e) => setSelected(e.currentTarget.checked ? new Set(accounts.map((a) => a.id)) : new Set())}
            />
            <Table.ScrollContainer minWidth={520}>
            <Table withTableBorder striped fz="sm" aria-label={`Accounts on ${domain.displayName}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>
                    <VisuallyHidden>Take control</VisuallyHidden>
                  </Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Member</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {accounts.map((a) => (
                  <Table.Tr key={a.id} data-testid="domain-account" data-email={a.email}>
                    <Table.Td>
                      <Checkbox aria-label={`Take control of ${a.email}`} checked={selected.has(a.id)} onChange={(e) => toggle(a.id, e.currentTarget.checked)} />
                    </Table.Td>
                    <Table.Td>{a.name}</Table.Td>
                    <Table.Td>{a.email}</Table.Td>
                    <Table.Td>{a.member ? 'Yes' : 'No'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            </Table.ScrollContainer>
            <Group>
              <Button
                onClick={() => {
                  claim.reset();
                  setConfirming(true);
                }}
                disabled={selected.size === 0}
              >
                Take control of {selected.size} account{selected.size === 1 ? '' : 's'}
              </Button>
            </Group>
          </>
        )}
      </Stack>
      <ConfirmModal
        opened={confirming}
        title={`Take control of ${selected.size} account${selected.size === 1 ? '' : 's'}?`}
        confirmLabel="Take control"
        onCancel={() => setConfirming(false)}
        onConfirm={submit}
        loading={claim.loading}
        error={claim.error?.detail}
      >
        <Text size="sm">Each person is emailed and sees a notice in their account saying that your organization now administers it, and what that means.</Text>
      </ConfirmModal>
    </Section>
  );
}
