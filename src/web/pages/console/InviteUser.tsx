import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type User, api } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';

const EMPTY = { email: '', name: '', username: '' };

/** DIR-2, DIR-4: create a user, who gets an emailed link to set their own password (ACC-2). */
export function InviteUserModal({ orgId, opened, onClose, onInvited }: { orgId: string; opened: boolean; onClose: () => void; onInvited: (user: User) => void }) {
  const [draft, setDraft] = useState(EMPTY);
  const { loading, error, run, reset } = useRequest();
  const errors = splitErrors(error, ['email', 'name', 'username']);
  const limit = error?.code === 'directory.user_limit_reached';

  function close() {
    if (loading) return;
    reset();
    onClose();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const username = draft.username.trim();
    const result = await run(() => api.createUser(orgId, { email: draft.email.trim(), name: draft.name.trim(), ...(username ? { username } : {}) }));
    if (result.ok) {
      setDraft(EMPTY);
      onInvited(result.value);
    }
  }

  const set = (key: keyof typeof EMPTY) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [key]: value }));
  };

  return (
    <Modal opened={opened} onClose={close} title="Invite a user" centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Invite a user">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            They get an email with a link to set their own password. Nobody else ever sets it.
          </Text>
          <ProblemAlert title={limit ? 'User limit reached' : undefined} message={errors.alert} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            value={draft.email}
            onChange={set('email')}
            error={errors.field('email')}
            data-autofocus
          />
          <TextInput label="Name" autoComplete="off" value={draft.name} onChange={set('name')} error={errors.field('name')} />
          <TextInput
            label="Username (optional)"
            description="For systems (POSIX login). Made from the email when left empty."
            autoComplete="off"
            value={draft.username}
            onChange={set('username')}
            error={errors.field('username')}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={loading}>
              Cancel
            </Button>
            <Button type="submit" loading={loading}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
