import { Button, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';

/** ACC-2, ACC-7: ask for a reset link; the answer never says whether the address has an account. */
export default function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['email']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.requestPasswordReset(email.trim()));
    if (result.ok) setSent(true);
  }

  if (sent) {
    return (
      <PublicLayout title="Check your email" documentTitle="Check your email">
        <Text>If an account exists for that address, we sent a link to set a new password. The link works once.</Text>
        <AppLink to="/sign-in">Back to sign in</AppLink>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Forgot your password?" documentTitle="Forgot password">
      <Text size="sm" c="dimmed">
        Enter the email address of your account and we will send you a link to set a new password.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.field('email')}
          />
          <Button type="submit" loading={loading} fullWidth>
            Send reset link
          </Button>
          <Text size="sm" ta="center">
            <AppLink to="/sign-in">Back to sign in</AppLink>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
