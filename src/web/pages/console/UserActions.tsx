import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { type ApiError, type User, api, toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';

/** The problem of a user action, with a title when it is the plan's limit (DIR-4). */
export function actionProblem(err: ApiError): { title?: string; message: string } {
  if (err.code === 'directory.user_limit_reached') return { title: 'User limit reached', message: err.detail };
  return { message: err.detail };
}

/**
 * Suspend or reactivate a user, or delete them after a confirmation (ACC-6, GOV-1).
 * Not offered on one's own account: the API refuses it (directory.cannot_change_self).
 */
export function UserActions({
  orgId,
  user,
  isSelf,
  describedBy,
  onChanged,
  onDeleted,
  onError,
}: {
  orgId: string;
  user: User;
  isSelf: boolean;
  /** The id of the element naming the user, so "Suspend" is announced as "Suspend, Grace Hopper". */
  describedBy?: string;
  onChanged: (user: User) => void;
  onDeleted: (user: User) => void;
  onError: (problem: { title?: string; message: string } | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  if (isSelf) {
    return (
      <Text size="sm" c="dimmed">
        That is you
      </Text>
    );
  }

  async function setStatus(action: 'suspend' | 'reactivate') {
    setBusy(true);
    onError(null);
    try {
      const updated = action === 'suspend' ? await api.suspendUser(orgId, user.id) : await api.reactivateUser(orgId, user.id);
      onChanged(updated);
    } catch (e) {
      onError(actionProblem(toApiError(e)));
    } finally {
      setBusy(false);
    }
  }

  /** DIR-2: a pending invitation is sent again with a new link, or withdrawn (its seat is free again). */
  async function resend() {
    setBusy(true);
    onError(null);
    try {
      onChanged(await api.resendInvitation(orgId, user.id));
    } catch (e) {
      onError(actionProblem(toApiError(e)));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setDeleting(true);
    setDeleteError(null);
    try {
      if (invited) await api.revokeInvitation(orgId, user.id);
      else await api.deleteUser(orgId, user.id);
      setConfirming(false);
      onDeleted(user);
    } catch (e) {
      const err = toApiError(e);
      if (err.status === 404) {
        setConfirming(false);
        onDeleted(user);
      } else {
        setDeleteError(err.detail);
      }
    } finally {
      setDeleting(false);
    }
  }

  const invited = user.status === 'invited';
  return (
    <>
      <Group gap="xs" wrap="wrap">
        {invited ? (
          <Button size="xs" variant="default" loading={busy} onClick={resend} aria-describedby={describedBy}>
            Send invitation again
          </Button>
        ) : user.status === 'active' ? (
          <Button size="xs" variant="default" loading={busy} onClick={() => setStatus('suspend')} aria-describedby={describedBy}>
            Suspend
          </Button>
        ) : (
          <Button size="xs" variant="default" loading={busy} onClick={() => setStatus('reactivate')} aria-describedby={describedBy}>
            Reactivate
          </Button>
        )}
        <Button
          size="xs"
          variant="light"
          color="red"
          onClick={() => {
            setDeleteError(null);
            setConfirming(true);
          }}
          aria-describedby={describedBy}
        >
          {invited ? 'Withdraw invitation' : 'Delete'}
        </Button>
      </Group>
      <ConfirmModal
        opened={confirming}
        title={invited ? `Withdraw the invitation of ${user.name}?` : `Delete ${user.name}?`}
        confirmLabel={invited ? 'Withdraw invitation' : 'Delete user'}
        onCancel={() => setConfirming(false)}
        onConfirm={remove}
        loading={deleting}
        error={deleteError}
      >
        <Text size="sm">
          {invited
            ? `The link sent to ${user.email} stops working, and the seat it took is free again.`
            : `${user.name} (${user.email}) loses access to everything at once, and is removed from your organization. Their own account stays theirs. This cannot be undone.`}
        </Text>
      </ConfirmModal>
    </>
  );
}
