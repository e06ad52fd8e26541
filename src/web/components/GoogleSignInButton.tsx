import { Button } from '@mantine/core';
import { useEffect, useState } from 'react';
import { googleStartUrl } from '../api/google.ts';
import { plansApi } from '../api/plans.ts';

/** ACC-4: the "Sign in with Google" button, shown only when the operator set Google up. */
export function GoogleSignInButton({ next, label = 'Sign in with Google' }: { next?: string | null; label?: string }) {
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    let live = true;
    plansApi
      .publicConfig()
      .then((c) => live && setEnabled(c.googleSignIn))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (!enabled) return null;
  return (
    <Button component="a" href={googleStartUrl(next)} variant="default" fullWidth>
      {label}
    </Button>
  );
}
