import { Group, Text } from '@mantine/core';

/** Castellan's mark and name. */
export function Logo({ size = 28, compact = false }: { size?: number; compact?: boolean }) {
  return (
    <Group gap={8} wrap="nowrap" component="span">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="7" fill="var(--mantine-color-indigo-6)" />
        <path d="M8 25V11l3 2V9h3v3l2-2 2 2V9h3v4l3-2v14z" fill="white" />
      </svg>
      <Text component="span" fw={700} fz="lg" c="var(--mantine-color-text)" visibleFrom={compact ? 'xs' : undefined}>
        Castellan
      </Text>
    </Group>
  );
}
