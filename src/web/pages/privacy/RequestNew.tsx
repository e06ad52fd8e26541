import { Alert, Button, Checkbox, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { AppLink } from '../../components/AppLink.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { type PrivacyRequest, privacyRequestsApi, type SubmitRequestInput } from '../../api/privacy-requests.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { bytesToBase64, formatBytes } from '../../lib/support.ts';
import { useSession } from '../../session.tsx';

type Kind = SubmitRequestInput['kind'];
type Regime = SubmitRequestInput['regime'];

const KINDS: Array<{ value: Kind; label: string }> = [
  { value: 'access', label: 'Get a copy of my personal data' },
  { value: 'know', label: 'Know what personal data you hold and how you use it' },
  { value: 'correct', label: 'Correct my personal data' },
  { value: 'delete', label: 'Delete my personal data' },
  { value: 'opt_out', label: 'Opt out of the sale and sharing of my personal data' },
  { value: 'question', label: 'Ask a question about privacy' },
  { value: 'complaint', label: 'Make a complaint about privacy' },
];
const REGIMES: Array<{ value: Regime; label: string }> = [
  { value: 'ccpa', label: 'I live in California (CCPA)' },
  { value: 'gdpr', label: 'I live in the European Union or the UK (GDPR)' },
  { value: 'other', label: 'Elsewhere' },
];
const AGENT_KINDS: readonly Kind[] = ['access', 'know', 'correct', 'delete', 'opt_out'];
const FILE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
const FILE_MAX = 2 * 1024 * 1024;

interface Authorization {
  filename: string;
  contentType: (typeof FILE_TYPES)[number];
  content: string;
  size: number;
}

function Done({ request, email, agent }: { request: PrivacyRequest; email: string; agent: boolean }) {
  return (
    <PublicLayout title="We received your request" documentTitle="Request received" width={560}>
      <Stack gap="sm" role="status">
        <Text>{`Your reference is ${request.id}.`}</Text>
        {request.state === 'completed' && request.kind === 'opt_out' ? (
          <Text>It has taken effect: the personal data is no longer sold or shared.</Text>
        ) : (
          <Text>{`We will answer by ${request.dueAt.slice(0, 10)}.`}</Text>
        )}
        <Text>
          {agent
            ? `We mailed you a link to follow the request, and wrote to ${email}: for anything but an opt-out, they must confirm the request themselves.`
            : `We mailed a link to ${email || 'your address'}. Open it to follow your request${request.verification === 'pending' ? ' and to verify that it is yours: we act on it only then' : ''}.`}
        </Text>
      </Stack>
    </PublicLayout>
  );
}

/** /privacy/requests/new: the privacy center's form (DSR-1), for the person or their authorized agent (DSR-3). */
export default function RequestNewPage() {
  const { state } = useSession();
  const signedIn = state.status === 'signedIn';
  const [kind, setKind] = useState<Kind>('access');
  const [regime, setRegime] = useState<Regime>('other');
  const [email, setEmail] = useState('');
  const [details, setDetails] = useState('');
  const [correction, setCorrection] = useState('');
  const [asAgent, setAsAgent] = useState(false);
  const [agentName, setAgentName] = useState('');
  const [agentEmail, setAgentEmail] = useState('');
  const [file, setFile] = useState<Authorization | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [done, setDone] = useState<PrivacyRequest | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['kind', 'regime', 'email', 'details', 'agent', 'authorization', 'correction'], {
    'agent.name': 'agent',
    'agent.email': 'agent',
    'correction.value': 'correction',
    'correction.field': 'correction',
  });
  const agentAllowed = AGENT_KINDS.includes(kind);
  const agent = asAgent && agentAllowed;

  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const f = e.currentTarget.files?.[0];
    setFileError(null);
    setFile(null);
    if (!f) return;
    const type = FILE_TYPES.find((t) => t === f.type);
    if (!type) return setFileError('Choose a PDF, PNG or JPEG file.');
    if (f.size > FILE_MAX) return setFileError(`The file is ${formatBytes(f.size)}; at most ${formatBytes(FILE_MAX)}.`);
    try {
      setFile({ filename: f.name, contentType: type, content: bytesToBase64(new Uint8Array(await f.arrayBuffer())), size: f.size });
    } catch {
      setFileError('The file could not be read. Choose it again.');
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (agent && !file) return setFileError('Upload the authorization the person signed.');
    const input: SubmitRequestInput = {
      kind,
      regime,
      ...(email.trim() && (!signedIn || agent) ? { email: email.trim() } : {}),
      ...(details.trim() ? { details: details.trim() } : {}),
      ...(kind === 'correct' && correction.trim() ? { correction: { field: 'name', value: correction.trim() } } : {}),
      ...(agent && file ? { agent: { name: agentName.trim(), email: agentEmail.trim() }, authorization: { filename: file.filename, contentType: file.contentType, content: file.content } } : {}),
    };
    const r = await run(() => privacyRequestsApi.submit(input));
    if (r.ok) setDone(r.value);
  }

  if (done) return <Done request={done} email={email.trim()} agent={agent} />;
  return (
    <PublicLayout title="Make a privacy request" documentTitle="Make a privacy request" width={640}>
      <Text size="sm">
        Ask for a copy of your personal data, what we hold and why, a correction or its deletion, or opt out of its sale and sharing. You do not need an account.
        Before we give or delete data, we verify that the request is yours; an opt-out needs nothing more and takes effect at once.
      </Text>
      <Text size="sm" c="dimmed">
        California residents can also ask which third parties received their data for direct marketing: <AppLink to="/privacy/shine-the-light">Your California Privacy Rights</AppLink>. To tell us
        about an account held by a child under 16: <AppLink to="/privacy/report-child">report a child's account</AppLink>.
      </Text>
      <form onSubmit={submit} noValidate aria-label="Make a privacy request">
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <Select label="What would you like?" data={KINDS} value={kind} onChange={(v) => v && setKind(v as Kind)} allowDeselect={false} error={errors.field('kind')} />
          <Select label="Where do you live?" data={REGIMES} value={regime} onChange={(v) => v && setRegime(v as Regime)} allowDeselect={false} error={errors.field('regime')} />
          {signedIn && !agent ? (
            <Alert color="blue">{`You are signed in: the request is about your account, and we answer at ${state.user.email}.`}</Alert>
          ) : (
            <TextInput
              label={agent ? "The email address of the person you act for" : 'Your email address'}
              description="We send the acknowledgement and the answer there."
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={errors.field('email')}
            />
          )}
          {kind === 'correct' && (
            <TextInput label="Your name as it should be" description="We correct it after our review." value={correction} onChange={(e) => setCorrection(e.currentTarget.value)} error={errors.field('correction')} />
          )}
          <Textarea label="Details (optional)" autosize minRows={3} maxLength={4000} value={details} onChange={(e) => setDetails(e.currentTarget.value)} error={errors.field('details')} />
          {agentAllowed && (
            <Checkbox label="I am an authorized agent making this request for someone else" checked={asAgent} onChange={(e) => setAsAgent(e.currentTarget.checked)} />
          )}
          {agent && (
            <Stack gap="sm">
              <TextInput label="Your name" required value={agentName} onChange={(e) => setAgentName(e.currentTarget.value)} error={errors.field('agent')} />
              <TextInput label="Your email address" description="Your own link to follow the request goes here." type="email" required value={agentEmail} onChange={(e) => setAgentEmail(e.currentTarget.value)} />
              <Stack gap={4}>
                <Text size="sm" fw={500} component="label" htmlFor="authorization-file">
                  The authorization the person signed (PDF, PNG or JPEG, at most 2 MB)
                </Text>
                <input id="authorization-file" type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" onChange={(e) => void pick(e)} />
                {file && <Text size="sm" c="dimmed">{`${file.filename} (${formatBytes(file.size)})`}</Text>}
                {(fileError ?? errors.field('authorization')) && (
                  <Text size="sm" c="red" role="alert">
                    {fileError ?? errors.field('authorization')}
                  </Text>
                )}
              </Stack>
              {kind !== 'opt_out' && <Text size="sm" c="dimmed">The person you act for will be asked to confirm the request themselves before we act on it.</Text>}
            </Stack>
          )}
          <Group justify="space-between">
            <AppLink to="/privacy" size="sm">
              Our privacy policy
            </AppLink>
            <Button type="submit" loading={loading}>
              Send the request
            </Button>
          </Group>
        </Stack>
      </form>
    </PublicLayout>
  );
}
