import { Anchor, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type GoogleLinkStatus } from '../api/google.ts';
import { request } from '../api/client.ts';
import { PasswordField } from './PasswordField.tsx';

/**
 * ACC-4, ACC-5: an account linked to Google may confirm it is them through Google instead (Google
 * asks them to sign in again); back here, the session counts as re-authenticated for five minutes,
 * so the password field may stay empty. An account made through Google has no password at all.
 */
function GoogleStepUp() {
  const [status, setStatus] = useState<GoogleLinkStatus | null>(null);
  useEffect(() => {
    let live = true;
    // Not `authed`: a page without a session shows the password field alone, and stays where it is.
    request<GoogleLinkStatus>('GET', '/api/v1/me/google').then(
      (s) => live && setStatus(s),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  if (!status?.enabled || !status.linked) return null;
  const href = `/auth/google?purpose=reauth&next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
  return (
    <Text size="sm">
      {status.hasPassword ? 'Or ' : 'Your account signs in with Google: '}
      <Anchor href={href}>confirm it is you with Google</Anchor>, then come back here within five minutes{status.hasPassword ? ' and leave the password empty' : ''}.
    </Text>
  );
}

interface Props {
  password: string;
  onPassword: (value: string) => void;
  code: string;
  onCode: (value: string) => void;
  /** Whether the person has TOTP on: the code is asked only then. */
  mfa: boolean;
  error: (field: string) => string | undefined;
  passwordLabel?: string;
  /** The API's name for the password field (`password`, or `currentPassword` when changing it). */
  passwordField?: string;
}

/**
 * ACC-5, ACC-7: what a security change asks again, so that a stolen session alone cannot make it:
 * the password, and the code from the authenticator app (or a recovery code) when TOTP is on.
 */
export function StepUpFields({ password, onPassword, code, onCode, mfa, error, passwordLabel = 'Your password', passwordField = 'password' }: Props) {
  return (
    <Stack gap="sm">
      <GoogleStepUp />
      <PasswordField label={passwordLabel} autoComplete="current-password" value={password} onChange={(e) => onPassword(e.currentTarget.value)} error={error(passwordField)} />
      {mfa && (
        <TextInput
          label="Code from your authenticator app"
          description="Or one of your recovery codes."
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => onCode(e.currentTarget.value)}
          error={error('code')}
          maw={260}
        />
      )}
    </Stack>
  );
}

/**
 * The proof as the API takes it: the code without spaces, and only when one was asked for. An
 * empty password is left out, so the server answers why it is needed rather than "required".
 */
export function stepUpProof(password: string, code: string, mfa: boolean): { password?: string; code?: string } {
  const c = code.replace(/\s+/g, '');
  return { ...(password ? { password } : {}), ...(mfa && c ? { code: c } : {}) };
}
