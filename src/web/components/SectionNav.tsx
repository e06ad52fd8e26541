import { Group } from '@mantine/core';
import { useLocation } from 'wouter';
import { AppLink } from './AppLink.tsx';

/** The links between the pages of one public section (the privacy policy, the knowledge base); the current page is marked. */
export function SectionNav({ label, links }: { label: string; links: ReadonlyArray<{ to: string; label: string }> }) {
  const [location] = useLocation();
  return (
    <Group component="nav" aria-label={label} gap="md">
      {links.map((l) => (
        <AppLink key={l.to} to={l.to} size="sm" fw={location === l.to ? 600 : undefined} aria-current={location === l.to ? 'page' : undefined}>
          {l.label}
        </AppLink>
      ))}
    </Group>
  );
}
