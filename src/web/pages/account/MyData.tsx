import { Alert, Anchor, Button, Checkbox, Group, List, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { type ArchiveLinkInput, type ArchiveLinkView, myDataApi, type MyRequestInput, type PrivacyRequest } from '../../api/my-data.ts';
import { meApi } from '../../api/me.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { StepUpFields, stepUpProof } from '../../components/StepUpFields.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';

type Regime = MyRequestInput['regime'];
const REGIMES: Array<{ value: Regime; label: string }> = [
  { value: 'other', label: 'Elsewhere' },
  { value: 'gdpr', label: 'The EU, the EEA or the UK (GDPR)' },
  { value: 'ccpa', label: 'California (CCPA)' },
];
const PROOF_FIELDS = ['password', 'code', 'residence', 'correction.value'];

/**
 * One request about the signed-in account: made once, then verified by re-authenticating (DSR-2).
 * A wrong password keeps the request, so trying again does not make another.
 */
function useMyRequest(kind: MyRequestInput['kind']) {
  const { user } = useSignedIn();
  const [pending, setPending] = useState<string | null>(null);
  const [regime, setRegime] = useState<Regime>('other');
  const [resident, setResident] = useState(false);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const req = useRequest();
  const errors = splitErrors(req.error, PROOF_FIELDS);

  /** `then` gets the proof a further step takes (the archive link re-authenticates too). */
  async function run<T>(extra: Partial<MyRequestInput>, then: (r: PrivacyRequest, proof: ArchiveLinkInput) => Promise<T>) {
    return req.run(async () => {
      const id = pending ?? (await myDataApi.ask({ kind, regime, ...extra })).id;
      setPending(id);
      const given = stepUpProof(password, code, user.mfaEnabled);
      // A code is good once: with two-step verification on, the session re-authenticates once, and the steps ride on that (the step-up window).
      if (user.mfaEnabled) await meApi.reauth(password, given.code);
      const proof = user.mfaEnabled ? {} : given;
      const verified = await myDataApi.reauthenticate(id, { ...proof, ...(regime === 'ccpa' ? { residence: { state: 'CA', agreed: resident } } : {}) });
      setPending(null);
      setPassword('');
      setCode('');
      return then(verified, proof);
    });
  }

  const fields = (
    <>
      <NativeSelect label="Where you live" description="It decides which privacy law answers your request, and its deadline." data={REGIMES} value={regime} onChange={(e) => setRegime(e.currentTarget.value as Regime)} maw={360} disabled={pending !== null} />
      {regime === 'ccpa' && <Checkbox label="I confirm that I am a California resident" checked={resident} onChange={(e) => setResident(e.currentTarget.checked)} />}
      <StepUpFields password={password} onPassword={setPassword} code={code} onCode={setCode} mfa={user.mfaEnabled} error={errors.field} passwordLabel="Your password, to confirm it is you" />
    </>
  );
  return { run, fields, errors, loading: req.loading, password, pending };
}

function Done({ children }: { children: ReactNode }) {
  return (
    <Alert color="teal" variant="light" role="status">
      {children}
    </Alert>
  );
}

/** DSR-1 (access): a copy of everything held about the account, as a ZIP of JSON and CSV. */
function DownloadSection() {
  const r = useMyRequest('access');
  const [link, setLink] = useState<ArchiveLinkView | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const out = await r.run({}, (verified, proof) => myDataApi.archiveLink(verified.id, proof));
    if (out.ok) setLink(out.value);
  }
  return (
    <Section title="Download my data" description="A copy of all the personal data we hold about you: one JSON file, and a CSV file per table, in a ZIP archive.">
      {link ? (
        <Stack gap="sm">
          <Done>{`Your copy is ready. The link works once, until ${formatDateTime(link.expiresAt)}, and replaces the one we emailed you.`}</Done>
          <Group>
            <Button component="a" href={link.url} download>
              Download my data (ZIP)
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Download my data">
          <Stack gap="sm">
            {r.fields}
            <ProblemAlert message={r.errors.alert} />
            <Group>
              <Button type="submit" loading={r.loading} disabled={r.password === ''}>
                Prepare my download
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Section>
  );
}

/** DSR-1 (correct): the account's name, reviewed by the privacy team before it is changed. */
function CorrectionSection() {
  const { user } = useSignedIn();
  const r = useMyRequest('correct');
  const [name, setName] = useState(user.name);
  const [done, setDone] = useState<PrivacyRequest | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const out = await r.run({ correction: { field: 'name', value: name.trim() } }, async (v) => v);
    if (out.ok) setDone(out.value);
  }
  return (
    <Section
      title="Ask for a correction"
      description="Your name as we hold it. Our privacy team reviews the correction before it is made. Your email address is changed in your account settings; what an organization keeps about you (your username there, the name it knows you by) is changed by its administrators."
    >
      {done ? (
        <Done>{`Your correction request (reference ${done.id}) waits for review. We will answer by email by ${formatDate(done.dueAt)}.`}</Done>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Ask for a correction">
          <Stack gap="sm">
            <TextInput label="Your name should be" value={name} onChange={(e) => setName(e.currentTarget.value)} error={r.errors.field('correction.value')} maxLength={200} maw={420} />
            {r.fields}
            <ProblemAlert message={r.errors.alert} />
            <Group>
              <Button type="submit" loading={r.loading} disabled={r.password === '' || name.trim() === '' || name.trim() === user.name}>
                Ask for the correction
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Section>
  );
}

const CONFIRM = 'delete my data';

/** DSR-5 (delete): the account and everything of it, at once, with a certificate by email. */
function DeleteSection() {
  const { memberships } = useSignedIn();
  const r = useMyRequest('delete');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const out = await r.run({}, async (v) => v);
    if (out.ok) setDone(true);
  }
  if (done) {
    return (
      <Section title="Delete my account's data">
        <Stack gap="sm">
          <Done>Your account and its personal data are deleted. We emailed you the deletion certificate, which lists what was deleted and what is kept, and why.</Done>
          <Group>
            <Button variant="default" onClick={() => window.location.assign('/')}>
              Leave
            </Button>
          </Group>
        </Stack>
      </Section>
    );
  }
  return (
    <Section title="Delete my account's data" description="Deletes your account and the personal data we hold about you, in every part of the service, at once.">
      <form onSubmit={submit} noValidate aria-label="Delete my account's data">
        <Stack gap="sm">
          <Alert color="red" variant="light" title="This cannot be undone" role="note">
            <List size="sm" spacing={4}>
              <List.Item>You are signed out, and you can no longer sign in to this account or to anything it gives you access to.</List.Item>
              <List.Item>Third parties that received your data are asked to delete it too.</List.Item>
              <List.Item>
                Sales records and support inquiries are kept for record keeping, without your name; the security audit log and the record of your privacy choices are kept unchanged.
              </List.Item>
              {memberships.length > 0 && (
                <List.Item>{`Your memberships in ${memberships.map((m) => m.organization.name).join(', ')} are de-identified, and their administrators are told: what an organization keeps itself is theirs to answer for. An organization you alone administer stays, without you; to delete it, use "Delete organization" in its console.`}</List.Item>
              )}
            </List>
          </Alert>
          <TextInput label={`Type "${CONFIRM}" to confirm`} value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} autoComplete="off" maw={360} />
          {r.fields}
          <ProblemAlert message={r.errors.alert} />
          <Group>
            <Button type="submit" color="red" loading={r.loading} disabled={confirm.trim().toLowerCase() !== CONFIRM || r.password === ''}>
              Delete my account&apos;s data
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** /account/data: "My data": download a copy, ask for a correction, delete (DSR-1, DSR-5), each after re-authenticating (DSR-2). */
export default function MyDataPage() {
  const { memberships } = useSignedIn();
  return (
    <>
      <PageHeader title="My data" description="Your rights over the personal data we hold about you. Each asks for your password again, so that nobody else can use them from your session." />
      <Stack gap="lg">
        <DownloadSection />
        <CorrectionSection />
        {memberships.length > 0 && (
          <Text size="sm" c="dimmed">
            {`Organizations that make the service available to you (${memberships.map((m) => m.organization.name).join(', ')}) administer your membership there. Please direct questions about the data they keep to their administrators. `}
            <Anchor href="/privacy">Our privacy policy</Anchor> explains more.
          </Text>
        )}
        <DeleteSection />
      </Stack>
    </>
  );
}
