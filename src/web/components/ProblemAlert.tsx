import { Alert } from '@mantine/core';

/** A problem that belongs to no single field, or a network failure. role="alert" so it is announced. */
export function ProblemAlert({ message, title }: { message: string | null | undefined; title?: string }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      {message}
    </Alert>
  );
}
