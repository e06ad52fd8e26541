import { Button, Loader, Stack, Text } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { type ApiError, type InvitationInfo, api, toApiError } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { PasswordStrength } from '../components/PasswordStrength.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { useSession } from '../session.tsx';

/**
 * DIR-2, GOV-3, ACC-2: the page an invitation link opens. The owner of the invited address accepts
 * it signed in with that address, or, when the address has no account, creates theirs with their
 * own password. Nothing is linked until they do.
 */
export default function AcceptInvitationPage({ token }: { token: string }) {
  const { state, refresh, switchOrganization } = useSession();
  const [, navigate] = useLocation();
  const [info, setInfo] = useState<InvitationInfo | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [password, setPassword] = useState('');
  const [accepted, setAccepted] = useState<{ email: string; signedIn: boolean } | null>(null);
  const { loading, error, run, reset } = useRequest();
  const errors = splitErrors(error, ['password']);

  useEffect(() => {
    api.invitation(token).then(setInfo, (e) => setLoadError(toApiError(e)));
  }, [token]);

  const signedIn = state.status === 'signedIn' ? state.user : null;
  const nextHere = `/sign-in?next=${encodeURIComponent(`/invitations/${token}`)}`;

  async function acceptSignedIn() {
    const result = await run(() => api.acceptInvitation(token));
    if (!result.ok || !info) return;
    await refresh();
    await switchOrganization(info.organization.id);
    navigate('/account');
  }

  async function createAccount(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.acceptInvitation(token, password));
    if (result.ok) setAccepted({ email: result.value?.email ?? info?.email ?? '', signedIn: false });
  }

  if (loadError) {
    return (
      <PublicLayout title="Invitation" documentTitle="Invitation">
        <ProblemAlert message={loadError.detail} />
        <Text size="sm">The link may have been used already, withdrawn, or expired. Ask the organization’s administrator to send it again.</Text>
      </PublicLayout>
    );
  }
  if (!info) {
    return (
      <PublicLayout title="Invitation" documentTitle="Invitation">
        <Loader aria-label="Loading the invitation" />
      </PublicLayout>
    );
  }
  if (accepted) {
    return (
      <PublicLayout title="Welcome" documentTitle={`Invitation to ${info.organization.name} accepted`}>
        <Text>
          Your account is ready. Sign in as <strong style={{ overflowWrap: 'anywhere' }}>{accepted.email}</strong> with your new password to start using the resources of “{info.organization.name}”.
        </Text>
        <AppLink to="/sign-in">Sign in</AppLink>
      </PublicLayout>
    );
  }

  const title = `Join “${info.organization.name}”`;
  if (signedIn) {
    const same = signedIn.email.toLowerCase() === info.email.toLowerCase();
    return (
      <PublicLayout title={title} documentTitle={`Invitation to ${info.organization.name}`}>
        {same ? (
          <Stack gap="md">
            <Text>
              You are signed in as <strong>{signedIn.email}</strong>, the address this invitation was sent to.
            </Text>
            <ProblemAlert message={error?.detail} />
            <Button onClick={acceptSignedIn} loading={loading}>
              Accept the invitation
            </Button>
          </Stack>
        ) : (
          <Text>
            This invitation was sent to <strong>{info.email}</strong>, but you are signed in as <strong>{signedIn.email}</strong>. Sign out, then open the link
            again and sign in with the invited address.
          </Text>
        )}
      </PublicLayout>
    );
  }
  if (info.account === 'exists') {
    return (
      <PublicLayout title={title} documentTitle={`Invitation to ${info.organization.name}`}>
        <Text>
          You were invited to join <strong>{info.organization.name}</strong>. <strong>{info.email}</strong> already has an account: sign in with it to accept the invitation.
        </Text>
        <AppLink to={nextHere}>Sign in to accept</AppLink>
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title={title} documentTitle={`Create your account · ${info.organization.name}`}>
      <Text size="sm" c="dimmed">
        You were invited to join <strong>{info.organization.name}</strong> as <strong>{info.email}</strong>. Choose the password you will sign in with; nobody else ever sees or sets it.
      </Text>
      <form onSubmit={createAccount} noValidate>
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <div>
            <PasswordField
              label="Password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => {
                setPassword(e.currentTarget.value);
                // A refusal was about the password typed before: it no longer applies.
                if (error?.code === 'accounts.weak_password') reset();
              }}
              error={errors.field('password')}
              description="At least 10 characters."
            />
            <PasswordStrength password={password} />
          </div>
          <Button type="submit" loading={loading} fullWidth>
            Create my account and accept
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
