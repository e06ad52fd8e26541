import { Group, Stack, Text } from '@mantine/core';
import { useCallback } from 'react';
import { ApiError, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PolicyMarkdown } from '../../components/PolicyMarkdown.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { diffHref, periodOf, useLoad, versionHref } from '../../lib/policies.ts';
import { PolicyFallback, PolicyFrame, PolicyStatus } from './PolicyFrame.tsx';

/** PRV-8: `/privacy/v/{n}`, one version of the policy as it was published. */
export default function PolicyVersionPage({ version }: { version: string }) {
  const n = /^[1-9]\d{0,6}$/.test(version) ? Number(version) : null;
  const load = useCallback(() => (n === null ? Promise.reject(notFound()) : api.getPolicy(n)), [n]);
  const { data: policy, error, loading, reload } = useLoad(load);

  if (!policy) {
    return (
      <PolicyFrame title={`Privacy policy, version ${version}`} documentTitle={`Privacy policy version ${version}`}>
        <PolicyFallback error={error} loading={loading} onRetry={reload} notFound="There is no such version of the privacy policy." />
      </PolicyFrame>
    );
  }
  return (
    <PolicyFrame title={policy.title} documentTitle={`Privacy policy version ${policy.version}`}>
      <Stack gap={4}>
        <PolicyStatus policy={policy} />
        <Text size="sm" c="dimmed">
          {`Version ${policy.version}. ${periodOf(policy)} Published on ${formatDateTime(policy.publishedAt)}.`}
        </Text>
        {policy.summary && <Text size="sm">{`What changed: ${policy.summary}`}</Text>}
      </Stack>
      <Group gap="md">
        {policy.version > 1 && (
          <AppLink to={diffHref(policy.version - 1, policy.version)} size="sm">
            Compare with version {policy.version - 1}
          </AppLink>
        )}
        {policy.status !== 'in_force' && (
          <AppLink to="/privacy" size="sm">
            The policy in effect now
          </AppLink>
        )}
        {policy.supersededAt && (
          <AppLink to={versionHref(policy.version + 1)} size="sm">
            Next version
          </AppLink>
        )}
      </Group>
      <PolicyMarkdown markdown={policy.markdown} />
    </PolicyFrame>
  );
}

/** A version number that cannot exist is answered as the API would answer it. */
function notFound(): ApiError {
  return new ApiError({ status: 404, code: 'privacy.policy_version_not_found', title: 'Not found', detail: 'There is no such privacy policy version.' });
}
