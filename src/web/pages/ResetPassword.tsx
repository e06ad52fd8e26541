import { Button, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSearch } from 'wouter';
import { api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PasswordStrength } from '../components/PasswordStrength.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { useSession } from '../session.tsx';

/** ACC-2: set a new password with the emailed single-use token; every session of the account ends. */
export default function ResetPasswordPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const { state: session, refresh } = useSession();
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['newPassword'], { password: 'newPassword' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.confirmPasswordReset(token, password));
    if (result.ok) {
      setDone(true);
      // Every session ended, this browser's too.
      if (session.status === 'signedIn') refresh().catch(() => undefined);
    }
  }

  if (done) {
    return (
      <PublicLayout title="Your password was changed" documentTitle="Password changed">
        <Text>Your password was changed, and every session of your account was signed out. Sign in with the new password.</Text>
        <AppLink to="/sign-in">Sign in</AppLink>
      </PublicLayout>
    );
  }

  if (!token) {
    return (
      <PublicLayout title="Set a new password" documentTitle="Set a new password">
        <ProblemAlert message="This link is incomplete. Open the link from the email again, or ask for a new one." />
        <AppLink to="/forgot-password">Ask for a new link</AppLink>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Set a new password" documentTitle="Set a new password">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          {error?.code === 'accounts.invalid_token' && (
            <Text size="sm">
              <AppLink to="/forgot-password">Ask for a new link</AppLink>
            </Text>
          )}
          <div>
            <PasswordField
              label="New password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errors.field('newPassword')}
              description="At least 10 characters."
            />
            <PasswordStrength password={password} />
          </div>
          <Button type="submit" loading={loading} fullWidth>
            Set new password
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
