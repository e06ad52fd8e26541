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

/** ACC-3: the landing page of the verification email's link; posts its token once. */
export default function VerifyEmailPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const { state: session, refresh } = useSession();
  const [state, setState] = useState<State>(token ? { step: 'working' } : { step: 'failed', error: null });
  const posted = useRef<string | null>(null);

  useEffect(() => {
    if (!token || posted.current === token) return;
    posted.current = token;
    api
      .verifyEmail(token)
      .then(() => {
        setState({ step: 'done' });
        // A signed-in user's session now shows the address as verified.
        refresh().catch(() => undefined);
      })
      .catch((e: unknown) => setState({ step: 'failed', error: toApiError(e) }));
  }, [token, refresh]);

  if (state.step === 'working') {
    return (
      <PublicLayout title="Verifying your email" documentTitle="Verifying your email">
        <PageLoader label="Verifying your email…" minHeight={120} />
      </PublicLayout>
    );
  }
  if (state.step === 'done') {
    return (
      <PublicLayout title="Email verified" documentTitle="Email verified">
        <Text>Thank you. Your email address is verified and your account is fully active.</Text>
        <AppLink to="/sign-in">Sign in</AppLink>
        {session.status === 'signedIn' && <AppLink to={homePath(session.user)}>Continue to Castellan</AppLink>}
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Your email could not be verified" documentTitle="Email not verified">
      <ProblemAlert
        message={state.error ? state.error.detail : 'This link is incomplete. Open the link from the email again, or copy all of it into the address bar.'}
      />
      <Text size="sm">
        A link works once and for a limited time. Sign in and ask for a new link from your account page.
      </Text>
      <AppLink to="/sign-in">Sign in</AppLink>
    </PublicLayout>
  );
}
