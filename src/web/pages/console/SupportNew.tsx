import { Button, Group, NativeSelect, Paper, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { type NewTicketInput, type TicketEnvironment, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { AttachmentPicker, type PickedFile, toAttachments } from '../../components/AttachmentPicker.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { VerifyEmailNotice } from '../../components/VerifyEmailNotice.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { ENVIRONMENTS, ENVIRONMENT_LABELS } from '../../lib/support.ts';
import { useSignedIn } from '../../session.tsx';

const FIELDS = ['subject', 'body', 'environment', 'productionImpact', 'systemVersion', 'attachments'] as const;

interface Draft {
  subject: string;
  body: string;
  environment: '' | TicketEnvironment;
  productionImpact: boolean;
  systemVersion: string;
}

const EMPTY: Draft = { subject: '', body: '', environment: '', productionImpact: false, systemVersion: '' };

/** What is missing before the form can be sent, by field. */
function check(d: Draft): Record<string, string> {
  const missing: Record<string, string> = {};
  if (!d.subject.trim()) missing.subject = 'Give the ticket a subject.';
  if (!d.body.trim()) missing.body = 'Describe the problem or the question.';
  if (!d.environment) missing.environment = 'Choose the environment where it happens.';
  return missing;
}

/** SUP-1, SUP-5, SUP-7: an org admin opens a ticket; production impact puts it first in the desk's queue. */
export default function SupportNewPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, FIELDS);
  const fieldError = (name: string) => missing[name] ?? errors.field(name);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    // A field's own check is answered once the field changes.
    setMissing(({ [key]: _answered, ...rest }) => rest);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = check(draft);
    setMissing(found);
    if (Object.keys(found).length > 0 || !draft.environment) return;
    const version = draft.systemVersion.trim();
    const input: NewTicketInput = {
      subject: draft.subject.trim(),
      body: draft.body,
      environment: draft.environment,
      // SUP-5: only production can be production-impacting.
      productionImpact: draft.environment === 'production' && draft.productionImpact,
      ...(version ? { systemVersion: version } : {}),
      ...(files.length > 0 ? { attachments: toAttachments(files) } : {}),
    };
    const result = await run(() => api.openTicket(orgId, input));
    if (result.ok) navigate(`/console/support/${encodeURIComponent(result.value.id)}`);
  }

  return (
    <>
      <PageHeader title="Open a support ticket" description="Tell us what happens, where, and what you expected. We answer in English." />
      <VerifyEmailNotice consequence="Until then, you cannot open support tickets." />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <form onSubmit={submit} noValidate aria-label="New support ticket">
          <Stack gap="md" maw={680}>
            <ProblemAlert message={errors.alert} />
            <TextInput label="Subject" required value={draft.subject} onChange={(e) => set('subject', e.currentTarget.value)} error={fieldError('subject')} maxLength={200} />
            <Textarea
              label="Description"
              description="Steps to reproduce, error messages, and which users or resources are affected."
              required
              autosize
              minRows={6}
              value={draft.body}
              onChange={(e) => set('body', e.currentTarget.value)}
              error={fieldError('body')}
            />
            <NativeSelect
              label="Environment"
              required
              data={[{ value: '', label: 'Choose…' }, ...ENVIRONMENTS.map((v) => ({ value: v, label: ENVIRONMENT_LABELS[v] }))]}
              value={draft.environment}
              onChange={(e) => set('environment', e.currentTarget.value as Draft['environment'])}
              error={fieldError('environment')}
              w={{ base: '100%', xs: 260 }}
            />
            <Switch
              label="This affects production"
              description={
                draft.environment === 'production'
                  ? 'People or systems in production cannot work as they should. These tickets are answered first.'
                  : 'Only a production environment can be affected: test, staging and development are not production.'
              }
              checked={draft.environment === 'production' && draft.productionImpact}
              disabled={draft.environment !== 'production'}
              onChange={(e) => set('productionImpact', e.currentTarget.checked)}
              error={fieldError('productionImpact')}
            />
            <TextInput
              label="System version (optional)"
              description="For example Ubuntu 22.04 or Windows Server 2019: we check it against the supported versions."
              value={draft.systemVersion}
              onChange={(e) => set('systemVersion', e.currentTarget.value)}
              error={fieldError('systemVersion')}
              maxLength={200}
              w={{ base: '100%', xs: 360 }}
            />
            <AttachmentPicker files={files} onChange={setFiles} error={fieldError('attachments')} />
            <Text size="xs" c="dimmed">
              Never send passwords: Castellan staff cannot see or set them.
            </Text>
            <Group>
              <Button type="submit" loading={loading}>
                Open ticket
              </Button>
              <AppLink to="/console/support">Cancel</AppLink>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
