import { Button, Stack, Text } from '@mantine/core';
import type { ApiError } from '../api.ts';
import { AppLink } from './AppLink.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * What a public page (the privacy policy, the knowledge base) shows until its
 * data is there: a loader, "not found" with a way back, or the problem with a
 * way to try again.
 */
export function PublicFallback(props: {
  error: ApiError | null;
  loading: boolean;
  onRetry: () => void;
  notFound: string;
  loadingLabel: string;
  back: { to: string; label: string };
}) {
  const { error } = props;
  if (!error) return <PageLoader label={props.loadingLabel} minHeight={160} />;
  if (error.status === 404) {
    return (
      <Stack gap="sm" align="flex-start">
        <Text>{props.notFound}</Text>
        <AppLink to={props.back.to}>{props.back.label}</AppLink>
      </Stack>
    );
  }
  return (
    <Stack gap="sm" align="flex-start">
      <ProblemAlert message={error.detail} />
      <Button variant="default" onClick={props.onRetry} loading={props.loading}>
        Try again
      </Button>
    </Stack>
  );
}
