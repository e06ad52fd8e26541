import { Badge, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { useLocation } from 'wouter';
import type { ApiError, PolicySummary } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PublicFallback } from '../../components/PublicFallback.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { STATUS_LABELS } from '../../lib/policies.ts';

const LINKS = [
  { to: '/privacy', label: 'Current policy' },
  { to: '/privacy/archive', label: 'All versions' },
] as const;

/** PRV-8: the public frame of the privacy policy's pages, readable without an account. */
export function PolicyFrame({ title, documentTitle, children }: { title: ReactNode; documentTitle: string; children: ReactNode }) {
  const [location] = useLocation();
  return (
    <PublicLayout title={title} documentTitle={documentTitle} width={880}>
      <Group component="nav" aria-label="Privacy policy" gap="md">
        {LINKS.map((l) => (
          <AppLink key={l.to} to={l.to} size="sm" fw={location === l.to ? 600 : undefined} aria-current={location === l.to ? 'page' : undefined}>
            {l.label}
          </AppLink>
        ))}
      </Group>
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
