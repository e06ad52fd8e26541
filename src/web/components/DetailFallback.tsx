import { Button, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { PageHeader } from './PageHeader.tsx';
import { PageLoader } from './PageLoader.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * What a detail page (a user, a group, a resource) shows until its object is
 * loaded: a loader, "not found" for an id that is not the organization's, or
 * the problem with a way to try again.
 */
export function DetailFallback(props: {
  /** 'User', 'Group', 'Resource'. */
  noun: string;
  /** How the "may have been deleted" sentence refers to it: 'It' or 'They'. */
  pronoun?: 'It' | 'They';
  error: ApiError | null | undefined;
  loading: boolean;
  onRetry: () => void;
  back: ReactNode;
}) {
  const { noun, error, back } = props;
  const lower = noun.toLowerCase();
  return (
    <>
      <PageHeader title={error?.status === 404 ? `${noun} not found` : noun} />
      <Stack gap="md" align="flex-start">
        {error?.status === 404 ? (
          <Text>
            There is no such {lower} in your organization. {props.pronoun ?? 'It'} may have been deleted.
          </Text>
        ) : error ? (
          <>
            <ProblemAlert message={error.detail} />
            <Button variant="default" onClick={props.onRetry} loading={props.loading}>
              Try again
            </Button>
          </>
        ) : (
          <PageLoader label={`Loading the ${lower}…`} minHeight={160} />
        )}
        {back}
      </Stack>
    </>
  );
}
