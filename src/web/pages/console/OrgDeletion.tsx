import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import type { OrgDeletion as Deletion } from '../../../contracts/org-deletion.ts';
import { orgDeletionApi } from '../../api/org-deletion.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { StepUpFields, stepUpProof } from '../../components/StepUpFields.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';

/**
 * DSR-6: "Delete organization", in the organization's settings. The admin types the organization's
 * name and their password (and code, with two-step verification on); the deletion then waits
 * 7 days, shown here with a Cancel button, before access stops and everything is erased.
 */
export default function OrgDeletion() {
  const { user, organization } = useSignedIn();
  const [state, setState] = useState<Deletion | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const ask = useRequest();
  const cancel = useRequest();
  const errors = splitErrors(ask.error, ['name', 'password', 'code']);
  const orgId = organization?.id;

  useEffect(() => {
    if (!orgId) return;
    let live = true;
    orgDeletionApi.orgDeletion(orgId).then(
      (d) => live && setState(d),
      (e: unknown) => live && setLoadError(e instanceof Error ? e.message : 'The deletion status could not be loaded.'),
    );
    return () => {
      live = false;
    };
  }, [orgId]);

  if (!organization || !orgId) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const result = await ask.run(async () => {
      await orgDeletionApi.requestOrgDeletion(orgId as string, { name, ...stepUpProof(password, code, user.mfaEnabled) });
      return orgDeletionApi.orgDeletion(orgId as string);
    });
    if (result.ok) {
      setState(result.value);
      setName('');
      setPassword('');
      setCode('');
    }
  }

  async function undo() {
    const result = await cancel.run(async () => {
      await orgDeletionApi.cancelOrgDeletion(orgId as string);
      return orgDeletionApi.orgDeletion(orgId as string);
    });
    if (result.ok) {
      setState(result.value);
      setNotice('The deletion is cancelled. Every member is told; nothing changes.');
    }
  }

  return (
    <Section
      title="Delete organization"
      description="Deletes the organization and all its data: its members, groups, resources and access, for every system and application that signs in through it."
    >
      {loadError && <ProblemAlert message={loadError} />}
      {notice && (
        <Text c="teal.8" role="status">
          {notice}
        </Text>
      )}
      {state?.state === 'scheduled' ? (
        <Stack gap="sm">
          <Alert color="red" title="Deletion scheduled" role="status">
            {`The organization will be deleted on ${formatDateTime(state.deleteAt as string)}. Every member was told by email. Until then it works as before, and any administrator can cancel.`}
          </Alert>
          <Group>
            <Button variant="default" onClick={() => void undo()} loading={cancel.loading}>
              Cancel the deletion
            </Button>
          </Group>
          <ProblemAlert message={cancel.error?.detail ?? null} />
        </Stack>
      ) : state ? (
        <form onSubmit={submit} noValidate aria-label="Delete the organization">
          <Stack gap="sm">
            <Text size="sm">
              After you confirm, every member (and everyone invited) is told by email, and nothing happens for 7 days: any administrator can cancel until then. At the
              end of the wait, sign-in through LDAP and the other protocols and this console stop for the organization, and its data is erased everywhere; support
              tickets are kept without names for record keeping, and the audit log is kept. You get a record of what was erased by email. Members keep their own
              accounts and any other organization.
            </Text>
            <TextInput
              label={`Type the organization's name, ${organization.name}, to confirm`}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.field('name')}
              autoComplete="off"
              maw={420}
            />
            <StepUpFields password={password} onPassword={setPassword} code={code} onCode={setCode} mfa={user.mfaEnabled} error={errors.field} />
            <ProblemAlert message={errors.alert} />
            <Group>
              <Button type="submit" color="red" loading={ask.loading} disabled={name !== organization.name || password === ''}>
                Delete organization
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Section>
  );
}
