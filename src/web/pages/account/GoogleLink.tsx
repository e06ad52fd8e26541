import { Button, Group, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type GoogleLinkStatus, googleApi, googleStartUrl } from '../../api/google.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { useRequest } from '../../lib/forms.ts';

/** ACC-4: whether a Google account is linked; unlinking needs a password to sign in with. Hidden when Google is not set up. */
export function GoogleLinkSection() {
  const [status, setStatus] = useState<GoogleLinkStatus | null>(null);
  const { loading, error, run } = useRequest();
  const load = useCallback(() => {
    googleApi.status().then(setStatus, () => setStatus(null));
  }, []);
  useEffect(load, [load]);

  if (!status || (!status.enabled && !status.linked)) return null;
  const unlink = async () => {
    if ((await run(() => googleApi.unlink())).ok) load();
  };
  return (
    <Section title="Sign in with Google" description="We keep the Google account's id, email address and name, never its picture, language or domain.">
      <ProblemAlert message={error?.detail} />
      {status.linked ? (
        <Group justify="space-between">
          <Text size="sm">
            Linked to the Google account <strong>{status.email}</strong>.
          </Text>
          <Button variant="default" onClick={unlink} loading={loading} disabled={!status.hasPassword}>
            Unlink Google
          </Button>
        </Group>
      ) : (
        <Group justify="space-between">
          <Text size="sm">Not linked. Sign in with Google once to link it (you will be asked for your password).</Text>
          <Button component="a" href={googleStartUrl('/account')} variant="default">
            Link Google
          </Button>
        </Group>
      )}
      {status.linked && !status.hasPassword && (
        <Text size="xs" c="dimmed">
          Set a password (Forgot password? on the sign-in page) before unlinking: without Google you would have no way to sign in.
        </Text>
      )}
    </Section>
  );
}
