import { Badge, Text } from '@mantine/core';

/** PRV-5: shown wherever the browser's Global Privacy Control signal was applied. */
export function GpcHonored({ inline = false }: { inline?: boolean }) {
  if (inline) {
    return (
      <Text size="sm" c="teal.9" data-testid="gpc-honored">
        Opt-Out Preference Signal Honored: you are opted out of advertising and partner sharing.
      </Text>
    );
  }
  return (
    <Badge color="teal" variant="light" size="lg" radius="sm" tt="none" data-testid="gpc-honored">
      Opt-Out Preference Signal Honored
    </Badge>
  );
}
