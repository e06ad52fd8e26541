import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type PolicyNotice as Notice, api } from '../api.ts';
import { formatDateTime } from '../lib/format.ts';
import { useRequest } from '../lib/forms.ts';
import { diffHref, versionHref } from '../lib/policies.ts';
import { AppLink } from './AppLink.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * PRV-8: a material change to the privacy policy, shown to the signed-in user
 * on every page until they acknowledge it. The server records when it was
 * first shown; acknowledging it is recorded with the version.
 */
export function PolicyNotice() {
  const [notice, setNotice] = useState<Notice | null>(null);
  const [done, setDone] = useState(false);
  const { loading, error, run } = useRequest();

  useEffect(() => {
    let live = true;
    api
      .policyNotice()
      .then((r) => {
        if (live) setNotice(r.notice);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  if (done) {
    return (
      <Text size="sm" c="teal.8" role="status" mb="md">
        Thank you: your acknowledgement of the privacy policy is recorded.
      </Text>
    );
  }
  if (!notice) return null;
  const n = notice;
  return (
    <Paper
      component="section"
      aria-labelledby="policy-notice-title"
      withBorder
      radius="md"
      p="md"
      mb="lg"
      bg="var(--mantine-color-orange-0)"
      style={{ borderColor: 'var(--mantine-color-orange-4)' }}
      data-testid="policy-notice"
    >
      <Stack gap="sm">
        <Text fw={600} id="policy-notice-title">
          {n.takenEffect
            ? `Our privacy policy changed on ${formatDateTime(n.effectiveAt)}`
            : `Our privacy policy changes on ${formatDateTime(n.effectiveAt)}`}
        </Text>
        {n.summary && <Text size="sm">{n.summary}</Text>}
        <Text size="sm">
          {`Version ${n.version}, “${n.title}”, is a material change. Please read it. `}
          {n.takenEffect ? 'Continuing to use your account counts as accepting it.' : 'Continuing to use your account after that date counts as accepting it.'}
        </Text>
        <Group gap="md">
          <AppLink to={versionHref(n.version)} size="sm">
            {`Read version ${n.version}`}
          </AppLink>
          {n.previousVersion !== null && (
            <AppLink to={diffHref(n.previousVersion, n.version)} size="sm">
              What changed
            </AppLink>
          )}
        </Group>
        <ProblemAlert message={error?.detail} />
        <Group>
          <Button
            size="sm"
            loading={loading}
            onClick={async () => {
              const r = await run(() => api.acknowledgePolicy(n.version));
              if (r.ok) {
                setNotice(null);
                setDone(true);
              }
            }}
          >
            Acknowledge
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
