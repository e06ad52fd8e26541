import { Button, NativeSelect, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PasswordStrength } from '../components/PasswordStrength.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { GoogleSignInButton } from '../components/GoogleSignInButton.tsx';
import { SignupConsents } from '../components/SignupConsents.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';

const SIZES = ['1–10', '11–50', '51–200', '201–1,000', '1,001–5,000', 'More than 5,000'];
const FIELDS = ['name', 'email', 'password', 'companyName', 'companySize', 'phone', 'address', 'ageConfirmed'] as const;

/** ACC-1, DSR-8, GOV-3: create an account and its organization. */
export default function SignUpPage() {
  const [form, setForm] = useState({
    name: '',
    email: '',
    password: '',
    companyName: '',
    companySize: '',
    phone: '',
    address: '',
    ageConfirmed: false,
    // PRV-3: the personalization opt-out is offered here, where the data is collected; it is an opt-out, so it starts allowed.
    personalization: true,
  });
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, FIELDS);

  const set = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement }) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [key]: value }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const optional = (v: string) => (v.trim() ? v.trim() : undefined);
    const result = await run(() =>
      api.signUp({
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
        companyName: form.companyName.trim(),
        companySize: optional(form.companySize),
        phone: optional(form.phone),
        address: optional(form.address),
        ageConfirmed: form.ageConfirmed,
        personalization: form.personalization,
      }),
    );
    if (result.ok) setSentTo(form.email.trim());
  }

  if (sentTo) {
    return (
      <PublicLayout title="Check your email" documentTitle="Check your email">
        <Text>
          We sent a link to <strong>{sentTo}</strong>. Open it to verify your email address and finish setting up your
          account.
        </Text>
        <Text size="sm" c="dimmed">
          No email after a few minutes? Check your spam folder, or sign in and ask for a new link from your account page.
        </Text>
        <AppLink to="/sign-in">Sign in</AppLink>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Create your account" documentTitle="Create an account" width={520}>
      <Text size="sm" c="dimmed">
        Free for up to 10 users. You will be the administrator of your organization.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <TextInput
            label="Name"
            autoComplete="name"
            value={form.name}
            onChange={set('name')}
            error={errors.field('name')}
          />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            value={form.email}
            onChange={set('email')}
            error={errors.field('email')}
            description="If you use a work email, the owner of that email domain (usually your employer) may later take control of this account. To keep the account yours alone, use a personal email address instead."
            inputWrapperOrder={['label', 'input', 'description', 'error']}
          />
          <div>
            <PasswordField
              label="Password"
              autoComplete="new-password"
              value={form.password}
              onChange={set('password')}
              error={errors.field('password')}
              description="At least 10 characters. A few unrelated words make a strong password."
            />
            <PasswordStrength
              id="signup-password-strength"
              password={form.password}
              userInputs={[form.email, form.name, form.companyName]}
            />
          </div>
          <TextInput
            label="Company name"
            autoComplete="organization"
            value={form.companyName}
            onChange={set('companyName')}
            error={errors.field('companyName')}
          />
          <NativeSelect
            label="Company size (optional)"
            value={form.companySize}
            onChange={set('companySize')}
            error={errors.field('companySize')}
            data={[{ value: '', label: 'Choose a size' }, ...SIZES.map((s) => ({ value: s, label: `${s} people` }))]}
          />
          <TextInput
            label="Phone (optional)"
            type="tel"
            autoComplete="tel"
            value={form.phone}
            onChange={set('phone')}
            error={errors.field('phone')}
          />
          <Textarea
            label="Mailing address (optional)"
            autoComplete="street-address"
            autosize
            minRows={2}
            value={form.address}
            onChange={set('address')}
            error={errors.field('address')}
          />
          <SignupConsents ageConfirmed={form.ageConfirmed} personalization={form.personalization} onChange={(change) => setForm((f) => ({ ...f, ...change }))} error={errors.field('ageConfirmed')} />
          <Button type="submit" loading={loading} fullWidth>
            Create account
          </Button>
          <GoogleSignInButton label="Sign up with Google" />
          <Text size="sm" ta="center">
            Already have an account? <AppLink to="/sign-in">Sign in</AppLink>
          </Text>
          <Text size="xs" ta="center" c="dimmed">
            How we use your information: <AppLink to="/privacy" size="xs">Privacy policy</AppLink>
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
