import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api.ts';
import { useRequest } from '../lib/forms.ts';
import { useSignedIn } from '../session.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** ACC-3: until the address is verified, say so and offer a new link. */
export function VerifyEmailNotice({ consequence }: { consequence?: string }) {
  const { user } = useSignedIn();
  const { loading, error, run } = useRequest();
  const [sent, setSent] = useState(false);
  if (user.emailVerified) return null;
  return (
    <Paper withBorder radius="md" p="md" mb="lg" bg="var(--mantine-color-yellow-0)" style={{ borderColor: 'var(--mantine-color-yellow-4)' }}>
      <Stack gap="sm">
        <Text fw={600}>Verify your email address</Text>
        <Text size="sm">
          We sent a link to <strong>{user.email}</strong>. Open it to verify the address.{consequence ? ` ${consequence}` : ''}
        </Text>
        <ProblemAlert message={error?.detail} />
        {sent ? (
          <Text size="sm" role="status">
            We sent a new link. It may take a few minutes to arrive.
          </Text>
        ) : (
          <Group>
            <Button
              variant="default"
              size="sm"
              loading={loading}
              onClick={async () => {
                const r = await run(() => api.resendVerification());
                if (r.ok) setSent(true);
              }}
            >
              Send a new link
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
