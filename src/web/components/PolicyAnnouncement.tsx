import { Alert, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type CurrentPolicy, api } from '../api.ts';
import { formatDateTime } from '../lib/format.ts';
import { diffHref, versionHref } from '../lib/policies.ts';
import { AppLink } from './AppLink.tsx';

type Announcement = NonNullable<CurrentPolicy['announcement']>;

/**
 * PRV-8: the sign-in page's prominent notice of a material change to the
 * privacy policy, upcoming or recently in effect. Public information: shown
 * before anyone signs in. When the policy cannot be read, the page simply goes on.
 */
export function PolicyAnnouncement() {
  const [announcement, setAnnouncement] = useState<Announcement | null>(null);
  useEffect(() => {
    let live = true;
    api
      .currentPolicy()
      .then((p) => {
        if (live) setAnnouncement(p.announcement);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (!announcement) return null;
  const a = announcement;
  const title = a.takenEffect
    ? `Our privacy policy changed on ${formatDateTime(a.effectiveAt)}`
    : `Our privacy policy changes on ${formatDateTime(a.effectiveAt)}`;
  return (
    <Alert color="orange" variant="light" title={title} data-testid="policy-announcement">
      <Stack gap={6}>
        {a.summary && <Text size="sm">{a.summary}</Text>}
        <Text size="sm">
          {a.takenEffect
            ? 'By continuing to use Castellan you accept the new version.'
            : 'If you keep using Castellan after that date, you accept the new version.'}
        </Text>
        <Group gap="md">
          <AppLink to={versionHref(a.version)} size="sm">
            {`Read version ${a.version}`}
          </AppLink>
          {a.previousVersion !== null && (
            <AppLink to={diffHref(a.previousVersion, a.version)} size="sm">
              What changed
            </AppLink>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
