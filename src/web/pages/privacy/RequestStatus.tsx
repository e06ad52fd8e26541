import { Badge, Button, Checkbox, Group, List, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { useSearch } from 'wouter';
import { type PrivacyRequest, privacyRequestsApi, type VerifyInput } from '../../api/privacy-requests.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { StepUpFields, stepUpProof } from '../../components/StepUpFields.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { signInPath } from '../../lib/navigation.ts';
import { useLoad } from '../../lib/policies.ts';
import { useSession } from '../../session.tsx';

const KIND_NAMES: Record<string, string> = {
  access: 'A copy of your personal data',
  know: 'What personal data we hold and how we use it',
  correct: 'A correction of your personal data',
  delete: 'The deletion of your personal data',
  opt_out: 'An opt-out of sale and sharing',
  shine_the_light: 'Your California Privacy Rights',
  question: 'A privacy question',
  complaint: 'A privacy complaint',
};
const STATES: Record<string, string> = { received: 'Received', acknowledged: 'Acknowledged', extended: 'Extended', completed: 'Answered' };
const VERIFICATION: Record<string, string> = { not_required: 'Not needed', pending: 'Waiting for you', verified: 'Verified', failed: 'Could not be verified' };
const DECLARATION =
  'I declare under penalty of perjury that I am the person whose personal information is the subject of this request, or their authorized agent, and that what I give here is true.';

const POINTS: Array<{ key: 'name' | 'organization' | 'username' | 'invitedBy'; label: string; description: string }> = [
  { key: 'name', label: 'Your name, as an organization knows you', description: 'As the organization that invited you wrote it.' },
  { key: 'organization', label: 'An organization that invited you', description: 'Its name.' },
  { key: 'username', label: 'Your username there', description: 'If you were given one.' },
  { key: 'invitedBy', label: 'Who invited you', description: 'Their email address.' },
];

/** DSR-2: the account holder confirms with their password; signed out, they sign in first and come back. */
function Reauthenticate({ request, token, residence, onDone }: { request: PrivacyRequest; token: string; residence: boolean; onDone: (r: PrivacyRequest) => void }) {
  const { state } = useSession();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [california, setCalifornia] = useState(false);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['password', 'code', 'residence']);
  const back = `/privacy/requests/${encodeURIComponent(request.id)}?${new URLSearchParams({ token }).toString()}`;
  if (state.status !== 'signedIn') {
    return (
      <Stack gap="xs">
        <Text>This request is about an account. To verify it, sign in to that account and confirm your password: it cannot be verified any other way.</Text>
        <AppLink to={signInPath(back)}>Sign in and confirm your password</AppLink>
      </Stack>
    );
  }
  const mfa = state.user.mfaEnabled;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => privacyRequestsApi.verify(request.id, { token, ...stepUpProof(password, code, mfa), ...(residence ? { residence: { state: 'CA', agreed: california } } : {}) }));
    setPassword('');
    setCode('');
    if (r.ok) onDone(r.value);
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Verify the request">
      <Stack gap="sm">
        <Text size="sm">{`Signed in as ${state.user.email}. Confirm your password to verify that the request is yours.`}</Text>
        <ProblemAlert message={errors.alert} />
        <StepUpFields password={password} onPassword={setPassword} code={code} onCode={setCode} mfa={mfa} error={errors.field} />
        {residence && <Checkbox label="I attest that I live in California" checked={california} onChange={(e) => setCalifornia(e.currentTarget.checked)} error={errors.field('residence')} />}
        <Group justify="flex-end">
          <Button type="submit" loading={loading}>
            Verify
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** DSR-2: the email loop (this link) and data points, with the declaration and California residence where needed. */
function DataPoints({ request, token, needs, onDone }: { request: PrivacyRequest; token: string; needs: string[]; onDone: (r: PrivacyRequest) => void }) {
  const count = Number(needs.find((n) => n.startsWith('data_points:'))?.split(':')[1] ?? 0);
  const declaration = needs.includes('declaration');
  const residence = needs.includes('residence');
  const [points, setPoints] = useState<Record<string, string>>({});
  const [signedName, setSignedName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [california, setCalifornia] = useState(false);
  const [tooFew, setTooFew] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['dataPoints', 'declaration', 'residence']);
  const left = typeof error?.extensions.attemptsLeft === 'number' ? error.extensions.attemptsLeft : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const dataPoints = Object.fromEntries(Object.entries(points).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v)) as VerifyInput['dataPoints'];
    // Too few answers are not sent: the server would refuse them anyway, and it counts only real attempts.
    const given = Object.keys(dataPoints ?? {}).length;
    setTooFew(given < count ? `Fill in at least ${count} of these.` : null);
    if (given < count) return;
    const r = await run(() =>
      privacyRequestsApi.verify(request.id, {
        token,
        // Only the residence is left when staff verified the identity otherwise (a call, say).
        ...(count > 0 ? { dataPoints } : {}),
        ...(declaration ? { declaration: { signedName: signedName.trim() || '-', agreed } } : {}),
        ...(residence ? { residence: { state: 'CA', agreed: california } } : {}),
      }),
    );
    if (r.ok) onDone(r.value);
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Verify the request">
      <Stack gap="sm">
        {count > 0 && <Text size="sm">{`To verify that the request is yours, tell us at least ${count} of these things we hold about this address. Leave out what you do not know.`}</Text>}
        <ProblemAlert message={tooFew ?? errors.alert ?? errors.field('dataPoints') ?? null} />
        {left !== null && <Text size="sm" c="red">{`${left} attempt${left === 1 ? '' : 's'} left.`}</Text>}
        {count > 0 &&
          POINTS.map((p) => (
            <TextInput key={p.key} label={p.label} description={p.description} value={points[p.key] ?? ''} onChange={(e) => setPoints({ ...points, [p.key]: e.currentTarget.value })} />
          ))}
        {declaration && (
          <Stack gap="xs">
            <Text size="sm">{DECLARATION}</Text>
            <TextInput label="Your full name, as your signature" value={signedName} onChange={(e) => setSignedName(e.currentTarget.value)} error={errors.field('declaration')} />
            <Checkbox label="I agree to this declaration" checked={agreed} onChange={(e) => setAgreed(e.currentTarget.checked)} />
          </Stack>
        )}
        {residence && <Checkbox label="I attest that I live in California" checked={california} onChange={(e) => setCalifornia(e.currentTarget.checked)} error={errors.field('residence')} />}
        <Group justify="flex-end">
          <Button type="submit" loading={loading}>
            Verify
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** DSR-3: the subject confirms their agent's request. */
function ConfirmAgent({ request, token, onDone }: { request: PrivacyRequest; token: string; onDone: (r: PrivacyRequest) => void }) {
  const { loading, error, run } = useRequest();
  return (
    <Stack gap="xs">
      <Text size="sm">An authorized agent made this request for you. If you asked them to, confirm it; if you did not, do nothing and tell us.</Text>
      <ProblemAlert message={error?.detail ?? null} />
      <Group>
        <Button loading={loading} onClick={() => void run(() => privacyRequestsApi.confirmSubject(request.id, { token })).then((r) => r.ok && onDone(r.value))}>
          Confirm
        </Button>
      </Group>
    </Stack>
  );
}

