import { Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

/** A signed-in page's heading (h1), which also names the browser tab. */
export function PageHeader({ title, description, documentTitle }: { title: string; description?: ReactNode; documentTitle?: string }) {
  useDocumentTitle(`${documentTitle ?? title} · Castellan`);
  return (
    <Stack gap={4} mb="lg">
      <Title order={1} fz={{ base: 24, sm: 28 }}>
        {title}
      </Title>
      {description && <Text c="dimmed">{description}</Text>}
    </Stack>
  );
}
