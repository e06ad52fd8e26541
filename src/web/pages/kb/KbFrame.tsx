import type { ReactNode } from 'react';
import type { ApiError } from '../../api.ts';
import { PublicFallback } from '../../components/PublicFallback.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { SectionNav } from '../../components/SectionNav.tsx';

const LINKS = [
  { to: '/kb', label: 'Search articles' },
  { to: '/kb/supported', label: 'Supported protocols and systems' },
] as const;

/** SUP-7: the public frame of the knowledge base's pages, readable without an account. */
export function KbFrame({ title, documentTitle, children }: { title: ReactNode; documentTitle: string; children: ReactNode }) {
  return (
    <PublicLayout title={title} documentTitle={documentTitle} width={880}>
      <SectionNav label="Knowledge base" links={LINKS} />
      {children}
    </PublicLayout>
  );
}

/** Until the page's data is there: a loader, "not found", or the problem with a way to try again. */
export function KbFallback(props: { error: ApiError | null; loading: boolean; onRetry: () => void; notFound: string }) {
  return <PublicFallback {...props} loadingLabel="Loading…" back={{ to: '/kb', label: 'Search the knowledge base' }} />;
}
