import { Button, Paper, Stack, Text } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { Redirect, useSearch } from 'wouter';
import { type VerificationAction, type VerificationRequest, api } from '../api.ts';
import { AppLink } from '../components/AppLink.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { StepUpFields, stepUpProof } from '../components/StepUpFields.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { formatDateTime } from '../lib/format.ts';
import { splitErrors, useRequest } from '../lib/forms.ts';
import { signInPath } from '../lib/navigation.ts';
import { useLoad } from '../lib/policies.ts';
import { homePath, useSession } from '../session.tsx';

const ASKS: Record<VerificationAction, string> = {
  disclose_account: 'see the account details of',
  delete_account: 'delete the account of',
};

const DONE: Record<VerificationAction, string> = {
  disclose_account: 'may now see the account details of',
  delete_account: 'may now delete the account of',
};

function ticketPath(ticketId: string) {
  return `/console/support/${encodeURIComponent(ticketId)}`;
}

function Request({ request }: { request: VerificationRequest }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid="verification-request">
      <Stack gap={6}>
        <Text>
          {`${request.staffName} of Castellan support asks to ${ASKS[request.action]} `}
          <Text span fw={600}>
            {request.accountName}
          </Text>
          {` (${request.accountEmail}).`}
        </Text>
        <Text size="sm">
          {'For your ticket '}
          <AppLink to={ticketPath(request.ticketId)}>{request.ticketSubject}</AppLink>.
        </Text>
        <Text size="sm" c="dimmed">
          {`This request expires on ${formatDateTime(request.expiresAt)}.`}
        </Text>
      </Stack>
    </Paper>
  );
}

/** SUP-6: the signed-in admin confirms a staff request from the emailed link, with their password again. */
function Confirm({ token, email, mfa }: { token: string; email: string; mfa: boolean }) {
  const load = useCallback(() => api.inspectVerification(token), [token]);
  const { data, error: loadError } = useLoad(load);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [done, setDone] = useState<VerificationRequest | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['password', 'code']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => api.confirmVerification(token, stepUpProof(password, code, mfa)));
    setPassword('');
    setCode('');
    if (result.ok) setDone(result.value);
  }

  if (done) {
    return (
      <PublicLayout title="Request confirmed" documentTitle="Request confirmed" width={520}>
        <Text role="status">
          {`Thank you. Castellan support ${DONE[done.action]} ${done.accountName} (${done.accountEmail}), once, until ${formatDateTime(done.expiresAt)}.`}
        </Text>
        <AppLink to={ticketPath(done.ticketId)}>Back to the ticket</AppLink>
      </PublicLayout>
    );
  }
  if (loadError) {
    return (
      <PublicLayout title="This request cannot be confirmed" documentTitle="Request not available" width={520}>
        <ProblemAlert message={loadError.detail} />
        <Text size="sm">{`You are signed in as ${email}. Only the administrator who opened the ticket can confirm it, while the link is valid.`}</Text>
        <AppLink to="/console/support">Your support tickets</AppLink>
      </PublicLayout>
    );
  }
  if (!data) {
    return (
      <PublicLayout title="Confirm a request from support" documentTitle="Confirm a request" width={520}>
        <PageLoader label="Loading the request…" minHeight={120} />
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Confirm a request from support" documentTitle="Confirm a request" width={520}>
      <Request request={data} />
      <Text size="sm">
        Castellan staff can never do this without your confirmation. If you asked for it, confirm with your password. If you did not,
        leave this page and tell us on the ticket.
      </Text>
      <form onSubmit={submit} noValidate aria-label="Confirm the request">
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <StepUpFields password={password} onPassword={setPassword} code={code} onCode={setCode} mfa={mfa} error={errors.field} />
          <Button type="submit" loading={loading} fullWidth>
            Confirm the request
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}

/** `/support/verify?token=…`: signed-out visitors sign in first and come back here. */
export default function SupportVerifyPage() {
  const search = useSearch();
  const token = new URLSearchParams(search).get('token') ?? '';
  const { state } = useSession();

  if (!token) {
    return (
      <PublicLayout title="This link is incomplete" documentTitle="Link incomplete" width={520}>
        <ProblemAlert message="Open the link from the email again, or copy all of it into the address bar." />
        <AppLink to="/">Go to Castellan</AppLink>
      </PublicLayout>
    );
  }
  if (state.status === 'loading') return <PageLoader />;
  if (state.status === 'signedOut') return <Redirect to={signInPath(`/support/verify?${new URLSearchParams({ token }).toString()}`)} replace />;
  if (state.status === 'error') {
    return (
      <PublicLayout title="Castellan is not available" documentTitle="Not available" width={520}>
        <ProblemAlert message={state.error.detail} />
      </PublicLayout>
    );
  }
  if (state.user.kind !== 'user') {
    return (
      <PublicLayout title="This request is for an administrator" documentTitle="Confirm a request" width={520}>
        <Text>{`You are signed in as ${state.user.email}. Sign out and sign in as the administrator who opened the ticket.`}</Text>
        <AppLink to={homePath(state.user)}>Go to your home page</AppLink>
      </PublicLayout>
    );
  }
  return <Confirm key={token} token={token} email={state.user.email} mfa={state.user.mfaEnabled} />;
}
