import { Box, Container, Paper, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { type ReactNode, useEffect, useRef } from 'react';
import { AppLink } from './AppLink.tsx';
import { ConsentBanner } from './ConsentBanner.tsx';
import { Logo } from './Logo.tsx';

/** The frame of the signed-out pages: the name on top, one card with the page's heading. */
export function PublicLayout({
  title,
  documentTitle,
  width = 440,
  children,
}: {
  title: ReactNode;
  documentTitle: string;
  width?: number;
  children: ReactNode;
}) {
  useDocumentTitle(`${documentTitle} · Castellan`);
  // When the page's heading changes (a form replaced by its result), move focus there so it is announced.
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(documentTitle);
  useEffect(() => {
    // Only after the person did something (submitted a form), and not away from a field that took focus itself.
    const active = document.activeElement;
    const inputHasFocus = active instanceof HTMLElement && active.matches('input, textarea, select');
    const interacted = navigator.userActivation?.hasBeenActive ?? true;
    if (shown.current !== documentTitle && interacted && !inputHasFocus) heading.current?.focus();
    shown.current = documentTitle;
  }, [documentTitle]);
  return (
    <Box bg="var(--mantine-color-gray-0)" mih="100vh">
      <Container size={width} px="md" py={{ base: 'lg', sm: 48 }}>
        <Stack gap="lg">
          <Box component="header" ta="center">
            <AppLink to="/" underline="never" aria-label="Castellan home" display="inline-block">
              <Logo />
            </AppLink>
          </Box>
          <Paper component="main" withBorder shadow="xs" radius="md" p={{ base: 'md', sm: 'xl' }} style={{ overflowWrap: 'anywhere' }}>
            <Stack gap="md">
              <Title order={1} fz={{ base: 24, sm: 26 }} ref={heading} tabIndex={-1}>
                {title}
              </Title>
              {children}
            </Stack>
          </Paper>
          <ConsentBanner />
          <Box component="footer" ta="center">
            <AppLink to="/privacy/choices" size="sm" c="dimmed">
              Your privacy choices
            </AppLink>
            {' · '}
            <AppLink to="/privacy/requests/new" size="sm" c="dimmed">
              Privacy requests
            </AppLink>
          </Box>
        </Stack>
      </Container>
    </Box>
  );
}
