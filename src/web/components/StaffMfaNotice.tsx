import { Alert, Text } from '@mantine/core';
import type { User } from '../api.ts';
import { AppLink } from './AppLink.tsx';

/** The staff roles that read every organization's data; mirrors STAFF_ROLES_NEEDING_MFA (the server decides). */
const NEEDS_MFA = ['owner', 'privacy'];

/** Staff whose role needs two-step verification, without it: their staff pages stay closed until they turn it on. */
export function StaffMfaNotice({ user }: { user: User }) {
  if (user.kind !== 'staff' || user.mfaEnabled || !NEEDS_MFA.includes(user.staffRole ?? '')) return null;
  return (
    <Alert color="orange" title="Turn on two-step verification" mb="md" data-testid="staff-mfa-notice">
      <Text size="sm">
        Your role ({user.staffRole}) reads every organization’s audit log and personal data, so its tools open only once two-step
        verification is on for your account. <AppLink to="/account">Set it up on your account page</AppLink>.
      </Text>
    </Alert>
  );
}
