import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import type { ComponentPropsWithoutRef } from 'react';

type Props = PasswordInputProps & Omit<ComponentPropsWithoutRef<'input'>, keyof PasswordInputProps | 'size' | 'type'>;

/** Mantine's PasswordInput, plus the aria-invalid that its other inputs set themselves. */
export function PasswordField(props: Props) {
  return <PasswordInput {...props} aria-invalid={Boolean(props.error)} />;
}
