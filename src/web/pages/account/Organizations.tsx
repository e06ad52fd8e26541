import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { type PendingInvitation, api, toApiError } from '../../api.ts';
import { WHOLE } from '../../components/DirectoryBadges.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useSession, useSignedIn } from '../../session.tsx';

/**
 * DIR-2, GOV-3: the organizations a person belongs to, and the invitations waiting for their
 * address (shown once it is verified), each accepted here with one click.
 */
export function OrganizationsSection() {
  const { memberships, invitations, organization } = useSignedIn();
  const { refresh, switchOrganization } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function accept(invitation: PendingInvitation) {
    setBusy(invitation.id);
    setError(null);
    try {
      await api.acceptPendingInvitation(invitation.id);
      await switchOrganization(invitation.organization.id);
      await refresh();
    } catch (e) {
      setError(toApiError(e).detail);
    } finally {
      setBusy(null);
    }
  }

  if (memberships.length === 0 && invitations.length === 0) return null;
  return (
    <Section title="Organizations" description="The organizations you belong to, and the invitations waiting for you.">
      <Stack gap="sm">
        <ProblemAlert message={error} />
        {memberships.map((m) => (
          <Group key={m.id} justify="space-between" wrap="nowrap">
            <Text size="sm">
              {m.organization.name}
              {m.orgId === organization?.id ? ' (in view)' : ''}
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Badge variant="light" color={m.status === 'active' ? 'teal' : 'red'} style={WHOLE}>
                {m.status === 'active' ? (m.orgRole === 'admin' ? 'Admin' : 'Member') : 'Suspended'}
              </Badge>
            </Group>
          </Group>
        ))}
        {invitations.map((inv) => (
          <Group key={inv.id} justify="space-between" wrap="nowrap">
            <Text size="sm">
              Invited to “{inv.organization.name}”{inv.invitedAt ? ` on ${formatDateTime(inv.invitedAt)}` : ''}
            </Text>
            <Button size="xs" loading={busy === inv.id} onClick={() => accept(inv)} aria-label={`Accept the invitation to ${inv.organization.name}`}>
              Accept
            </Button>
          </Group>
        ))}
      </Stack>
    </Section>
  );
}
