import { Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import type { ApiError } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { PolicyAnnouncement } from '../components/PolicyAnnouncement.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { GoogleSignInButton } from '../components/GoogleSignInButton.tsx';
import { googleMessage } from '../api/google.ts';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { safeReturnPath } from '../lib/navigation.ts';
import { homePath, useSession } from '../session.tsx';

function lockedMessage(error: ApiError): string {
  const s = error.retryAfterSeconds;
  if (!s) return error.detail;
  const minutes = Math.ceil(s / 60);
  return `${error.detail} You can try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`;
}

/** ACC-5, ACC-7: email and password, then the authentication code when the account has two-factor on. */
export default function SignInPage() {
  const { signIn } = useSession();
  const [, navigate] = useLocation();
  // Back to the page that sent the visitor here (an emailed link), when it is one of ours.
  const next = safeReturnPath(new URLSearchParams(useSearch()).get('next'));
  // ACC-4: a refused Google sign-in comes back here with its problem's code.
  const googleError = googleMessage(new URLSearchParams(useSearch()).get('google'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'password' | 'code'>('password');
  const { loading, error, run, reset } = useRequest();

  const errors = splitErrors(error, step === 'password' ? ['email', 'password'] : ['totp']);
  const alert = error && error.code === 'accounts.locked' ? lockedMessage(error) : errors.alert;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const totp = step === 'code' ? code.trim().replace(/\s+/g, '') : undefined;
    const result = await run(() => signIn({ email: email.trim(), password, ...(totp !== undefined ? { totp } : {}) }));
    if (result.ok) {
      navigate(next ?? homePath(result.value));
      return;
    }
    if (step === 'password' && result.error.code === 'accounts.mfa_required') {
      reset();
      setCode('');
      setStep('code');
    }
  }

  if (step === 'code') {
    return (
      <PublicLayout title="Two-factor authentication" documentTitle="Two-factor authentication">
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text size="sm">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</Text>
            <ProblemAlert message={alert} />
            <TextInput
              label="Authentication code"
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={errors.field('totp')}
              data-autofocus
              autoFocus
            />
            <Button type="submit" loading={loading} fullWidth>
              Verify
            </Button>
            <Group justify="center">
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  reset();
                  setPassword('');
                  setStep('password');
                }}
              >
                Use a different account
              </Anchor>
            </Group>
          </Stack>
        </form>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Sign in to Castellan" documentTitle="Sign in">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <PolicyAnnouncement />
          <ProblemAlert message={alert ?? googleError} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.field('email')}
          />
          <PasswordField
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.field('password')}
          />
          <Group justify="flex-end" mt={-8}>
            <AppLink to="/forgot-password" size="sm">
              Forgot password?
            </AppLink>
          </Group>
          <Button type="submit" loading={loading} fullWidth>
            Sign in
          </Button>
          <GoogleSignInButton next={next} />
          <Text size="sm" ta="center">
            New to Castellan? <AppLink to="/sign-up">Create an account</AppLink>
          </Text>
          <Text size="xs" ta="center" c="dimmed">
            <AppLink to="/privacy" size="xs" c="dimmed">
              Privacy policy
            </AppLink>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
