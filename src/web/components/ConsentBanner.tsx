import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { BANNER_PURPOSES, useConsent } from '../lib/consent.tsx';
import { AppLink } from './AppLink.tsx';
import { GpcHonored } from './GpcHonored.tsx';

/**
 * PRV-3, PRV-5: the consent banner of the public pages. Accepting and refusing
 * are the same size and weight, and the preferences are one click away. It
 * stays until a choice is recorded; while Global Privacy Control is sent, the
 * banner says so and accepting does not opt back in to what the signal refuses.
 */
export function ConsentBanner() {
  const { state, bannerAnswered, choose } = useConsent();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!state || bannerAnswered) return state?.gpc.honored ? <GpcHonored /> : null;

  async function answer(granted: boolean) {
    setBusy(true);
    setFailed(false);
    try {
      await choose(
        BANNER_PURPOSES.map((purpose) => ({ purpose, granted })),
        'banner',
      );
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper component="aside" aria-label="Privacy choices" withBorder shadow="sm" radius="md" p="md" data-testid="consent-banner">
      <Stack gap="sm">
        <Text size="sm">
          This site uses analytics to see how its pages are used, and may use your data for advertising, sharing with partner companies and
          personalization, unless you refuse. Accept or refuse them all here, or choose one by one; you can change your mind at any time.
        </Text>
        {state.gpc.honored && <GpcHonored inline />}
        {failed && (
          <Text size="sm" c="red.8" role="alert">
            Your choice could not be saved. Try again.
          </Text>
        )}
        <Group gap="sm" grow>
          <Button variant="default" loading={busy} onClick={() => answer(true)}>
            Accept
          </Button>
          <Button variant="default" loading={busy} onClick={() => answer(false)}>
            Refuse
          </Button>
        </Group>
        <AppLink to="/privacy/choices" size="sm">
          Choose purpose by purpose
        </AppLink>
      </Stack>
    </Paper>
  );
}
