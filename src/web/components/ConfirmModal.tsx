import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert.tsx';

/** Asks before something that cannot be undone; Cancel has the focus first. */
export function ConfirmModal({
  opened,
  title,
  confirmLabel,
  onCancel,
  onConfirm,
  loading,
  error,
  children,
}: {
  opened: boolean;
  title: string;
  confirmLabel: string;
  onCancel: () => void;
  onConfirm: () => void;
  loading: boolean;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={loading ? () => undefined : onCancel} title={title} centered>
      <Stack gap="md">
        {children}
        <ProblemAlert message={error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel} disabled={loading} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={loading}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
