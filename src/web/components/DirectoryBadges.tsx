import { Badge } from '@mantine/core';

/** A user's status: active, or suspended (who may use nothing). */
export function StatusBadge({ status }: { status: string }) {
  if (status === 'active') {
    return (
      <Badge color="teal" variant="light">
        Active
      </Badge>
    );
  }
  return (
    <Badge color="red" variant="light">
      {status === 'suspended' ? 'Suspended' : status}
    </Badge>
  );
}

/** Whether a user may use a resource now. */
export function AllowedBadge({ allowed }: { allowed: boolean }) {
  return allowed ? (
    <Badge color="teal" variant="light">
      Allowed
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      Not allowed
    </Badge>
  );
}

export const roleLabel = (role: string | null) => (role === 'admin' ? 'Admin' : role === 'member' ? 'Member' : '—');
