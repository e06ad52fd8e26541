import { Button, NativeSelect, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { type ApiError, toApiError } from '../api.ts';
import { type GooglePending, googleApi } from '../api/google.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { SignupConsents } from '../components/SignupConsents.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';

const SIZES = ['1–10', '11–50', '51–200', '201–1,000', '1,001–5,000', 'More than 5,000'];

/** Signed in: a full page load, so the whole app starts again with the new session cookie. */
const land = (next: string) => window.location.assign(next);

/** ACC-1, DSR-8: a new account through Google: the age confirmation and the organization sign-up asks for. */
function SignupStep({ pending }: { pending: GooglePending }) {
  const [form, setForm] = useState({ companyName: '', companySize: '', phone: '', address: '', ageConfirmed: false, personalization: true });
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['companyName', 'companySize', 'phone', 'address', 'ageConfirmed']);
  const set = (key: 'companyName' | 'companySize' | 'phone' | 'address') => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [key]: value }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() =>
      googleApi.signup({
        companyName: form.companyName.trim(),
        ...(form.companySize ? { companySize: form.companySize } : {}),
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
        ...(form.address.trim() ? { address: form.address.trim() } : {}),
        ageConfirmed: form.ageConfirmed,
        personalization: form.personalization,
      }),
    );
    if (result.ok) land(result.value.next);
  }

  const name = [pending.givenName, pending.familyName].filter(Boolean).join(' ');
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          Create a Castellan account for <strong>{pending.email}</strong>
          {name ? ` (${name})` : ''}, signing in with Google. You will be the administrator of your organization; free for up to 10 users.
        </Text>
        <Text size="sm" c="dimmed">
          If this is a work email, the owner of that email domain (usually your employer) may later take control of this account. To keep the account yours alone,
          sign in to Google with a personal address instead.
        </Text>
        <ProblemAlert message={errors.alert} />
        <TextInput label="Company name" autoComplete="organization" value={form.companyName} onChange={set('companyName')} error={errors.field('companyName')} />
        <NativeSelect
          label="Company size (optional)"
          value={form.companySize}
          onChange={set('companySize')}
          error={errors.field('companySize')}
          data={[{ value: '', label: 'Choose a size' }, ...SIZES.map((s) => ({ value: s, label: `${s} people` }))]}
        />
        <TextInput label="Phone (optional)" type="tel" autoComplete="tel" value={form.phone} onChange={set('phone')} error={errors.field('phone')} />
        <Textarea label="Mailing address (optional)" autoComplete="street-address" autosize minRows={2} value={form.address} onChange={set('address')} error={errors.field('address')} />
        <SignupConsents ageConfirmed={form.ageConfirmed} personalization={form.personalization} onChange={(change) => setForm((f) => ({ ...f, ...change }))} error={errors.field('ageConfirmed')} />
        <Button type="submit" loading={loading} fullWidth>
          Create account
        </Button>
        <Text size="xs" ta="center" c="dimmed">
          We keep your Google account's id, email address and name, never its picture, language or domain.{' '}
          <AppLink to="/privacy" size="xs">
            Privacy policy
          </AppLink>
        </Text>
      </Stack>
    </form>
  );
}

/** ACC-4: an account with this verified address exists: its password proves it is yours before Google is linked to it. */
function LinkStep({ pending }: { pending: GooglePending }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['password', 'totp']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const totp = askCode ? code.trim().replace(/\s+/g, '') : undefined;
    const result = await run(() => googleApi.link({ password, ...(totp ? { totp } : {}) }));
    if (result.ok) land(result.value.next);
    else if (result.error.code === 'accounts.mfa_required') setAskCode(true);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          You already have a Castellan account with <strong>{pending.email}</strong>. Enter its password to link your Google account to it; from then on you can sign in
          with either.
        </Text>
        <ProblemAlert message={error?.code === 'accounts.mfa_required' ? null : errors.alert} />
        <PasswordField label="Password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.field('password')} />
        {askCode && (
          <TextInput label="Authentication code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={errors.field('totp')} />
        )}
        <Button type="submit" loading={loading} fullWidth>
          Link and sign in
        </Button>
        <AppLink to="/forgot-password" size="sm">
          Forgot password?
        </AppLink>
      </Stack>
    </form>
  );
}

/** ACC-5: two-step verification is on: its code after Google. */
function MfaStep() {
  const [code, setCode] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['totp']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => googleApi.mfa({ totp: code.trim().replace(/\s+/g, '') }));
    if (result.ok) land(result.value.next);
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</Text>
        <ProblemAlert message={errors.alert} />
        <TextInput label="Authentication code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={errors.field('totp')} autoFocus />
        <Button type="submit" loading={loading} fullWidth>
          Verify
        </Button>
      </Stack>
    </form>
  );
}

const TITLES = { signup: 'Finish creating your account', link: 'Link your Google account', mfa: 'Two-factor authentication' } as const;

/** `/google/complete`: what is left after Google answered (ACC-4). */
export default function GoogleCompletePage() {
  const [pending, setPending] = useState<GooglePending | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  useEffect(() => {
    googleApi.pending().then(setPending, (e: unknown) => setProblem(toApiError(e)));
  }, []);

  if (problem) {
    return (
      <PublicLayout title="Sign in with Google" documentTitle="Sign in with Google">
        <ProblemAlert message={problem.detail} />
        <AppLink to="/sign-in">Back to sign-in</AppLink>
      </PublicLayout>
    );
  }
  if (!pending) return <PublicLayout title="Sign in with Google" documentTitle="Sign in with Google">{null}</PublicLayout>;
  return (
    <PublicLayout title={TITLES[pending.step]} documentTitle={TITLES[pending.step]} width={520}>
      {pending.step === 'signup' ? <SignupStep pending={pending} /> : pending.step === 'link' ? <LinkStep pending={pending} /> : <MfaStep />}
    </PublicLayout>
  );
}
