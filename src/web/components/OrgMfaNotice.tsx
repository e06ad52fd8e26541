import { Alert, Text } from '@mantine/core';
import { useSignedIn } from '../session.tsx';
import { AppLink } from './AppLink.tsx';

/** ACC-5: the organization in view requires two-step verification and this person has not turned it on. */
export function OrgMfaNotice() {
  const { user, organization } = useSignedIn();
  if (!organization?.requireMfa || user.mfaEnabled) return null;
  return (
    <Alert color="orange" title="Turn on two-step verification" mb="md" data-testid="org-mfa-notice">
      <Text size="sm">
        {organization.name} requires two-step verification of every member. Until it is on, its console stays closed to you and LDAP binds are refused.{' '}
        <AppLink to="/account">Set it up on your account page</AppLink>.
      </Text>
    </Alert>
  );
}
