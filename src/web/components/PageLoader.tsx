import { Center, Loader, VisuallyHidden } from '@mantine/core';

/** Shown while the session or a page's code loads. */
export function PageLoader({ label = 'Loading…', minHeight = '60vh' }: { label?: string; minHeight?: string | number }) {
  return (
    <Center mih={minHeight} role="status" aria-live="polite">
      <Loader aria-hidden />
      <VisuallyHidden>{label}</VisuallyHidden>
    </Center>
  );
}