function Verification({ request, token, onDone }: { request: PrivacyRequest; token: string; onDone: (r: PrivacyRequest) => void }) {
  const needs = request.verificationNeeds;
  if (needs.length === 0) return null;
  return (
    <Stack gap="sm" data-testid="verification">
      <Title order={2} size="h4">
        Verify your request
      </Title>
      {needs.includes('reauthentication') ? (
        <Reauthenticate request={request} token={token} residence={needs.includes('residence')} onDone={onDone} />
      ) : needs.some((n) => n.startsWith('data_points:')) || needs.includes('residence') ? (
        <DataPoints request={request} token={token} needs={needs} onDone={onDone} />
      ) : null}
      {needs.includes('subject_confirmation') && <ConfirmAgent request={request} token={token} onDone={onDone} />}
      {needs.includes('awaiting_subject') && <Text size="sm">We are waiting for the person you act for to confirm the request themselves.</Text>}
    </Stack>
  );
}

function Status({ request, token, onDone }: { request: PrivacyRequest; token: string; onDone: (r: PrivacyRequest) => void }) {
  return (
    <Stack gap="md">
      <Group gap="xs">
        <Badge variant="light">{STATES[request.state] ?? request.state}</Badge>
        {request.overdue && <Badge color="red">Overdue</Badge>}
        {request.verification !== 'not_required' && <Badge color={request.verification === 'verified' ? 'green' : 'gray'}>{`Verification: ${VERIFICATION[request.verification]}`}</Badge>}
      </Group>
      <List size="sm" spacing={4}>
        <List.Item>{`Reference: ${request.id}`}</List.Item>
        <List.Item>{`Received on ${formatDate(request.receivedAt)}`}</List.Item>
        <List.Item>{request.respondedAt ? `Answered on ${formatDate(request.respondedAt)}` : `We answer by ${formatDate(request.dueAt)}${request.extendedAt ? ' (extended)' : ''}`}</List.Item>
      </List>
      <Verification request={request} token={token} onDone={onDone} />
      <Title order={2} size="h4">
        History
      </Title>
      <Table striped aria-label="History">
        <Table.Tbody>
          {request.history.map((h, i) => (
            <Table.Tr key={`${h.at}-${i}`}>
              <Table.Td>{formatDateTime(h.at)}</Table.Td>
              <Table.Td>{h.action.replace(/_/g, ' ')}</Table.Td>
              <Table.Td>{h.note ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** /privacy/requests/:requestId?token=…: the request by the mailed link: its state, dates, history, and verification (DSR-1, DSR-2, DSR-3). */
export default function RequestStatusPage({ requestId }: { requestId: string }) {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const load = useCallback(() => privacyRequestsApi.get(requestId, token), [requestId, token]);
  const { data, error } = useLoad(load);
  const [fresh, setFresh] = useState<PrivacyRequest | null>(null);
  const request = fresh ?? data;
  if (!token || error) {
    return (
      <PublicLayout title="This link does not open a request" documentTitle="Privacy request" width={560}>
        <ProblemAlert message="Open the link from the email again, or copy all of it into the address bar." />
        <AppLink to="/privacy/requests/new">Make a privacy request</AppLink>
      </PublicLayout>
    );
  }
  if (!request) return <PageLoader />;
  return (
    <PublicLayout title={KIND_NAMES[request.kind] ?? 'Your privacy request'} documentTitle="Your privacy request" width={720}>
      <Status request={request} token={token} onDone={setFresh} />
    </PublicLayout>
  );
}
