import { Alert, Group, Stack, Text } from '@mantine/core';
import { useCallback } from 'react';
import { api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PolicyMarkdown } from '../../components/PolicyMarkdown.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { diffHref, periodOf, useLoad, versionHref } from '../../lib/policies.ts';
import { PolicyFallback, PolicyFrame, PolicyStatus } from './PolicyFrame.tsx';

/** PRV-8: `/privacy`, the privacy policy in effect now, and the next version when one is already published. */
export default function CurrentPolicyPage() {
  const load = useCallback(() => api.currentPolicy(), []);
  const { data: policy, error, loading, reload } = useLoad(load);

  if (!policy) {
    return (
      <PolicyFrame title="Privacy policy" documentTitle="Privacy policy">
        <PolicyFallback error={error} loading={loading} onRetry={reload} notFound="No privacy policy has been published yet." />
      </PolicyFrame>
    );
  }
  const upcoming = policy.upcoming;
  return (
    <PolicyFrame title={policy.title} documentTitle="Privacy policy">
      <Stack gap={4}>
        <PolicyStatus policy={policy} />
        <Text size="sm" c="dimmed">
          {`Version ${policy.version}. ${periodOf(policy)} Published on ${formatDateTime(policy.publishedAt)}.`}
        </Text>
      </Stack>
      {upcoming && (
        <Alert color={upcoming.material ? 'orange' : 'blue'} variant="light" title={`Version ${upcoming.version} takes effect on ${formatDateTime(upcoming.effectiveAt)}`}>
          <Stack gap={6}>
            {upcoming.summary && <Text size="sm">{upcoming.summary}</Text>}
            <Group gap="md">
              <AppLink to={versionHref(upcoming.version)} size="sm">
                Read version {upcoming.version}
              </AppLink>
              <AppLink to={diffHref(policy.version, upcoming.version)} size="sm">
                What will change
              </AppLink>
            </Group>
          </Stack>
        </Alert>
      )}
      <PolicyMarkdown markdown={policy.markdown} />
      {policy.version > 1 && (
        <Text size="sm">
          <AppLink to={diffHref(policy.version - 1, policy.version)}>What changed from version {policy.version - 1}</AppLink>
        </Text>
      )}
    </PolicyFrame>
  );
}
