import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PasswordStrength } from '../components/PasswordStrength.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { StepUpFields, stepUpProof } from '../components/StepUpFields.tsx';
import { Section } from '../components/Section.tsx';
import { VerifyEmailNotice } from '../components/VerifyEmailNotice.tsx';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { useSession, useSignedIn } from '../session.tsx';
import { ApplicationsSection } from './account/Applications.tsx';
import { SessionsSection } from './account/Sessions.tsx';
import { OrganizationsSection } from './account/Organizations.tsx';
import { TwoFactorSection } from './account/TwoFactor.tsx';
import { GoogleLinkSection } from './account/GoogleLink.tsx';
import { NoticesSection } from './account/Notices.tsx';
import { EmailApprovalStatus } from './account/EmailApproval.tsx';

function ProfileSection() {
  const { user } = useSignedIn();
  const { updateUser } = useSession();
  const [name, setName] = useState(user.name);
  const [saved, setSaved] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['name']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const result = await run(() => api.updateName(name.trim()));
    if (result.ok) {
      updateUser(result.value.user);
      setName(result.value.user.name);
      setSaved(true);
    }
  }

  return (
    <Section title="Profile" description={`Your email address: ${user.email}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <TextInput
            label="Name"
            autoComplete="name"
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setSaved(false);
            }}
            error={errors.field('name')}
            maw={420}
          />
          <Group gap="md">
            <Button type="submit" loading={loading}>
              Save name
            </Button>
            {saved && (
              <Text size="sm" c="teal.8" role="status">
                Your name was saved.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const { user, organization } = useSignedIn();
  const [current, setCurrent] = useState('');
  const [code, setCode] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['currentPassword', 'newPassword', 'code']);
  const mfa = user.mfaEnabled;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setChanged(false);
    const proof = stepUpProof(current, code, mfa);
    const result = await run(() => api.changePassword(proof.password ?? '', next, proof.code));
    if (result.ok) {
      setCurrent('');
      setCode('');
      setNext('');
      setChanged(true);
      onChanged();
    }
  }

  return (
    <Section title="Password" description="Changing your password signs out your other sessions.">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={420}>
          <ProblemAlert message={errors.alert} />
          <StepUpFields
            password={current}
            onPassword={setCurrent}
            code={code}
            onCode={setCode}
            mfa={mfa}
            error={errors.field}
            passwordLabel="Current password"
            passwordField="currentPassword"
          />
          <div>
            <PasswordField
              label="New password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
              error={errors.field('newPassword')}
              description="At least 10 characters."
            />
            <PasswordStrength password={next} userInputs={[user.email, user.name, organization?.name ?? '']} />
          </div>
          <Group gap="md">
            <Button type="submit" loading={loading}>
              Change password
            </Button>
          </Group>
          {changed && (
            <Text size="sm" c="teal.8" role="status">
              Your password was changed. Your other sessions were signed out.
            </Text>
          )}
        </Stack>
      </form>
    </Section>
  );
}

/** Moving the account to another address: step-up, then a link to the new address (ACC-7). */
function EmailSection() {
  const { user } = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  // GOV-4: bumped when a change went to the organization for approval instead of a link.
  const [approvalVersion, setApprovalVersion] = useState(0);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['email', 'password', 'code']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSentTo(null);
    const next = email.trim();
    const result = await run(() => api.requestEmailChange(next, stepUpProof(password, code, user.mfaEnabled)));
    if (result.ok) {
      setPassword('');
      setCode('');
      setEmail('');
      if (result.value?.state === 'pending_approval') setApprovalVersion((v) => v + 1);
      else setSentTo(next);
    }
  }

  return (
    <Section title="Email address" description={`Your account's address is ${user.email}. A new address takes effect once you open the link we send to it.`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={420}>
          <ProblemAlert message={errors.alert} />
          <TextInput label="New email address" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.field('email')} />
          <StepUpFields password={password} onPassword={setPassword} code={code} onCode={setCode} mfa={user.mfaEnabled} error={errors.field} />
          <Group gap="md">
            <Button type="submit" loading={loading}>
              Change email address
            </Button>
          </Group>
          {sentTo && (
            <Text size="sm" c="teal.8" role="status">
              We sent a link to {sentTo}. Open it to finish; until then your address stays {user.email}.
            </Text>
          )}
          <EmailApprovalStatus version={approvalVersion} />
        </Stack>
      </form>
    </Section>
  );
}

/** ACC-2, ACC-5, ACC-6: the signed-in person's own profile, password, two-factor and sessions. */
export default function AccountPage() {
  const [sessionsVersion, setSessionsVersion] = useState(0);
  return (
    <>
      <PageHeader title="Account" description="Your applications, profile, organizations, password, two-factor authentication and sessions." />
      <Text size="sm" mb="md">
        <AppLink to="/account/privacy">Your privacy choices</AppLink>: what we may use your data for, and the history of your choices.
      </Text>
      <Text size="sm" mb="md">
        <AppLink to="/account/data">My data</AppLink>: download a copy of your personal data, ask for a correction, or delete your account&apos;s data.
      </Text>
      <VerifyEmailNotice />
      <Stack gap="lg">
        <NoticesSection />
        <ApplicationsSection />
        <ProfileSection />
        <OrganizationsSection />
        <EmailSection />
        <PasswordSection onChanged={() => setSessionsVersion((v) => v + 1)} />
        <TwoFactorSection />
        <GoogleLinkSection />
        <SessionsSection version={sessionsVersion} />
      </Stack>
    </>
  );
}
