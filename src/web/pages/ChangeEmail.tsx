import { Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useSearch } from 'wouter';
import { type ApiError, api, toApiError } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { homePath, useSession } from '../session.tsx';

type State = { step: 'working' } | { step: 'done' } | { step: 'failed'; error: ApiError | null };

/** ACC-7: the landing page of the link sent to a new address; posts its token once, and the account takes the address. */
export default function ChangeEmailPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const { state: session, refresh } = useSession();
  const [state, setState] = useState<State>(token ? { step: 'working' } : { step: 'failed', error: null });
  const posted = useRef<string | null>(null);

  useEffect(() => {
    if (!token || posted.current === token) return;
    posted.current = token;
    api
      .confirmEmailChange(token)
      .then(() => {
        setState({ step: 'done' });
        refresh().catch(() => undefined);
      })
      .catch((e: unknown) => setState({ step: 'failed', error: toApiError(e) }));
  }, [token, refresh]);

  if (state.step === 'working') {
    return (
      <PublicLayout title="Changing your email address" documentTitle="Changing your email address">
        <PageLoader label="Confirming your new address…" minHeight={120} />
      </PublicLayout>
    );
  }
  if (state.step === 'done') {
    return (
      <PublicLayout title="Email address changed" documentTitle="Email address changed">
        <Text>Your account now uses this address. Sign in with it from now on; your old address was told of the change.</Text>
        {session.status === 'signedIn' ? <AppLink to={homePath(session.user)}>Continue to Castellan</AppLink> : <AppLink to="/sign-in">Sign in</AppLink>}
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Your address could not be changed" documentTitle="Address not changed">
      <ProblemAlert
        message={state.error ? state.error.detail : 'This link is incomplete. Open the link from the email again, or copy all of it into the address bar.'}
      />
      <Text size="sm">A link works once and for 24 hours. Ask for a new one from your account page.</Text>
      <AppLink to="/sign-in">Sign in</AppLink>
    </PublicLayout>
  );
}
