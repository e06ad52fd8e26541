import { Badge, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ApiError, PolicySummary } from '../../api.ts';
import { PublicFallback } from '../../components/PublicFallback.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { SectionNav } from '../../components/SectionNav.tsx';
import { STATUS_LABELS } from '../../lib/policies.ts';

const LINKS = [
  { to: '/privacy', label: 'Current policy' },
  { to: '/privacy/archive', label: 'All versions' },
] as const;

/** PRV-8: the public frame of the privacy policy's pages, readable without an account. */
export function PolicyFrame({ title, documentTitle, children }: { title: ReactNode; documentTitle: string; children: ReactNode }) {
  return (
    <PublicLayout title={title} documentTitle={documentTitle} width={880}>
      <SectionNav label="Privacy policy" links={LINKS} />
      {children}
    </PublicLayout>
  );
}

export function PolicyStatus({ policy }: { policy: Pick<PolicySummary, 'status' | 'material'> }) {
  const color = policy.status === 'in_force' ? 'teal' : policy.status === 'upcoming' ? 'blue' : 'gray';
  return (
    <Group gap={6}>
      <Badge color={color} variant="light">
        {STATUS_LABELS[policy.status]}
      </Badge>
      {policy.material && (
        <Badge color="orange" variant="light">
          Material change
        </Badge>
      )}
    </Group>
  );
}

/** Until the page's data is there: a loader, "not found", or the problem with a way to try again. */
export function PolicyFallback(props: { error: ApiError | null; loading: boolean; onRetry: () => void; notFound: string }) {
  return <PublicFallback {...props} loadingLabel="Loading the privacy policy…" back={{ to: '/privacy/archive', label: 'See every published version' }} />;
}
