import { Button, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSession, useSignedIn } from '../../session.tsx';

/**
 * The organization's own settings: its name (the LDAP subtree keeps its slug) and ACC-5's switch,
 * which requires two-step verification of every member. The server refuses to turn it on for an
 * admin who has none yet, so nobody shuts themselves out of the console.
 */
export default function OrgSecurity() {
  const { user, organization } = useSignedIn();
  const { refresh } = useSession();
  const [name, setName] = useState(organization?.name ?? '');
  const [notice, setNotice] = useState<string | null>(null);
  const rename = useRequest();
  const mfa = useRequest();
  const renameErrors = splitErrors(rename.error, ['name']);
  const mfaErrors = splitErrors(mfa.error, ['requireMfa']);
  if (!organization) return null;
  const orgId = organization.id;

  async function submitName(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const result = await rename.run(() => api.updateOrganization(orgId, { name: name.trim() }));
    if (result.ok) {
      setNotice(`The organization is now called ${result.value.name}. Its LDAP subtree is still o=${result.value.slug}.`);
      await refresh();
    }
  }

  async function setRequireMfa(requireMfa: boolean) {
    setNotice(null);
    const result = await mfa.run(() => api.updateOrganization(orgId, { requireMfa }));
    if (result.ok) {
      setNotice(requireMfa ? 'Every member now needs two-step verification.' : 'Two-step verification is no longer required.');
      await refresh();
    }
  }

  return (
    <Section title="Organization settings" description="The organization's name, and what every member must do to sign in.">
      <Stack gap="lg">
        {notice && (
          <Text c="teal.8" role="status">
            {notice}
          </Text>
        )}
        <form onSubmit={submitName} noValidate aria-label="Rename the organization">
          <Group align="flex-end" gap="sm">
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={renameErrors.field('name')} maw={360} w="100%" />
            <Button type="submit" variant="light" loading={rename.loading} disabled={name.trim() === organization.name}>
              Rename
            </Button>
          </Group>
          <ProblemAlert message={renameErrors.alert} />
        </form>
        <Stack gap="xs">
          <Switch
            label="Require two-step verification for every member"
            checked={organization.requireMfa}
            disabled={mfa.loading}
            onChange={(e) => void setRequireMfa(e.currentTarget.checked)}
          />
          <Text size="sm" c="dimmed">
            Members without it are asked to turn it on; admins without it cannot use the console until they do. LDAP binds (and RADIUS) then take the six-digit code
            from the authenticator app typed right after the password, as in <code>password123456</code>.
          </Text>
          {!user.mfaEnabled && !organization.requireMfa && (
            <Text size="sm">
              Turn it on for your own account first: <AppLink to="/account">set up two-step verification</AppLink>.
            </Text>
          )}
          <ProblemAlert message={mfaErrors.field('requireMfa') ?? mfaErrors.alert} />
        </Stack>
      </Stack>
    </Section>
  );
}
