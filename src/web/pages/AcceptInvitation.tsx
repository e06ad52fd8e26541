import { Button, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSearch } from 'wouter';
import { api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { PasswordStrength } from '../components/PasswordStrength.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';

/** ACC-2, DIR-2: an invited user sets their own first password with the emailed single-use token. */
export default function AcceptInvitationPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [accepted, setAccepted] = useState<{ email: string | null } | null>(null);
  const { loading, error, run, reset } = useRequest();
  const errors = splitErrors(error, ['password']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.acceptInvitation(token, password));
    if (result.ok) setAccepted({ email: result.value?.email ?? null });
  }

  if (accepted) {
    return (
      <PublicLayout title="Your password is set" documentTitle="Password set">
        <Text>
          {accepted.email ? (
            <>
              Sign in as <strong>{accepted.email}</strong> with your new password to start using your organization’s resources.
            </>
          ) : (
            'Sign in with your new password to start using your organization’s resources.'
          )}
        </Text>
        <AppLink to="/sign-in">Sign in</AppLink>
      </PublicLayout>
    );
  }

  if (!token) {
    return (
      <PublicLayout title="Set your password" documentTitle="Set your password">
        <ProblemAlert message="This link is incomplete. Open the link from your invitation email again, or ask your administrator to invite you again." />
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Set your password" documentTitle="Set your password">
      <Text size="sm" c="dimmed">
        You were invited to Castellan. Choose the password you will sign in with; nobody else ever sees or sets it.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          {error?.code === 'accounts.invalid_token' && (
            <Text size="sm">The invitation may have been used already or expired. Ask your administrator to invite you again.</Text>
          )}
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
            Set password
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
