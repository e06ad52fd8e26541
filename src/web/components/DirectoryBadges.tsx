import { Badge } from '@mantine/core';

/** Mantine's badge may shrink to an ellipsis in a table cell; these never do. */
export const WHOLE = { minWidth: 'max-content' } as const;

/** A user's status: invited (has not accepted yet), active, or suspended (who may use nothing). */
export function StatusBadge({ status }: { status: string }) {
  if (status === 'invited') {
    return (
      <Badge color="yellow" variant="light" style={WHOLE}>
        Invited
      </Badge>
    );
  }
  if (status === 'active') {
    return (
      <Badge color="teal" variant="light" style={WHOLE}>
        Active
      </Badge>
    );
  }
  return (
    <Badge color="red" variant="light" style={WHOLE}>
      {status === 'suspended' ? 'Suspended' : status}
    </Badge>
  );
}

/** Whether a user may use a resource now. */
export function AllowedBadge({ allowed }: { allowed: boolean }) {
  return allowed ? (
    <Badge color="teal" variant="light" style={WHOLE}>
      Allowed
    </Badge>
  ) : (
    <Badge color="gray" variant="light" style={WHOLE}>
      Not allowed
    </Badge>
  );
}

export const roleLabel = (role: string | null) => (role === 'admin' ? 'Admin' : role === 'member' ? 'Member' : '—');
