import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A button that copies `value`, and says so. */
export function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Button variant="default" size="xs" onClick={copy} aria-label={label}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

export interface SecretValue {
  /** Shown before the value; none for a lone secret. */
  label?: string;
  value: string;
  /** The copy button's accessible name. */
  copyLabel: string;
  testId?: string;
  /** A secret (not an id): selectable at a click. */
  secret?: boolean;
}

/**
 * A secret just made or rotated (a client secret, a service account's or a network's shared
 * secret): shown this once, with copy buttons, until the admin says it is stored.
 */
export function OneTimeSecret({ title, note, values, testId, children, onDone }: { title: string; note: string; values: SecretValue[]; testId: string; children?: ReactNode; onDone: () => void }) {
  return (
    <Alert color="yellow" variant="light" title={title} data-testid={testId}>
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          {note}
        </Text>
        {values.map((v) => (
          <Group key={v.copyLabel} gap="xs" align="center">
            {v.label && <Text size="sm">{v.label}</Text>}
            <Code fz="sm" data-testid={v.testId} style={{ wordBreak: 'break-all', ...(v.secret ? { userSelect: 'all' } : {}) }}>
              {v.value}
            </Code>
            <CopyValue value={v.value} label={v.copyLabel} />
          </Group>
        ))}
        {children}
        <Group>
          <Button size="xs" variant="light" onClick={onDone}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
