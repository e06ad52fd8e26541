import { Box, Button, Code, Group, Image, Paper, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { StepUpFields, stepUpProof } from '../../components/StepUpFields.tsx';
import { Section } from '../../components/Section.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { qrDataUrl } from '../../lib/qr.ts';
import { useSession } from '../../session.tsx';

type Status = { enabled: boolean; recoveryCodesLeft: number };

function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    qrDataUrl(uri)
      .then((url) => live && setSrc(url))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [uri]);
  if (failed) return <Text size="sm">The QR code could not be drawn. Enter the key below in your app instead.</Text>;
  if (!src) return <Skeleton w={200} h={200} radius="sm" />;
  return (
    <Image
      src={src}
      alt="QR code for your authenticator app"
      w={200}
      h={200}
      fit="contain"
      radius="sm"
      style={{ border: '1px solid var(--mantine-color-gray-3)', background: '#fff' }}
    />
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Paper withBorder radius="md" p="md" bg="var(--mantine-color-gray-0)">
      <Stack gap="sm">
        <Text fw={600}>Your recovery codes</Text>
        <Text size="sm">
          Store these codes somewhere safe, such as a password manager. If you lose your authenticator app, each code
          signs you in once. They are shown only now.
        </Text>
        <ul
          data-testid="recovery-codes"
          style={{
            listStyle: 'none',
            margin: 0,
            padding: 0,
            display: 'grid',
            gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))',
            gap: 'var(--mantine-spacing-xs)',
          }}
        >
          {codes.map((c) => (
            <li key={c}>
              <Code fz="sm">{c}</Code>
            </li>
          ))}
        </ul>
        <Group gap="sm">
          <Button
            variant="default"
            onClick={() => {
              navigator.clipboard
                ?.writeText(codes.join('\n'))
                .then(() => setCopied(true))
                .catch(() => setCopied(false));
            }}
          >
            Copy codes
          </Button>
          <Button variant="light" onClick={onDone}>
            I have stored them
          </Button>
          {copied && (
            <Text size="sm" role="status">
              Copied.
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function Enrolment({
  setup,
  onEnabled,
  onCancel,
}: {
  setup: { secret: string; otpauthUri: string };
  onEnabled: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState('');
  const confirm = useRequest();
  const errors = splitErrors(confirm.error, ['code']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await confirm.run(() => api.confirmTotp(code.replace(/\s+/g, '')));
    if (result.ok) onEnabled(result.value.recoveryCodes);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          1. Scan this QR code with an authenticator app (for example 1Password, Google Authenticator or Aegis).
        </Text>
        <QrCode uri={setup.otpauthUri} />
        <Box>
          <Text size="sm">Can’t scan it? Enter this key in the app instead:</Text>
          <Code data-testid="totp-secret" fz="sm" style={{ wordBreak: 'break-all', userSelect: 'all' }}>
            {setup.secret}
          </Code>
        </Box>
        <Text size="sm">2. Enter the 6-digit code the app shows.</Text>
        <ProblemAlert message={errors.alert} />
        <TextInput
          label="Code from your app"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={errors.field('code')}
          maw={220}
        />
        <Group gap="sm">
          <Button type="submit" loading={confirm.loading}>
            Turn on
          </Button>
          <Button variant="default" onClick={onCancel} disabled={confirm.loading}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A security change on the two-factor settings: asks for the password and a code again (ACC-5, ACC-7). */
function StepUpForm<T>({
  intro,
  action,
  color,
  variant,
  submit,
  onDone,
}: {
  intro: string;
  action: string;
  color?: string;
  variant?: string;
  submit: (proof: { password?: string; code?: string }) => Promise<T>;
  onDone: (value: T) => void;
}) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['password', 'code']);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => submit(stepUpProof(password, code, true)));
    if (result.ok) {
      setPassword('');
      setCode('');
      onDone(result.value);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm" maw={420}>
        <Text size="sm">{intro}</Text>
        <ProblemAlert message={errors.alert} />
        <StepUpFields password={password} onPassword={setPassword} code={code} onCode={setCode} mfa error={errors.field} />
        <Group>
          <Button type="submit" color={color} variant={variant} loading={loading}>
            {action}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Starting enrolment asks for the password first, so a stolen session cannot enrol its own authenticator. */
function StartForm({ onStarted }: { onStarted: (setup: { secret: string; otpauthUri: string }) => void }) {
  const [password, setPassword] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['password']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.startTotp(stepUpProof(password, '', false)));
    if (result.ok) {
      setPassword('');
      onStarted(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={420} align="flex-start">
        <Text size="sm">Two-factor authentication is off. Turn it on to ask for a code from your phone at each sign-in.</Text>
        <ProblemAlert message={errors.alert} />
        <StepUpFields password={password} onPassword={setPassword} code="" onCode={() => {}} mfa={false} error={errors.field} />
        <Button type="submit" loading={loading}>
          Set up two-factor authentication
        </Button>
      </Stack>
    </form>
  );
}

/** ACC-5: TOTP with recovery codes. */
export function TwoFactorSection() {
  const { updateUser } = useSession();
  const [status, setStatus] = useState<Status | null>(null);
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const load = useRequest();

  const fetchStatus = load.run;
  const reload = useCallback(() => {
    void fetchStatus(() => api.mfaStatus()).then((r) => {
      if (r.ok) setStatus(r.value);
    });
  }, [fetchStatus]);
  useEffect(reload, [reload]);

  let body;
  if (!status) {
    body = load.error ? (
      <Stack gap="sm">
        <ProblemAlert message={load.error.detail} />
        <Group>
          <Button variant="default" onClick={reload} loading={load.loading}>
            Try again
          </Button>
        </Group>
      </Stack>
    ) : (
      <PageLoader label="Loading two-factor settings…" minHeight={80} />
    );
  } else if (status.enabled) {
    body = (
      <Stack gap="md">
        <Text fw={500} c="teal.8">
          Two-factor authentication is on
        </Text>
        {codes ? (
          <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
        ) : (
          <Text size="sm" c="dimmed" data-testid="recovery-codes-left">
            Recovery codes left: {status.recoveryCodesLeft}
          </Text>
        )}
        <StepUpForm
          intro="New recovery codes replace the old ones, which stop working. Confirm it is you."
          action="Get new recovery codes"
          variant="default"
          submit={(proof) => api.regenerateRecoveryCodes(proof)}
          onDone={(value) => {
            const fresh = value.recoveryCodes;
            setCodes(fresh);
            setStatus({ enabled: true, recoveryCodesLeft: fresh.length });
          }}
        />
        <StepUpForm
          intro="To turn it off, confirm it is you."
          action="Turn off two-factor authentication"
          color="red"
          variant="outline"
          submit={(proof) => api.disableTotp(proof)}
          onDone={() => {
            setCodes(null);
            setStatus({ enabled: false, recoveryCodesLeft: 0 });
            updateUser({ mfaEnabled: false });
          }}
        />
      </Stack>
    );
  } else if (setup) {
    body = (
      <Enrolment
        setup={setup}
        onCancel={() => setSetup(null)}
        onEnabled={(recoveryCodes) => {
          setSetup(null);
          setCodes(recoveryCodes);
          setStatus({ enabled: true, recoveryCodesLeft: recoveryCodes.length });
          updateUser({ mfaEnabled: true });
        }}
      />
    );
  } else {
    body = <StartForm onStarted={setSetup} />;
  }

  return (
    <Section title="Two-factor authentication" description="A code from an authenticator app, asked for after your password.">
      {body}
    </Section>
  );
}
